#include "models/dram/trace_sim.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "models/dram/controller.h"
#include "models/dram/pump.h"
#include "sim/core/errors.h"
#include "sim/core/file_io.h"

namespace accelgym::dram {
namespace {

using Clock = std::chrono::steady_clock;

// Pulls requests in chunks so parsing time can be measured apart from simulation time.
class Feed {
 public:
  // Small enough that its buffers are a few pages: a run touching fresh memory pays per page.
  static constexpr size_t kChunk = 1024;
  explicit Feed(workloads::TraceSource& source) : source_(source) { refill(); }
  bool empty() const { return pos_ >= chunk_.size(); }
  const workloads::TraceRequest& front() const { return chunk_[pos_]; }
  uint64_t index() const { return consumed_ + pos_; }
  void pop() {
    if (++pos_ >= chunk_.size() && !exhausted_) refill();
  }
  double parse_seconds() const { return parse_s_; }
  uint64_t position() const { return positions_[pos_]; }
  std::string where_at(uint64_t position) const { return source_.where_at(position); }

 private:
  void refill() {
    const auto start = Clock::now();
    consumed_ += chunk_.size();
    chunk_.resize(kChunk);
    positions_.resize(kChunk);
    pos_ = 0;
    const size_t n = source_.next_batch(chunk_.data(), positions_.data(), kChunk);
    chunk_.resize(n);
    positions_.resize(n);
    exhausted_ = n < kChunk;
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
  std::optional<OutputFile> latency_out;
  FILE* latency_file = nullptr;  // latency_out's, written with fprintf (checked at close)
  if (!options.latency_out.empty()) {
    latency_out.emplace(options.latency_out);
    latency_file = latency_out->get();
    std::fputs("id,type,arrival_ns,latency_ns\n", latency_file);
  }
  const auto start = Clock::now();
  Feed feed(source);
  uint64_t head_position = 0;  // where the request the pump holds came from
  auto pull = [&](MemRequest& out) {
    if (feed.empty()) return false;
    const auto& r = feed.front();
    out = MemRequest{r.address, r.is_write, r.time_ns, 0, feed.index()};
    head_position = feed.position();
    feed.pop();
    return true;
  };
  auto done = [&](const Completion& c) {
    if (options.completions) options.completions->push_back(c);
    if (latency_file) {
      const double arrival = static_cast<double>(c.cycle) * device.tck_ns - c.latency_ns;
      std::fprintf(latency_file, "%llu,%s,%.3f,%.3f\n", static_cast<unsigned long long>(c.cookie),
                   c.is_write ? "W" : "R", arrival, c.latency_ns);
    }
  };
  // Responses are only recorded here; the pump calls the lambdas directly.
  sys.deliver_lazily(true);
  BasicRequestPump pump(sys, pull, done);
  try {
    pump.run_until({});  // to the end of the trace
  } catch (const InputError& e) {
    throw InputError(feed.where_at(head_position) + ": " + e.what());
  }
  if (latency_out) latency_out->close();
  v1::DramReport report = sys.finish(pump.last_completion());
  const double total_s = std::chrono::duration<double>(Clock::now() - start).count();
  report.set_host_time_s(total_s - feed.parse_seconds());
  report.set_parse_time_s(feed.parse_seconds());
  return report;
}

}  // namespace accelgym::dram
