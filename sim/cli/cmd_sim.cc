#include <fmt/ostream.h>

#include <filesystem>
#include <iostream>

#include "models/accel/engine.h"
#include "models/accel/scalesim_reports.h"
#include "models/accel/systolic_evaluator.h"
#include "models/spaces.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/point_options.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "workloads/network_zoo.h"

namespace accelgym::cli {
namespace {

// --array, --dataflow and --sram-kb as parameter assignments.
PointOptions shorthand_of(const Args& args) {
  PointOptions out;
  if (args.has("array")) {
    const auto rc = split(args.get("array"), 'x');
    if (rc.size() != 2) {
      throw InputError("--array: expected RxC (e.g. 32x32), got '" + args.get("array") + "'");
    }
    out.push_back({"rows", rc[0], "--array"});
    out.push_back({"cols", rc[1], "--array"});
  }
  if (args.has("dataflow")) out.push_back({"dataflow", args.get("dataflow"), "--dataflow"});
  if (args.has("sram-kb")) {
    const auto kb = split(args.get("sram-kb"), ',');
    if (kb.size() != 3) {
      throw InputError("--sram-kb: expected I,F,O in KiB, got '" + args.get("sram-kb") + "'");
    }
    out.push_back({"ifmap_sram_kb", kb[0], "--sram-kb"});
    out.push_back({"filter_sram_kb", kb[1], "--sram-kb"});
    out.push_back({"ofmap_sram_kb", kb[2], "--sram-kb"});
  }
  return out;
}

void print_table(const v1::SimReport& r, std::ostream& out) {
  // DRAM word counts exist with the DRAM model and with SCALE-Sim's access windows.
  const bool dram = r.has_dram() || accel::has_scalesim_windows(r);
  fmt::print(out, "workload {}, memory {}\n", r.workload(), r.memory());
  fmt::print(out, "{:<22}{:>14}{:>12}{:>9}{:>9}{:>14}{:>14}{:>14}", "layer", "cycles", "stalls",
             "util %", "map %", "sram ifmap rd", "sram filt rd", "sram ofmap wr");
  if (dram) fmt::print(out, "{:>14}{:>14}", "dram rd", "dram wr");
  fmt::print(out, "{:>14}\n", "on-chip uJ");
  for (const auto& l : r.layers()) {
    fmt::print(out, "{:<22}{:>14}{:>12}{:>9.2f}{:>9.2f}{:>14}{:>14}{:>14}", l.name(),
               l.total_cycles(), l.stall_cycles(), l.overall_util_pct(), l.mapping_eff_pct(),
               l.sram_ifmap_reads(), l.sram_filter_reads(), l.sram_ofmap_writes());
    if (dram) {
      fmt::print(out, "{:>14}{:>14}",
                 l.dram_ifmap_reads() + l.dram_filter_reads() + l.dram_ofmap_reads(),
                 l.dram_ofmap_writes());
    }
    fmt::print(out, "{:>14.3f}\n", l.energy_pj() * 1e-6);
  }
  if (r.has_dram()) {
    const auto& d = r.dram();
    fmt::print(out,
               "\nDRAM {}: {} reads, {} writes of {} B, {:.2f} GB/s, row hits {:.2f} %, average "
               "read latency {:.2f} ns, {:.3f} uJ\n",
               d.standard(), d.reads(), d.writes(), d.access_bytes(), d.bandwidth_gbps(),
               100.0 * d.row_hit_rate(), d.avg_read_latency_ns(), d.energy_pj() * 1e-6);
    if (d.extrapolated_time_ns() > 0) {
      fmt::print(out,
                 "fold sampling: {:.1f} % of the DRAM's {:.3f} ms extrapolated from measured "
                 "windows, {} of {} requests simulated (--memory dram-exact simulates every "
                 "fold)\n",
                 100.0 * d.extrapolated_time_ns() / d.total_time_ns(), d.total_time_ns() * 1e-6,
                 d.simulated_requests(), d.reads() + d.writes());
    }
  }
  const auto& t = r.total();
  fmt::print(out,
             "\ntotal: {} cycles, {:.3f} ms, {:.3f} uJ ({}), {:.3f} mW, {:.4f} mm2, util {:.2f} "
             "%\n",
             t.cycles(), t.latency_ns() * 1e-6, t.energy_pj() * 1e-6, r.energy_scope(),
             t.avg_power_mw(), t.area_mm2(), t.overall_util_pct());
  fmt::print(out, "host time: {:.3e} s\n", t.host_time_s());
}

// SCALE-Sim's report files, so scripts written for it keep working (bandwidth and detailed
// access reports come with SCALE-Sim's access windows: USER mode, or CALC with estimates).
void write_scalesim_csv(const v1::SimReport& r, const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) {
    throw InputError("--out " + dir + ": cannot make it a directory for the report files" +
                     (error ? ": " + error.message() : std::string(": it is a file")));
  }
  auto write = [&](const std::string& name, const std::string& text) {
    const std::string path = dir + "/" + name;
    write_text_file_atomically(path, text);
    std::cout << "wrote " << path << "\n";
  };
  write("COMPUTE_REPORT.csv", accel::scalesim_compute_report(r));
  if (accel::has_scalesim_windows(r)) {
    write("BANDWIDTH_REPORT.csv", accel::scalesim_bandwidth_report(r));
    write("DETAILED_ACCESS_REPORT.csv", accel::scalesim_detailed_access_report(r));
  }
}

}  // namespace

int cmd_sim(int argc, char** argv) {
  Args args("accelgym sim --workload NAME|FILE [options]",
            "Simulate a DNN workload on a systolic-array accelerator. Workloads: a built-in name\n"
            "(SCALE-Sim topologies: alexnet, resnet18, resnet50, mobilenet, gpt2,\n"
            "transformer_partial, conv_test, gemm_test; full models: vgg16, resnet18-tv,\n"
            "mobilenet-v1, mobilenet-v2, bert-base, gpt2-small, vit-b16), a SCALE-Sim topology\n"
            ".csv or an accelgym Network .json.\n"
            "Parameters (see `accelgym space --space accel`) come from their defaults, then\n"
            "--config, then --array/--dataflow/--sram-kb, then --set.");
  args.option("workload", "NAME|FILE", "the DNN to run");
  args.flag("gemm", "read the topology CSV as GEMMs (Layer, M, N, K)");
  args.option("seq-len", "N",
              "sequence length of a transformer workload (bert-base, gpt2-small, vit-b16)");
  args.option("array", "RxC", "array rows x columns, e.g. 32x32");
  args.option("dataflow", "os|ws|is", "dataflow");
  args.option("sram-kb", "I,F,O", "ifmap, filter, ofmap scratchpad sizes in KiB");
  args.option("memory", "MODE",
              "scalesim-calc (SCALE-Sim v2 CALC numbers), scalesim-bw:<words per cycle> "
              "(SCALE-Sim v2 USER mode as released: stalls and DRAM traffic at a fixed "
              "bandwidth; scalesim-bw-9ac2a40:<words per cycle> with the stall rule of its golden "
              "files), ideal, or "
              "dram (DRAM controller model behind the scratchpads, long runs of alike folds "
              "and long transfers sampled; DRAM knobs via --set), dram-exact (every fold "
              "simulated)",
              "scalesim-calc");
  args.option("engine", "ENGINE",
              "direct (in-process calls to the DRAM model) or systemc (the accelerator as a "
              "SystemC module sending TLM-2.0 transactions to the DRAM target; memory dram or "
              "dram-exact; simulates every fold: dram-exact's numbers, slower)",
              "direct");
  args.option("config", "FILE", "a DesignPoint JSON file ({\"values\": {\"rows\": 32, ...}})");
  args.repeated("set", "KEY=VALUE", "set one parameter");
  args.option("tech", "FILE", "a TechnologyTable JSON file (default: built-in 45 nm)");
  args.option("format", "FORMAT", "table, json or scalesim-csv", "table");
  args.option("out", "DIR",
              "directory for scalesim-csv reports (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and "
              "DETAILED_ACCESS_REPORT.csv in the SCALE-Sim memory modes)",
              ".");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  if (!args.has("workload")) throw InputError("--workload is required (see --help)");
  const std::string format = args.choice("format", {"table", "json", "scalesim-csv"});
  const DesignSpace space = make_space("accel");
  const IndexVector point = build_point(space, args, shorthand_of(args));
  const ParamMap params = space.decode(point);
  const auto config = compute::systolic_config(params);
  const auto dram_config = dram::dram_config(params);
  auto memory = accel::parse_memory_mode(args.get("memory"));
  // SCALE-Sim's CALC mode reports its DRAM estimates too (~10 ms per ResNet-50).
  memory.scalesim_calc_estimates = true;
  const auto technology =
      args.has("tech") ? energy::Technology::load(args.get("tech")) : energy::Technology::builtin();
  uint32_t seq_len = 0;
  if (args.has("seq-len")) {
    try {
      size_t used = 0;
      const long v = std::stol(args.get("seq-len"), &used);
      if (used != args.get("seq-len").size() || v < 1 || v > 1 << 20) throw std::exception();
      seq_len = static_cast<uint32_t>(v);
    } catch (const std::exception&) {
      throw InputError("--seq-len: expected a positive integer, got '" + args.get("seq-len") + "'");
    }
  }
  const v1::Network network =
      workloads::load_network(args.get("workload"), args.has("gemm"), seq_len);

  const auto engine = accel::parse_engine(args.choice("engine", {"direct", "systemc"}), "--engine");
  accel::check_engine(engine, memory, "--engine");
  v1::SimReport report =
      accel::simulate_systolic_on(engine, network, config, memory, technology, dram_config);
  *report.mutable_config() = space.to_proto(point);
  if (format == "json") {
    std::cout << to_report_json(report) << "\n";
  } else if (format == "scalesim-csv") {
    write_scalesim_csv(report, args.get("out"));
  } else {
    print_table(report, std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
