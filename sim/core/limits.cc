#include "sim/core/limits.h"

#include <fmt/format.h>

#include <cstdlib>

#include "sim/core/errors.h"
#include "sim/core/parse.h"

namespace accelgym {
namespace {

// One row per limit: the table the parser, `accelgym limits` and the docs read.
struct LimitRow {
  const char* name;
  const char* unit;
  const char* bounds;
  uint64_t Limits::*whole;  // exactly one of the two members is set
  double Limits::*real;
  double most = 1e300;  // the largest value accepted (a deeper JSON scan could overflow the stack)
};

constexpr LimitRow kLimitTable[] = {
    {"max_input_bytes", "bytes", "a JSON input (config, spec, restriction, network, table)",
     &Limits::max_input_bytes, nullptr},
    {"max_line_bytes", "bytes", "one line of a trace or topology file", &Limits::max_line_bytes,
     nullptr},
    {"max_json_depth", "levels", "nesting of objects and arrays in a JSON input",
     &Limits::max_json_depth, nullptr, 10000},
    {"max_trace_requests", "requests",
     "requests of one DRAM run: a trace file, --count, count=, a layer's DRAM traffic",
     &Limits::max_trace_requests, nullptr},
    {"max_trace_time_ns", "ns", "a request's arrival time, and so any idle gap, in a trace",
     nullptr, &Limits::max_trace_time_ns},
    {"max_workers", "processes", "local sweep workers (spec's workers, --workers)",
     &Limits::max_workers, nullptr},
    {"max_layer_words", "words",
     "one operand matrix of a layer as SCALE-Sim builds it (im2col ifmap, filters, outputs)",
     &Limits::max_layer_words, nullptr},
    {"max_layer_macs", "MACs", "multiply-accumulates of one layer (all its groups and repeats)",
     &Limits::max_layer_macs, nullptr},
    {"max_network_layers", "layers",
     "layers of one network (topology CSV, Network JSON, transformer spec)",
     &Limits::max_network_layers, nullptr},
};

const LimitRow& row(const std::string& name, const std::string& source) {
  for (const auto& r : kLimitTable) {
    if (name == r.name) return r;
  }
  std::string known;
  for (const auto& r : kLimitTable) known += (known.empty() ? "" : ", ") + std::string(r.name);
  throw InputError(fmt::format("{}: unknown limit '{}' (known: {})", source, name, known));
}

std::string value_of(const Limits& l, const LimitRow& r) {
  return r.whole ? fmt::format("{}", l.*r.whole) : fmt::format("{:g}", l.*r.real);
}

Limits from_environment() {
  const char* text = std::getenv("ACCELGYM_LIMITS");
  return text ? parse_limits(text, "ACCELGYM_LIMITS") : Limits{};
}

}  // namespace

Limits parse_limits(const std::string& text, const std::string& source) {
  Limits limits;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      throw InputError(
          fmt::format("{}: expected NAME=VALUE, got {}", source, quoted_excerpt(item)));
    }
    const LimitRow& r = row(item.substr(0, eq), source);
    const std::string what = fmt::format("{}: limit {}", source, r.name);
    if (r.whole) {
      limits.*r.whole = parse_unsigned(item.substr(eq + 1), what, 1,
                                       r.most < 1e19 ? static_cast<uint64_t>(r.most) : UINT64_MAX);
    } else {
      limits.*r.real = parse_finite_in(item.substr(eq + 1), what, 1e-300, r.most);
    }
  }
  return limits;
}

const Limits& limits() {
  static const Limits in_force = from_environment();
  return in_force;
}

std::vector<LimitInfo> limit_table() {
  std::vector<LimitInfo> out;
  for (const auto& r : kLimitTable)
    out.push_back({r.name, value_of(limits(), r), r.unit, r.bounds});
  return out;
}

std::string limit_hint(const std::string& name) {
  return fmt::format("limit {}; raise it with --limit {}=N or ACCELGYM_LIMITS", name, name);
}

}  // namespace accelgym
