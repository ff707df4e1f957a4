// Runs one layer through accelgym's SCALE-Sim USER-mode (or, with "calc": 1, CALC-mode)
// emulation with any array and
// scratchpad sizes (the CLI's design space starts at 4x4 and 8 KiB) and prints the result as
// tests/tools/scalesim_reference.py does, for randomized comparisons
// (tests/python/test_scalesim_reference.py).
//
//   scalesim_probe '{"h": 8, "w": 10, "r": 3, "s": 3, "c": 4, "n": 10, "stride": 2,
//                    "df": "os", "rows": 4, "cols": 4, "words": [300, 200, 100], "bw": 4}'
//   scalesim_probe '{"gemm": 1, "m": 37, "n": 19, "k": 23, ...}'
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <iostream>

#include "google/protobuf/struct.pb.h"
#include "models/accel/scalesim_user.h"
#include "sim/core/errors.h"

using namespace accelgym;

namespace {

uint64_t number(const google::protobuf::Struct& s, const std::string& key) {
  const auto it = s.fields().find(key);
  if (it == s.fields().end()) throw InputError("missing field '" + key + "'");
  return static_cast<uint64_t>(it->second.number_value());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc != 2) throw InputError("usage: scalesim_probe '<case JSON>'");
    google::protobuf::Struct c;
    if (!google::protobuf::util::JsonStringToMessage(argv[1], &c).ok()) {
      throw InputError("not a JSON object: " + std::string(argv[1]));
    }
    v1::Layer l;
    if (c.fields().count("gemm") && c.fields().at("gemm").number_value() != 0) {
      l.set_kind(v1::Layer::GEMM);
      l.set_m(number(c, "m"));
      l.set_n(number(c, "n"));
      l.set_k(number(c, "k"));
    } else {
      l.set_kind(v1::Layer::CONV);
      l.set_ifmap_h(static_cast<uint32_t>(number(c, "h")));
      l.set_ifmap_w(static_cast<uint32_t>(number(c, "w")));
      l.set_filter_h(static_cast<uint32_t>(number(c, "r")));
      l.set_filter_w(static_cast<uint32_t>(number(c, "s")));
      l.set_channels(static_cast<uint32_t>(number(c, "c")));
      l.set_num_filters(static_cast<uint32_t>(number(c, "n")));
      l.set_stride_h(static_cast<uint32_t>(number(c, "stride")));
    }
    const auto& words = c.fields().at("words").list_value();
    accel::ScaleSimUserMemory m;
    m.ifmap_words = static_cast<uint64_t>(words.values(0).number_value());
    m.filter_words = static_cast<uint64_t>(words.values(1).number_value());
    m.ofmap_words = static_cast<uint64_t>(words.values(2).number_value());
    m.bandwidth_words_per_cycle = c.fields().count("bw") ? number(c, "bw") : 10;
    // As the reference: the golden files' stall rule unless "released": 1.
    const bool released =
        c.fields().count("released") && c.fields().at("released").number_value() != 0;
    m.stall_rule =
        released ? memory::ScaleSimStallRule::kCurrent : memory::ScaleSimStallRule::kBefore22f88b1;
    const compute::ArrayShape array{number(c, "rows"), number(c, "cols")};
    const auto dataflow = compute::parse_dataflow(c.fields().at("df").string_value());
    const bool calc = c.fields().count("calc") && c.fields().at("calc").number_value() != 0;
    accel::ScaleSimWorkspace workspace;
    const auto r = calc ? accel::simulate_scalesim_calc(l, array, dataflow, m, workspace)
                        : accel::simulate_scalesim_user(l, array, dataflow, m, workspace);
    std::printf(
        "{\"total\": %lld, \"stall\": %lld, \"sram\": [[%lld, %lld], [%lld, %lld], [%lld, %lld]], "
        "\"dram\": [[%lld, %lld, %llu], [%lld, %lld, %llu], [%lld, %lld, %llu]]}\n",
        (long long)r.total_cycles, (long long)r.stall_cycles, (long long)r.sram_ifmap.start_cycle,
        (long long)r.sram_ifmap.stop_cycle, (long long)r.sram_filter.start_cycle,
        (long long)r.sram_filter.stop_cycle, (long long)r.sram_ofmap.start_cycle,
        (long long)r.sram_ofmap.stop_cycle, (long long)r.dram_ifmap.start_cycle,
        (long long)r.dram_ifmap.stop_cycle, (unsigned long long)r.dram_ifmap.words,
        (long long)r.dram_filter.start_cycle, (long long)r.dram_filter.stop_cycle,
        (unsigned long long)r.dram_filter.words, (long long)r.dram_ofmap.start_cycle,
        (long long)r.dram_ofmap.stop_cycle, (unsigned long long)r.dram_ofmap.words);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "scalesim_probe: " << e.what() << "\n";
    return 2;
  }
}
