#include <iomanip>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "models/dram/peer_presets.h"
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/point_options.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"

namespace accelgym::cli {
namespace {

std::unique_ptr<workloads::TraceSource> make_source(const Args& args) {
  const int given = args.has("trace") + args.has("generate") + args.has("trace-set");
  if (given != 1) throw InputError("give exactly one of --trace, --generate or --trace-set");
  if (args.has("trace")) {
    return workloads::open_trace(args.get("trace"),
                                 workloads::parse_trace_format(args.get("trace-format")),
                                 parse_number(args.get("trace-clock-mhz"), "--trace-clock-mhz"));
  }
  workloads::GeneratorConfig g;
  if (args.has("trace-set")) {
    g = workloads::named_trace(args.get("trace-set"));
  } else {
    g.pattern = args.get("generate");
  }
  if (args.has("count")) g.count = parse_count(args.get("count"), "--count");
  if (args.has("seed")) g.seed = parse_count(args.get("seed"), "--seed");
  if (args.has("read-ratio")) g.read_ratio = parse_number(args.get("read-ratio"), "--read-ratio");
  if (args.has("interval-ns"))
    g.interval_ns = parse_number(args.get("interval-ns"), "--interval-ns");
  if (args.has("range-mib"))
    g.range_bytes = parse_count(args.get("range-mib"), "--range-mib", 1, uint64_t{1} << 43) << 20;
  if (args.has("stride")) g.stride_bytes = parse_count(args.get("stride"), "--stride");
  if (args.has("base")) g.base = parse_count(args.get("base"), "--base");
  return workloads::generate_trace(g);
}

void print_table(const v1::DramReport& r, std::ostream& out) {
  out << std::fixed << std::setprecision(2);
  out << "standard " << r.standard() << ": " << r.reads() << " reads, " << r.writes()
      << " writes in " << r.total_cycles() << " cycles (" << r.total_time_ns() / 1000.0 << " us)\n";
  out << "address mapping " << r.address_mapping() << "\n";
  out << "bandwidth " << r.bandwidth_gbps() << " GB/s, row hit rate " << 100.0 * r.row_hit_rate()
      << " % (" << r.row_hits() << " hits, " << r.row_misses() << " misses, " << r.row_conflicts()
      << " conflicts)\n";
  out << "read latency ns: avg " << r.avg_read_latency_ns() << ", p50 " << r.p50_read_latency_ns()
      << ", p99 " << r.p99_read_latency_ns() << ", max " << r.max_read_latency_ns() << "\n";
  if (r.writes() > 0) {
    out << "write latency ns: avg " << r.avg_write_latency_ns() << ", p50 "
        << r.p50_write_latency_ns() << ", p99 " << r.p99_write_latency_ns() << ", max "
        << r.max_write_latency_ns() << "\n";
  }
  out << "commands:";
  for (const char* c : {"ACT", "PRE", "PREA", "RD", "WR", "RDA", "WRA", "REF", "REFPB", "PDE",
                        "PDX", "SRE", "SRX"}) {
    const auto it = r.commands().find(c);
    if (it != r.commands().end() && it->second > 0) out << " " << c << " " << it->second;
  }
  const auto& e = r.energy();
  out << "\nenergy " << r.energy_pj() / 1e6 << " uJ (act " << e.act_pj() / 1e6 << ", pre "
      << e.pre_pj() / 1e6 << ", rd " << e.read_pj() / 1e6 << ", wr " << e.write_pj() / 1e6
      << ", ref " << e.refresh_pj() / 1e6 << ", background " << e.background_pj() / 1e6
      << "), average power " << r.avg_power_mw() << " mW\n";
  out << std::scientific << std::setprecision(3) << "host time " << r.host_time_s()
      << " s simulating, " << r.parse_time_s() << " s reading the trace\n";
}

}  // namespace

int cmd_dram(int argc, char** argv) {
  Args args(
      "accelgym dram (--trace FILE | --generate PATTERN | --trace-set NAME) [options]",
      "Simulate a DRAM request stream on a memory controller and DRAM device.\n"
      "A standard name alone (e.g. DDR4-2400R) means the 8 Gb x8 part, one 64-bit\n"
      "channel, one rank, address mapping row | rank | bank | bankgroup | column | channel.\n"
      "Controller knobs and organisation: --set Key=Value (see `accelgym space --space dram`).");
  args.option("trace", "FILE", "a trace file");
  args.option("trace-format", "stl|ns", "DRAMSys .stl or `<time_ns> <R|W> <addr>`", "stl");
  args.option("trace-clock-mhz", "F", "clock of .stl cycle numbers", "800");
  args.option("generate", "PATTERN", "sequential, random, strided, hot-row or mixed");
  args.option("trace-set", "NAME", "ArchGym's traces: stream, random, cloud-1, cloud-2");
  args.option("count", "N", "generated requests (default 10000)");
  args.option("seed", "S", "generator seed (default 1)");
  args.option("read-ratio", "R", "fraction of reads (default 1)");
  args.option("interval-ns", "X", "time between generated requests; 0 = all at once (default 0)");
  args.option("range-mib", "N", "random addresses span N MiB (default 1024)");
  args.option("stride", "BYTES", "sequential/strided step (default 64)");
  args.option("base", "ADDR", "first address (default 0)");
  args.option("standard", "NAME",
              "DRAM standard, e.g. DDR4-2400R, DDR3-1600, LPDDR4-3200, HBM2-2000");
  args.option("mapping", "FIELDS",
              "custom address mapping, MSB to LSB, e.g. row,rank,bank,bankgroup,column,channel");
  args.option("preset", "PEER",
              fmt::format("behave as a peer simulator's controller: {} (--set overrides it; "
                          "docs/DRAM.md)",
                          fmt::join(dram::peer_preset_names(), ", ")));
  args.option("config", "FILE", "a DesignPoint JSON with DRAM parameters");
  args.repeated("set", "KEY=VALUE", "set one parameter");
  args.option("latency-out", "FILE", "write per-request latencies (CSV)");
  args.option("format", "FORMAT", "table or json", "table");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  const std::string format = args.choice("format", {"table", "json"});
  const DesignSpace space = make_space("dram");
  PointOptions shorthand;
  const dram::PeerPreset* preset = nullptr;
  if (args.has("preset")) {
    preset = &dram::peer_preset(args.get("preset"));
    for (const auto& [name, value] : preset->parameters) {
      shorthand.push_back({name, value, "--preset " + preset->name});
    }
  }
  if (args.has("standard")) shorthand.push_back({"standard", args.get("standard"), "--standard"});
  const IndexVector point = build_point(space, args, shorthand);
  dram::DramConfig config = dram::dram_config(space.decode(point));
  if (preset) dram::apply_peer_preset(*preset, config);
  if (args.has("mapping")) config.mapping = args.get("mapping");
  auto source = make_source(args);
  dram::TraceRunOptions options;
  options.latency_out = args.get("latency-out");
  const v1::DramReport report = dram::simulate_trace(*source, config, options);
  if (format == "json") {
    std::cout << to_report_json(report) << "\n";
  } else {
    print_table(report, std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
