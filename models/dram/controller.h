// The DRAM memory controller: event-driven, one channel controller per channel.
//
// Nothing ticks. Each call to MemorySystem::advance(now) issues whatever the scheduler picks
// among the commands that may issue at `now` (at most one per channel: one command bus) and
// returns the next cycle at which anything can happen, computed from the timing constraints,
// the refresh schedule and pending responses; idle time costs nothing.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "accelgym/v1/dram.pb.h"
#include "models/dram/address_map.h"
#include "models/dram/dram_energy.h"
#include "models/dram/dram_params.h"
#include "models/dram/latency_log.h"
#include "models/dram/timing.h"

namespace accelgym::dram {

struct MemRequest {
  uint64_t address = 0;
  bool is_write = false;
  double arrival_ns = 0;  // when the initiator issued it (latency counts from here)
  uint32_t initiator = 0;
  uint64_t cookie = 0;  // returned in the completion (e.g. the TLM payload)
};

// A command as issued, for tests and tracing (record_commands). `row` (ACT, reads, writes)
// and `cookie` (reads and writes: the request served) are 0 for the other commands.
struct IssuedCommand {
  uint64_t cycle;
  Cmd cmd;
  uint32_t channel, rank, bank;
  uint32_t row = 0;
  uint64_t cookie = 0;
};

struct Completion {
  uint64_t cookie;
  uint64_t cycle;  // when the response is delivered
  bool is_write;
  double latency_ns;
};

// What the memory has done so far, as sums that grow with the work done: the part of a report
// that scales when a periodic stretch of traffic is extrapolated instead of simulated
// (models/accel/dram_backed.cc, fold sampling). Counts are doubles so that a stretch's
// activity can be scaled; reports round them.
struct Activity {
  double cycles = 0;
  double reads = 0, writes = 0;
  double row_hits = 0, row_misses = 0, row_conflicts = 0;
  std::array<double, kNumCmds> commands{};
  double act_pj = 0, pre_pj = 0, read_pj = 0, write_pj = 0, ref_pj = 0, background_pj = 0;

  Activity& operator+=(const Activity& other);
  Activity operator-(const Activity& other) const { return *this + other.scaled(-1); }
  Activity operator+(Activity other) const { return other += *this; }
  Activity scaled(double factor) const;

 private:
  // Every field but `commands`, for field-wise arithmetic.
  template <class Self>
  static auto scalars(Self& a) {
    return std::array{&a.cycles,     &a.reads,         &a.writes, &a.row_hits,
                      &a.row_misses, &a.row_conflicts, &a.act_pj, &a.pre_pj,
                      &a.read_pj,    &a.write_pj,      &a.ref_pj, &a.background_pj};
  }
};

class Channel;

class MemorySystem {
 public:
  MemorySystem(const Device& device, const DramConfig& config);
  ~MemorySystem();
  MemorySystem(const MemorySystem&) = delete;
  MemorySystem& operator=(const MemorySystem&) = delete;

  const Device& device() const { return device_; }
  const DramConfig& config() const { return config_; }
  const AddressMap& address_map() const { return map_; }
  // The refreshes RefreshPolicy schedules over the whole memory (every rank of every channel):
  // their command, how many per cycle and the energy of each. What a busy stretch holds on
  // average (stream sampling extrapolates them from it).
  struct RefreshRate {
    Cmd cmd = Cmd::REF;
    double per_cycle = 0;
    double pj_each = 0;
  };
  RefreshRate scheduled_refreshes() const;
  uint64_t cycle_at(double ns) const;  // the first clock edge at or after ns

  // Admits the request at cycle `now` unless its buffer is full or its initiator already has
  // MaxActiveTransactions outstanding (back-pressure: offer it again later). Throws
  // InputError when the address lies beyond the memory's capacity.
  bool try_accept(const MemRequest& request, uint64_t now);
  // The address decoded; InputError when it lies beyond the memory's capacity.
  Location locate(uint64_t address) const {
    if (const auto location = map_.decode(address)) return *location;
    throw_beyond_capacity(address);
  }
  // try_accept with the address already located (locate() once, offer many times).
  bool try_accept(const MemRequest& request, const Location& location, uint64_t now);

  // The first cycle at which advance() must run because of requests accepted since the last
  // call (kNever if none); resets it. Lets a caller accept requests for a cycle ahead of the
  // controller (a refused request re-offered the cycle after capacity freed) without an
  // advance() just for that cycle.
  uint64_t take_accept_wake() { return std::exchange(accept_wake_, kNever); }

  // Issues what can issue at `now`, delivers responses due by `now` (appended to
  // completions()), and returns the next cycle at which anything can happen (kNever if none).
  uint64_t advance(uint64_t now);

  bool busy() const;  // requests queued or responses not yet delivered
  // True once since a buffer slot or an initiator's active slot was freed: a request that was
  // refused may be offered again on the next cycle.
  bool take_capacity_freed() { return std::exchange(capacity_freed_, false); }
  // True once since the slot that refused the last refused request (its bank's or direction's
  // buffer, or its initiator's active transactions) was freed: offering that request again
  // before is sure to fail. For callers that hold one refused request at a time (RequestPump);
  // take_capacity_freed() serves several.
  bool take_refused_may_fit() { return std::exchange(refused_may_fit_, false); }
  std::vector<Completion>& completions() { return completions_; }

  // Settles background energy up to `end_cycle` and returns the report (latency percentiles,
  // commands, energy, bandwidth).
  // With posted writes (WriteResponse kPosted) the run lasts until the last write's data is
  // written, which may be after its response.
  v1::DramReport finish(uint64_t end_cycle) {
    return report(activity(std::max(end_cycle, posted_writes_done_cycle_)));
  }
  // The activity up to `now` (background energy settled up to it; `cycles` = now).
  Activity activity(uint64_t now);
  // The report of `total` (this system's activity, plus any extrapolated): latency statistics
  // are those of the requests simulated.
  v1::DramReport report(const Activity& total);

  // Outstanding requests allowed for one initiator (overrides MaxActiveTransactions for it;
  // applies with every arbiter): how accelerators sharing a DRAM split its bandwidth.
  void set_initiator_limit(uint32_t initiator, uint32_t max_outstanding);

  // Every command issued from now on is appended to `sink` (tests, debugging); null stops.
  void record_commands(std::vector<IssuedCommand>* sink) { command_sink_ = sink; }
  // Steps every channel at every advance(), ignoring when its last step said it next has
  // something to do: with a caller advancing every cycle, the reference the event-driven
  // schedule is checked against (tests).
  void step_every_advance(bool on) { step_every_advance_ = on; }
  // For callers that only record responses (the trace driver): advance() then returns a
  // response's cycle only once no request waits for a command, and delivers the responses due,
  // with their own cycles, at a later advance(): in batches while requests are queued, all of
  // them once none is. While requests are queued a channel step comes anyway, so this saves the
  // advance() calls that would only deliver and most delivery passes, and changes no result: a
  // delivery alters nothing the controller reads unless an initiator's limit applies (then
  // responses stay timely).
  void deliver_lazily(bool on);
  // Whether the caller has no request left to offer (for now): with transaction queues, the
  // last writes are then written instead of waiting for more (RequestPump tells).
  void set_requests_exhausted(bool exhausted) { requests_exhausted_ = exhausted; }

 private:
  friend class Channel;
  struct Outstanding {
    uint64_t completion = kNever;
    double arrival_ns = 0;
    uint64_t cookie = 0;
    uint32_t initiator = 0;
    bool is_write = false;
    bool delivered = false;
  };
  // Every request not yet delivered, by id (ids are consecutive): a ring that doubles when
  // full, so admitting and retiring a request allocates nothing.
  class Window {
   public:
    bool empty() const { return size_ == 0; }
    Outstanding& operator[](uint64_t id) { return slots_[id & mask_]; }
    Outstanding& push(uint64_t id);  // id is the one after the newest
    // Drops the oldest requests while they are delivered.
    void retire_delivered() {
      while (size_ > 0 && (*this)[oldest_].delivered) {
        ++oldest_;
        --size_;
      }
    }

   private:
    std::vector<Outstanding> slots_;
    uint64_t mask_ = 0;
    uint64_t oldest_ = 0;
    uint64_t size_ = 0;
  };
  // Slots a request may wait for: a buffer (Channel::buffer_slot(): kBufferSlot | channel << 32
  // | bank or direction) or an initiator's active transactions (kInitiatorSlot | initiator).
  static constexpr uint64_t kNoSlot = ~uint64_t{0}, kInitiatorSlot = uint64_t{1} << 63,
                            kBufferSlot = uint64_t{1} << 62, kTransactionSlot = uint64_t{1} << 61;
  void refused(uint64_t slot) {
    refused_slot_ = slot;
    refused_may_fit_ = false;
  }
  void freed(uint64_t slot) {
    capacity_freed_ = true;
    refused_may_fit_ |= slot == refused_slot_;
  }
  [[noreturn]] void throw_beyond_capacity(uint64_t address) const;
  void on_cas(uint64_t id, bool is_write, uint64_t completion);
  uint64_t move_transaction(uint32_t channel, uint64_t now);
  void answer_posted_write(uint64_t id, uint64_t now);
  void deliver(uint64_t id, uint64_t cycle);
  uint64_t deliver_due(uint64_t now);
  Outstanding& entry(uint64_t id) { return window_[id]; }

  Device device_;
  double cycles_per_ns_ = 1 / device_.tck_ns;
  DramConfig config_;
  EnergyModel energy_;
  AddressMap map_;
  std::vector<Rule> rules_;
  std::vector<std::unique_ptr<Channel>> channels_;
  std::vector<uint64_t> channel_next_;  // per channel: nothing to do before this cycle
  uint64_t next_id_ = 0;
  Window window_;
  std::vector<uint32_t> active_per_initiator_;
  std::vector<uint32_t> initiator_limit_;  // 0 = the configured MaxActiveTransactions
  // Unordered responses: (completion, id) in increasing order. Reads and writes complete a
  // fixed time after their command, and commands issue in time order, so a response is
  // nearly always inserted at the back (a write may pass a read issued a few cycles earlier).
  // A ring that doubles when full: no allocation per response once it has grown.
  class DueQueue {
   public:
    using Response = std::pair<uint64_t, uint64_t>;
    bool empty() const { return head_ == tail_; }
    const Response& front() const { return slots_[head_ & mask_]; }
    void pop_front() { ++head_; }
    void insert(const Response& response) {
      if (tail_ - head_ == slots_.size()) grow();
      uint64_t at = tail_++;
      for (; at != head_ && response < slots_[(at - 1) & mask_]; --at) {
        slots_[at & mask_] = slots_[(at - 1) & mask_];
      }
      slots_[at & mask_] = response;
    }

   private:
    void grow();
    std::vector<Response> slots_;
    uint64_t mask_ = 0, head_ = 0, tail_ = 0;  // head_ and tail_ count responses ever held
  };
  DueQueue due_;
  // Ordered responses: per order domain, ids in request order.
  std::vector<std::deque<uint64_t>> ordered_;
  std::vector<uint64_t> last_delivered_;
  std::vector<Completion> completions_;
  LatencyLog read_latency_ns_, write_latency_ns_;
  std::vector<IssuedCommand>* command_sink_ = nullptr;
  bool capacity_freed_ = false;
  uint64_t refused_slot_ = kNoSlot;  // what refused the last refused request
  bool refused_may_fit_ = false;
  bool step_every_advance_ = false;
  bool deliver_lazily_ = false;  // asked for, and no initiator limit applies
  uint64_t queued_ = 0;          // requests accepted whose read or write has not issued
  // Writes answered at admission (peer presets: Ramulator 2, DRAMsim3), and the cycle the
  // last of them had its data written.
  const bool posted_writes_ = config_.controller.write_response == WriteResponse::kPosted;
  uint64_t posted_writes_done_cycle_ = 0;
  // DRAMsim3's transaction queues (ControllerConfig::transaction_queue_size), per channel:
  // requests admitted but not yet in their buffer, oldest first, and how many writes the
  // current drain has left to move (0: reads move).
  struct Transaction {
    uint64_t id;
    Location location;
  };
  struct TransactionQueues {
    std::deque<Transaction> reads, writes;
    size_t draining_writes = 0;
  };
  std::vector<TransactionQueues> transactions_;
  bool requests_exhausted_ = false;
  // Lazy delivery: reads and writes issued since the last delivery pass, which runs once
  // kLazyBatch have (or once no request is queued).
  static constexpr uint32_t kLazyBatch = 64;
  uint32_t cas_since_delivery_ = 0;
  uint64_t accept_wake_ = kNever;
  uint64_t row_hits_ = 0, row_misses_ = 0, row_conflicts_ = 0;
  uint64_t commands_[kNumCmds] = {};
  double act_pj_ = 0, pre_pj_ = 0, read_pj_ = 0, write_pj_ = 0, ref_pj_ = 0;
};

}  // namespace accelgym::dram
