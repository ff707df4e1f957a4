// Resource limits on what accelgym accepts as input: every size a file, an option or a design
// can ask for is checked against one of these before anything is allocated or run, so bad
// input ends with an error naming the limit instead of a hang or unbounded memory.
//
// One table (kLimitTable) declares them; the defaults hold unless ACCELGYM_LIMITS overrides
// some, e.g. ACCELGYM_LIMITS="max_trace_requests=1e9,max_workers=512". The CLI's global
// `--limit NAME=VALUE` sets that variable before the command runs; `accelgym limits` prints
// the table. The values are read once per process and never change afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace accelgym {

struct Limits {
  uint64_t max_input_bytes = 64ull << 20;     // a JSON file or records message read whole
  uint64_t max_line_bytes = 1ull << 20;       // one line of a trace or topology file
  uint64_t max_json_depth = 64;               // nesting of objects and arrays in a JSON input
  uint64_t max_trace_requests = 100'000'000;  // requests of one DRAM run (trace, --count)
  double max_trace_time_ns = 1e11;            // a request's time in a trace (bounds idle gaps)
  uint64_t max_workers = 256;                 // local sweep worker processes
  uint64_t max_layer_words = 1ull << 28;      // one operand matrix of a layer, in words
  uint64_t max_layer_macs = 1'000'000'000'000'000;  // multiply-accumulates of one layer
  uint64_t max_network_layers = 100'000;  // layers of one network (file or transformer spec)
};

// The limits in force (defaults, then ACCELGYM_LIMITS). InputError when that variable names an
// unknown limit or a bad value.
const Limits& limits();

struct LimitInfo {
  std::string name;
  std::string value;  // as in force now
  std::string unit;
  std::string bounds;  // what it bounds
};
// Every limit, in declaration order, with the value in force.
std::vector<LimitInfo> limit_table();

// Parses "name=value[,name=value...]" over the defaults (what ACCELGYM_LIMITS holds); `source`
// names where the text came from in errors.
Limits parse_limits(const std::string& text, const std::string& source);

// "N (limit NAME; raise it with --limit NAME=... or ACCELGYM_LIMITS)": the tail of every
// message that reports a limit.
std::string limit_hint(const std::string& name);

}  // namespace accelgym
