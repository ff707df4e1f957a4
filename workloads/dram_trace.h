// DRAM request traces: readers for DRAMSys .stl and `<time_ns> <R|W> <addr>` files, and a
// seeded generator. All are streams: a trace is never held in memory whole.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/rng.h"

namespace accelgym::workloads {

struct TraceRequest {
  double time_ns = 0;
  bool is_write = false;
  uint64_t address = 0;
};

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  // The next request in time order; false at the end. Malformed input throws InputError
  // naming file:line.
  virtual bool next(TraceRequest& out) = 0;
  // Where the last request came from ("file:line" or "generated request N"), for errors.
  virtual std::string where() const { return where_at(position()); }
  // A cheap position of the last request (line or index) and its description, so readers
  // that buffer requests can still name the exact line of a bad one.
  virtual uint64_t position() const = 0;
  virtual std::string where_at(uint64_t position) const = 0;
  // Up to `capacity` next requests into `out`, each one's position() into `positions`; returns
  // how many, fewer than `capacity` only at the end. Sources held in memory copy a block
  // instead of two virtual calls per request.
  virtual size_t next_batch(TraceRequest* out, uint64_t* positions, size_t capacity) {
    size_t n = 0;
    while (n < capacity && next(out[n])) positions[n++] = position();
    return n;
  }
};

enum class TraceFormat { kStl, kNs };
TraceFormat parse_trace_format(const std::string& name);  // "stl" | "ns"

// DRAMSys .stl: `<cycle>:\t<read|write>\t0x<hex address>[\t<data>]`; cycles at `clock_mhz`.
// ns: `<time_ns> <R|W> <hex address>`. '#' starts a comment; blank lines are skipped.
std::unique_ptr<TraceSource> open_trace(const std::string& path, TraceFormat format,
                                        double clock_mhz);

struct GeneratorConfig {
  std::string pattern = "random";  // sequential | random | strided | hot-row | mixed
  uint64_t count = 10000;
  uint64_t seed = 1;
  double read_ratio = 1.0;            // fraction of reads
  double interval_ns = 0;             // time between requests; 0 = all at once
  uint64_t base = 0;                  // first address
  uint64_t range_bytes = 1ull << 30;  // random and mixed: addresses in [base, base + range)
  uint64_t stride_bytes = 64;         // sequential: access size; strided: the stride
  uint64_t hot_rows = 4;              // hot-row: requests cycle over this many rows of one bank
  uint64_t row_stride_bytes = 1ull << 17;  // hot-row: distance between rows of the same bank
  uint64_t phase_length = 256;             // mixed: requests per sequential or random phase
  bool start_random = false;               // mixed: first phase random (ArchGym's cloud-2)
};

// ArchGym's DRAM trace sets (docs/reference/gyms.md): 10 000 64-byte reads, one per trace cycle
// at 800 MHz: stream (sequential), random (uniform over 1 GiB), cloud-1 and cloud-2
// (alternating sequential and random phases, starting sequential resp. random).
GeneratorConfig named_trace(const std::string& name);  // InputError for unknown names

std::unique_ptr<TraceSource> generate_trace(const GeneratorConfig& config);

// Requests held in memory (tests, small programmatic streams); must be in time order.
std::unique_ptr<TraceSource> trace_from(std::vector<TraceRequest> requests);

// A generated trace produced once and replayed by every source made from it (what an env
// evaluating many designs on one trace needs): the same requests and positions as
// generate_trace(config), without running the generator again.
class GeneratedTrace {
 public:
  explicit GeneratedTrace(const GeneratorConfig& config);
  std::unique_ptr<TraceSource> replay() const;

 private:
  std::shared_ptr<const std::vector<TraceRequest>> requests_;
};

}  // namespace accelgym::workloads
