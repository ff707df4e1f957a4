#include "models/accel/systolic_tlm.h"

#include <chrono>
#include <deque>
#include <optional>
#include <systemc>
#include <tlm>
#include <unordered_map>
#include <vector>

#include "models/accel/global_buffer_module.h"
#include "models/accel/systolic_module.h"
#include "models/dram/dram_tlm.h"
#include "sim/core/errors.h"
#include "sim/kernel/sim_kernel.h"

namespace accelgym::accel {
namespace {

double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }

// Stops the simulation once every accelerator has run (the DRAM target keeps refreshing).
class StopWhenAllDone : public sc_core::sc_module {
 public:
  StopWhenAllDone(sc_core::sc_module_name name, std::vector<SystolicAccelerator*> accelerators)
      : sc_module(name), accelerators_(std::move(accelerators)) {
    SC_HAS_PROCESS(StopWhenAllDone);
    SC_THREAD(run);
  }

 private:
  void run() {
    for (SystolicAccelerator* a : accelerators_) {
      if (!a->done()) sc_core::wait(a->done_event());
    }
    sc_core::sc_stop();
  }
  std::vector<SystolicAccelerator*> accelerators_;
};

}  // namespace

// memory::TransferPort over the AT initiator sockets, called from the accelerator's thread; with
// a global buffer bound the DRAM requests leave from its DMA thread (send_requests).
class SystolicAccelerator::Port : public memory::TransferPort {
 public:
  Port(uint64_t capacity_bytes, uint32_t burst_bytes)
      : capacity_(capacity_bytes), burst_(burst_bytes) {
    data_.emplace_back(burst_bytes);
  }

  void bind(tlm::tlm_fw_transport_if<>& dram, tlm::tlm_fw_transport_if<>* global_buffer) {
    dram_ = &dram;
    global_buffer_ = global_buffer;
  }

  uint64_t capacity_bytes() const override { return capacity_; }

  uint32_t group() override {
    groups_.push_back({});
    return static_cast<uint32_t>(groups_.size() - 1);
  }

  void transfer(uint32_t group, bool is_write, uint64_t address, uint64_t bytes, double at_ns,
                uint32_t) override {
    start(group, at_ns);
    for (uint64_t a = address / burst_ * burst_; a < address + bytes; a += burst_) {
      ++groups_[group].outstanding;
      if (global_buffer_) {
        queue_.push_back({group, is_write, a % capacity_});
      } else {
        send({group, is_write, a % capacity_});  // nothing else to move meanwhile: no DMA
      }
    }
    if (global_buffer_) queued_.notify();  // immediate: the DMA thread sends in this phase
  }

  bool carries_on_chip_moves() const override { return global_buffer_ != nullptr; }

  // One transaction of the whole move, to the GlobalBufferModule (which takes it at once).
  void move_on_chip(uint32_t group, bool is_write, uint64_t bytes, double at_ns) override {
    start(group, at_ns);
    ++groups_[group].outstanding;
    tlm::tlm_generic_payload& p = payload(group, is_write, 0, bytes);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    if (global_buffer_->nb_transport_fw(p, phase, delay) == tlm::TLM_ACCEPTED) {
      sc_core::wait(global_buffer_end_req_);
    }
  }

  double wait(uint32_t group) override {
    while (groups_[group].outstanding > 0) sc_core::wait(response_);
    return std::max(groups_[group].done_ns, groups_[group].issued_ns);
  }

  // The DMA thread, with a global buffer bound: DRAM requests in order, so that waiting for
  // the target holds back the next DRAM request, not the moves over the buffer's port. Returns
  // once finish() is called (a thread left suspended has its stack freed without unwinding,
  // which AddressSanitizer later mistakes for overflows on the reused stack).
  void send_requests() {
    while (true) {
      while (queue_.empty()) {
        if (finished_) return;
        sc_core::wait(queued_);
      }
      const Request r = queue_.front();
      queue_.pop_front();
      send(r);
    }
  }
  // The network has run (every request answered): the DMA thread ends, in this delta cycle.
  void finish() {
    finished_ = true;
    queued_.notify();
  }

  tlm::tlm_sync_enum backward(tlm::tlm_generic_payload& p, tlm::tlm_phase& phase,
                              bool from_global_buffer) {
    if (phase == tlm::END_REQ) {
      (from_global_buffer ? global_buffer_end_req_ : end_req_).notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_ACCEPTED;
    }
    if (phase != tlm::BEGIN_RESP || p.get_response_status() != tlm::TLM_OK_RESPONSE) {
      throw InternalError(std::string("accelerator: unexpected response from the ") +
                          (from_global_buffer ? "global buffer" : "DRAM target"));
    }
    Group& g = groups_[group_of_.at(&p)];
    g.outstanding--;
    g.done_ns = std::max(g.done_ns, now_ns());
    group_of_.erase(&p);
    free_.push_back(&p);
    response_.notify(sc_core::SC_ZERO_TIME);
    return tlm::TLM_COMPLETED;
  }

 private:
  struct Group {
    uint64_t outstanding = 0;
    double issued_ns = 0, done_ns = 0;
  };
  struct Request {
    uint32_t group;
    bool is_write;
    uint64_t address;
  };

  // One DRAM request; the next BEGIN_REQ only after this one's END_REQ (request exclusion:
  // the target's back-pressure).
  void send(const Request& r) {
    tlm::tlm_generic_payload& p = payload(r.group, r.is_write, r.address, burst_);
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    if (dram_->nb_transport_fw(p, phase, delay) == tlm::TLM_ACCEPTED) sc_core::wait(end_req_);
  }

  void start(uint32_t group, double at_ns) {
    if (at_ns > now_ns()) sc_core::wait(sc_core::sc_time(at_ns - now_ns(), sc_core::SC_NS));
    Group& g = groups_[group];
    if (g.outstanding == 0) g.issued_ns = at_ns;
  }

  tlm::tlm_generic_payload& payload(uint32_t group, bool is_write, uint64_t address,
                                    uint64_t bytes) {
    tlm::tlm_generic_payload* p = nullptr;
    if (free_.empty()) {
      p = &pool_.emplace_back();
    } else {
      p = free_.back();
      free_.pop_back();
    }
    p->set_command(is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p->set_address(address);
    // Payloads in flight keep pointing into the buffers they were given: a longer transfer
    // gets a new, longer buffer beside them.
    if (data_.back().size() < bytes) data_.emplace_back(bytes);
    p->set_data_ptr(data_.back().data());
    p->set_data_length(static_cast<unsigned int>(bytes));
    p->set_streaming_width(static_cast<unsigned int>(bytes));
    p->set_byte_enable_ptr(nullptr);
    p->set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    group_of_[p] = group;
    return *p;
  }

  uint64_t capacity_;
  uint32_t burst_;
  std::deque<std::vector<unsigned char>> data_;  // the model moves no data; payloads point here
  tlm::tlm_fw_transport_if<>* dram_ = nullptr;
  tlm::tlm_fw_transport_if<>* global_buffer_ = nullptr;  // null: moves timed in LayerTraffic
  std::vector<Group> groups_;
  std::deque<Request> queue_;                  // DRAM requests not yet sent
  std::deque<tlm::tlm_generic_payload> pool_;  // stable addresses
  std::vector<tlm::tlm_generic_payload*> free_;
  std::unordered_map<const tlm::tlm_generic_payload*, uint32_t> group_of_;
  sc_core::sc_event queued_, end_req_, global_buffer_end_req_, response_;
  bool finished_ = false;
};

SystolicAccelerator::SystolicAccelerator(sc_core::sc_module_name name, v1::Network network,
                                         compute::SystolicConfig config,
                                         energy::Technology technology, uint64_t capacity_bytes,
                                         uint32_t burst_bytes)
    : SystolicAccelerator(name, std::move(network), std::move(config), std::move(technology),
                          capacity_bytes, burst_bytes, Options{}) {}

SystolicAccelerator::SystolicAccelerator(sc_core::sc_module_name name, v1::Network network,
                                         compute::SystolicConfig config,
                                         energy::Technology technology, uint64_t capacity_bytes,
                                         uint32_t burst_bytes, Options options)
    : sc_module(name),
      socket("socket"),
      global_buffer_socket("global_buffer_socket"),
      network_(std::move(network)),
      config_(std::move(config)),
      technology_(std::move(technology)),
      options_(options),
      port_(std::make_unique<Port>(capacity_bytes, burst_bytes)) {
  socket.register_nb_transport_bw(this, &SystolicAccelerator::nb_transport_bw);
  global_buffer_socket.register_nb_transport_bw(this,
                                                &SystolicAccelerator::global_buffer_transport_bw);
  SC_HAS_PROCESS(SystolicAccelerator);
  SC_THREAD(run);
  SC_THREAD(send_requests);
}

SystolicAccelerator::~SystolicAccelerator() = default;

void SystolicAccelerator::run() {
  // Bound by now.
  port_->bind(*socket.operator->(),
              global_buffer_socket.size() > 0 ? global_buffer_socket.operator->() : nullptr);
  MemoryModel every_fold(MemoryMode::kDram);  // no fold sampling over TLM
  every_fold.dram_exact = true;
  report_ = simulate_layers(network_, config_, every_fold, technology_, port_.get());
  port_->finish();
  finish_ns_ = now_ns();
  done_ = true;
  done_event_.notify(sc_core::SC_ZERO_TIME);
  if (options_.stop_simulation_when_done) sc_core::sc_stop();
}

void SystolicAccelerator::send_requests() {
  if (global_buffer_socket.size() == 0) return;  // run() sends its own DRAM requests
  port_->send_requests();
}

tlm::tlm_sync_enum SystolicAccelerator::nb_transport_bw(tlm::tlm_generic_payload& p,
                                                        tlm::tlm_phase& phase, sc_core::sc_time&) {
  return port_->backward(p, phase, false);
}

tlm::tlm_sync_enum SystolicAccelerator::global_buffer_transport_bw(tlm::tlm_generic_payload& p,
                                                                   tlm::tlm_phase& phase,
                                                                   sc_core::sc_time&) {
  return port_->backward(p, phase, true);
}

v1::SimReport simulate_systolic_tlm(const v1::Network& network,
                                    const compute::SystolicConfig& config,
                                    const energy::Technology& technology,
                                    const dram::DramConfig& dram) {
  const auto start = std::chrono::steady_clock::now();
  const dram::Device device = dram::make_device(dram);
  kernel::Session session;
  auto& target = session.make<dram::DramTarget>("dram", device, dram);
  auto& accelerator = session.make<SystolicAccelerator>(
      "accelerator", network, config, technology, device.capacity_bytes(), device.access_bytes);
  accelerator.socket.bind(target.socket);
  if (config.global_buffer_kib > 0) {
    auto& global_buffer = session.make<GlobalBufferModule>(
        "global_buffer", word_bytes(config, technology), config.global_buffer_words_per_cycle,
        1000.0 / static_cast<double>(config.clock_mhz));
    accelerator.global_buffer_socket.bind(global_buffer.socket);
  }
  session.run();
  v1::SimReport report = accelerator.report();
  const v1::DramReport dram_report = target.report();
  finish_report(report, config, technology, &dram_report);
  report.mutable_total()->set_host_time_s(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return report;
}

HeteroResult simulate_hetero_tlm(const std::vector<SubAccelerator>& subs,
                                 const dram::DramConfig& dram,
                                 const energy::Technology& technology) {
  if (subs.empty()) throw InputError("a heterogeneous design needs at least one sub-accelerator");
  const dram::Device device = dram::make_device(dram);
  kernel::Session session;
  auto& target = session.make<dram::DramTarget>("dram", device, dram);
  auto& mux = session.make<dram::InitiatorMux>("interconnect");
  mux.to_memory.bind(target.socket);
  std::vector<SystolicAccelerator*> modules(subs.size(), nullptr);
  std::vector<SystolicAccelerator*> running;
  for (size_t i = 0; i < subs.size(); ++i) {
    if (subs[i].networks.empty()) continue;
    v1::Network layers;
    layers.set_name("acc" + std::to_string(i));
    for (const auto* net : subs[i].networks) {
      for (const auto& layer : net->layers()) *layers.add_layers() = layer;
    }
    SystolicAccelerator::Options options;
    options.stop_simulation_when_done = false;
    modules[i] = &session.make<SystolicAccelerator>(
        ("acc" + std::to_string(i)).c_str(), std::move(layers), subs[i].config, technology,
        device.capacity_bytes(), device.access_bytes, options);
    // The mux numbers initiators in binding order.
    const auto initiator = static_cast<uint32_t>(running.size());
    modules[i]->socket.bind(mux.targets);
    if (subs[i].max_outstanding > 0) {
      target.memory().set_initiator_limit(initiator, subs[i].max_outstanding);
    }
    running.push_back(modules[i]);
  }
  if (!running.empty()) {
    session.make<StopWhenAllDone>("stop", running);
    session.run();
  }
  HeteroResult r;
  for (const SystolicAccelerator* m : modules) r.finish_ns.push_back(m ? m->finish_ns() : 0.0);
  r.dram = target.report();
  complete_hetero_result(subs, technology, r);
  return r;
}

}  // namespace accelgym::accel
