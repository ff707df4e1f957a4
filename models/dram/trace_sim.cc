#include "models/dram/trace_sim.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "models/dram/controller.h"
#include "sim/core/errors.h"

namespace accelgym::dram {
namespace {

using Clock = std::chrono::steady_clock;

// Pulls requests in chunks so parsing time can be measured apart from simulation time.
class Feed {
 public:
  explicit Feed(workloads::TraceSource& source) : source_(source) { refill(); }
  bool empty() const { return pos_ >= chunk_.size(); }
  const workloads::TraceRequest& front() const { return chunk_[pos_]; }
  uint64_t index() const { return consumed_ + pos_; }
  void pop() {
    if (++pos_ >= chunk_.size() && !exhausted_) refill();
  }
  double parse_seconds() const { return parse_s_; }
  std::string where() const { return source_.where_at(positions_[pos_]); }

 private:
  void refill() {
    const auto start = Clock::now();
    consumed_ += chunk_.size();
    chunk_.clear();
    positions_.clear();
    pos_ = 0;
    workloads::TraceRequest r;
    while (chunk_.size() < 4096) {
      if (!source_.next(r)) {
        exhausted_ = true;
        break;
      }
      chunk_.push_back(r);
      positions_.push_back(source_.position());
    }
    parse_s_ += std::chrono::duration<double>(Clock::now() - start).count();
  }
  workloads::TraceSource& source_;
  std::vector<workloads::TraceRequest> chunk_;
  std::vector<uint64_t> positions_;  // where each buffered request came from
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
  bool exhausted_ = false;
  double parse_s_ = 0;
};

}  // namespace

v1::DramReport simulate_trace(workloads::TraceSource& source, const DramConfig& config,
                              const TraceRunOptions& options) {
  MemorySystem sys(make_device(config), config);
  return run_trace(sys, source, options);
}

v1::DramReport run_trace(MemorySystem& sys, workloads::TraceSource& source,
                         const TraceRunOptions& options) {
  const Device& device = sys.device();
  std::unique_ptr<FILE, int (*)(FILE*)> latency_file(nullptr, &fclose);
  if (!options.latency_out.empty()) {
    latency_file.reset(std::fopen(options.latency_out.c_str(), "w"));
    if (!latency_file) throw InputError(options.latency_out + ": cannot write");
    std::fputs("id,type,arrival_ns,latency_ns\n", latency_file.get());
  }
  const auto start = Clock::now();
  Feed feed(source);
  uint64_t now = 0, end_cycle = 0;
  // The request at the head of the feed, decoded once however often it is offered.
  bool head_ready = false;
  uint64_t head_cycle = 0;
  Location head_loc;
  auto load_head = [&] {
    if (feed.empty()) return;
    const auto& r = feed.front();
    const auto loc = sys.decode(r.address);
    if (!loc) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(r.address));
      throw InputError(feed.where() + ": address " + buf + " is beyond the memory's capacity (" +
                       std::to_string(device.capacity_bytes() >> 20) + " MiB)");
    }
    head_loc = *loc;
    head_cycle = sys.cycle_at(r.time_ns);
    head_ready = true;
  };
  load_head();
  bool blocked = false;
  while (true) {
    // A refused request is offered again only once capacity has been freed.
    if (blocked && sys.take_capacity_freed()) blocked = false;
    while (!blocked && head_ready && head_cycle <= now) {
      const auto& r = feed.front();
      if (!sys.try_accept(MemRequest{r.address, r.is_write, r.time_ns, 0, feed.index()}, head_loc,
                          now)) {
        blocked = true;
        break;
      }
      feed.pop();
      head_ready = false;
      load_head();
    }
    uint64_t next = sys.advance(now);
    for (const Completion& c : sys.completions()) {
      end_cycle = std::max(end_cycle, c.cycle);
      if (options.completions) options.completions->push_back(c);
      if (latency_file) {
        const double arrival = static_cast<double>(c.cycle) * device.tck_ns - c.latency_ns;
        std::fprintf(latency_file.get(), "%llu,%s,%.3f,%.3f\n",
                     static_cast<unsigned long long>(c.cookie), c.is_write ? "W" : "R", arrival,
                     c.latency_ns);
      }
    }
    sys.completions().clear();
    if (!head_ready && !sys.busy()) break;
    if (head_ready && !blocked) next = std::min(next, std::max(head_cycle, now + 1));
    if (blocked && sys.take_capacity_freed()) {
      blocked = false;
      next = std::min(next, now + 1);
    }
    if (next == kNever || next <= now) {
      throw InternalError("DRAM controller made no progress at cycle " + std::to_string(now));
    }
    now = next;
  }
  v1::DramReport report = sys.finish(end_cycle);
  const double total_s = std::chrono::duration<double>(Clock::now() - start).count();
  report.set_host_time_s(total_s - feed.parse_seconds());
  return report;
}

}  // namespace accelgym::dram
