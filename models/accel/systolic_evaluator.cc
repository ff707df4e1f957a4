#include "models/accel/systolic_evaluator.h"

#include <chrono>
#include <cmath>
#include <optional>

#include "models/accel/dram_backed.h"
#include "models/accel/scalesim_user.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/dram_port.h"
#include "sim/core/clock.h"
#include "sim/core/errors.h"

namespace accelgym::accel {
namespace {

using compute::SystolicConfig;

struct LayerEnergy {
  double mac_pj = 0, sram_pj = 0, leakage_pj = 0;
};

// The energy of one MAC and of one access to each scratchpad and the global buffer, for one
// design: the same for all of a network's layers, so taken from the technology once.
struct AccessEnergy {
  AccessEnergy(const SystolicConfig& c, const energy::Technology& tech)
      : global_buffer(c.global_buffer_kib > 0), leakage_fraction(tech.leakage_fraction()) {
    const auto node = static_cast<uint32_t>(c.tech_node_nm);
    const uint32_t bits = tech.precision_bits(c.precision);
    mac_pj = tech.mac_energy_pj(c.precision, node);
    ifmap_read_pj = tech.sram_read_pj(static_cast<double>(c.ifmap_sram_kib), bits, node);
    filter_read_pj = tech.sram_read_pj(static_cast<double>(c.filter_sram_kib), bits, node);
    ofmap_write_pj = tech.sram_write_pj(static_cast<double>(c.ofmap_sram_kib), bits, node);
    if (global_buffer) {
      const auto kib = static_cast<double>(c.global_buffer_kib);
      global_buffer_read_pj = tech.sram_read_pj(kib, bits, node);
      global_buffer_write_pj = tech.sram_write_pj(kib, bits, node);
    }
  }
  bool global_buffer;
  double leakage_fraction;
  double mac_pj = 0, ifmap_read_pj = 0, filter_read_pj = 0, ofmap_write_pj = 0;
  double global_buffer_read_pj = 0, global_buffer_write_pj = 0;
};

LayerEnergy layer_energy(const v1::LayerReport& layer, const AccessEnergy& a) {
  LayerEnergy e;
  e.mac_pj = static_cast<double>(layer.macs()) * a.mac_pj;
  e.sram_pj = static_cast<double>(layer.sram_ifmap_reads()) * a.ifmap_read_pj +
              static_cast<double>(layer.sram_filter_reads()) * a.filter_read_pj +
              static_cast<double>(layer.sram_ofmap_writes()) * a.ofmap_write_pj;
  if (a.global_buffer) {
    e.sram_pj += static_cast<double>(layer.global_buffer_reads()) * a.global_buffer_read_pj +
                 static_cast<double>(layer.global_buffer_writes()) * a.global_buffer_write_pj;
  }
  e.leakage_pj = a.leakage_fraction * (e.mac_pj + e.sram_pj);
  return e;
}

// Per instance: SCALE-Sim runs every instance as its own layer, with its -1. USER mode with
// `memory.mode` kScaleSimUser, else CALC mode's estimates.
void run_scalesim_rows(const v1::Layer& layer, const SystolicConfig& c, const MemoryModel& m,
                       uint64_t instances, ScaleSimWorkspace& workspace, v1::LayerReport& r) {
  ScaleSimUserMemory memory;
  memory.ifmap_words = c.ifmap_sram_kib * 1024;  // SCALE-Sim words are 1 byte
  memory.filter_words = c.filter_sram_kib * 1024;
  memory.ofmap_words = c.ofmap_sram_kib * 1024;
  memory.bandwidth_words_per_cycle = m.user_bandwidth_words_per_cycle;
  memory.stall_rule = m.scalesim_before_22f88b1 ? memory::ScaleSimStallRule::kBefore22f88b1
                                                : memory::ScaleSimStallRule::kCurrent;
  const ScaleSimUserLayer u =
      m.mode == MemoryMode::kScaleSimUser
          ? simulate_scalesim_user(layer, c.array, c.dataflow, memory, workspace)
          : simulate_scalesim_calc(layer, c.array, c.dataflow, memory, workspace);
  r.set_total_cycles(static_cast<uint64_t>(u.total_cycles) * instances);
  r.set_stall_cycles(static_cast<uint64_t>(u.stall_cycles) * instances);
  r.set_dram_ifmap_reads(u.dram_ifmap.words * instances);
  r.set_dram_filter_reads(u.dram_filter.words * instances);
  r.set_dram_ofmap_writes(u.dram_ofmap.words * instances);
  auto window = [](v1::AccessWindow* w, int64_t start, int64_t stop) {
    w->set_start_cycle(start);
    w->set_stop_cycle(stop);
  };
  window(r.mutable_sram_ifmap_window(), u.sram_ifmap.start_cycle, u.sram_ifmap.stop_cycle);
  window(r.mutable_sram_filter_window(), u.sram_filter.start_cycle, u.sram_filter.stop_cycle);
  window(r.mutable_sram_ofmap_window(), u.sram_ofmap.start_cycle, u.sram_ofmap.stop_cycle);
  window(r.mutable_dram_ifmap_window(), u.dram_ifmap.start_cycle, u.dram_ifmap.stop_cycle);
  window(r.mutable_dram_filter_window(), u.dram_filter.start_cycle, u.dram_filter.stop_cycle);
  window(r.mutable_dram_ofmap_window(), u.dram_ofmap.start_cycle, u.dram_ofmap.stop_cycle);
}

bool compatible(const MemoryModel& memory) {
  return memory.mode == MemoryMode::kScaleSimCalc || memory.mode == MemoryMode::kScaleSimUser;
}

DramLayerPlan plan_layer(const v1::Layer& layer, const SystolicConfig& c, const MemoryModel& m) {
  if (compatible(m) && c.dataflow == compute::Dataflow::kRowStationary) {
    throw InputError("SCALE-Sim has no row-stationary dataflow (use memory ideal or dram)");
  }
  const auto gemm = workloads::lower(layer, compatible(m) ? workloads::LoweringRule::kScaleSim
                                                          : workloads::LoweringRule::kStandard);
  const auto timing = compute::fold_timing(gemm, c.array, c.dataflow);
  if (compatible(m)) return {gemm, timing};
  return {gemm, compute::with_scratchpad_bandwidth(timing, c.array, c.sram_banks, c.sram_ports)};
}

// `plan` is the layer lowered and timed (plan_layer); `dram` is its run on the DRAM in
// MemoryMode::kDram; `now_ns` is when the layer may start and becomes its end.
v1::LayerReport simulate_layer(const v1::Layer& layer, const DramLayerPlan& plan,
                               const SystolicConfig& c, const MemoryModel& memory,
                               const AccessEnergy& energy, const DramLayerResult* dram,
                               ScaleSimWorkspace& workspace, double& now_ns) {
  const bool compat = compatible(memory);
  const auto& [gemm, timing] = plan;
  const auto sram = compute::sram_accesses(gemm, c.array, c.dataflow, compat);

  v1::LayerReport r;
  r.set_name(layer.name());
  r.set_m(gemm.m);
  r.set_n(gemm.n);
  r.set_k(gemm.k);
  r.set_instances(gemm.instances);
  r.set_macs(gemm.macs());
  r.set_folds(timing.folds);
  r.set_cycles_per_fold(timing.cycles_per_fold);
  const uint64_t compute_cycles = timing.compute_cycles * gemm.instances;
  // SCALE-Sim reports one cycle fewer than each layer's folds take (its own off-by-one).
  uint64_t cycles = compute_cycles - (compat ? gemm.instances : 0);
  const double cycle_ns = 1000.0 / static_cast<double>(c.clock_mhz);
  if (memory.mode == MemoryMode::kScaleSimUser ||
      (memory.mode == MemoryMode::kScaleSimCalc && memory.scalesim_calc_estimates)) {
    run_scalesim_rows(layer, c, memory, gemm.instances, workspace, r);
    cycles = r.total_cycles();
    now_ns += static_cast<double>(cycles) * cycle_ns;
  } else if (dram) {
    const DramLayerResult& d = *dram;
    cycles = std::max(compute_cycles, cycles_to_edge(d.end_ns - now_ns, cycle_ns));
    now_ns = d.end_ns;
    r.set_dram_ifmap_reads(d.ifmap_words);
    r.set_dram_filter_reads(d.filter_words);
    r.set_dram_ofmap_writes(d.ofmap_write_words);
    r.set_dram_ofmap_reads(d.ofmap_read_words);
    r.set_global_buffer_reads(d.global_buffer_reads);
    r.set_global_buffer_writes(d.global_buffer_writes);
  } else {
    now_ns += static_cast<double>(cycles) * cycle_ns;
  }
  r.set_total_cycles(cycles);
  r.set_stall_cycles(cycles + (compat ? gemm.instances : 0) - compute_cycles);
  r.set_overall_util_pct(100.0 * static_cast<double>(gemm.macs()) /
                         (static_cast<double>(cycles) * static_cast<double>(c.array.rows) *
                          static_cast<double>(c.array.cols)));
  r.set_mapping_eff_pct(compat ? timing.scalesim_mapping_efficiency_pct
                               : timing.mapping_efficiency_pct);
  r.set_compute_util_pct(compat ? timing.scalesim_compute_util_pct : timing.compute_util_pct);
  r.set_sram_ifmap_reads(sram.ifmap_reads * gemm.instances);
  r.set_sram_filter_reads(sram.filter_reads * gemm.instances);
  r.set_sram_ofmap_writes(sram.ofmap_writes * gemm.instances);
  const LayerEnergy e = layer_energy(r, energy);
  r.set_mac_energy_pj(e.mac_pj);
  r.set_sram_energy_pj(e.sram_pj);
  r.set_leakage_energy_pj(e.leakage_pj);
  r.set_energy_pj(e.mac_pj + e.sram_pj + e.leakage_pj);
  return r;
}

}  // namespace

uint32_t word_bytes(const SystolicConfig& c, const energy::Technology& tech) {
  return std::max(1u, tech.precision_bits(c.precision) / 8);
}

Area accelerator_area(const SystolicConfig& c, const energy::Technology& tech) {
  const auto node = static_cast<uint32_t>(c.tech_node_nm);
  const double pes = static_cast<double>(c.array.rows * c.array.cols);
  const double sram_kib = static_cast<double>(c.ifmap_sram_kib + c.filter_sram_kib +
                                              c.ofmap_sram_kib + c.global_buffer_kib);
  return {pes * tech.mac_area_um2(c.precision, node) * 1e-6,
          tech.sram_area_um2(sram_kib, node) * 1e-6};
}

MemoryModel parse_memory_mode(const std::string& text) {
  if (text == "scalesim-calc") return MemoryMode::kScaleSimCalc;
  if (text == "ideal") return MemoryMode::kIdeal;
  if (text == "dram") return MemoryMode::kDram;
  if (text == "dram-exact") {
    MemoryModel model(MemoryMode::kDram);
    model.dram_exact = true;
    return model;
  }
  for (const std::string user : {"scalesim-bw:", "scalesim-bw-9ac2a40:"}) {
    if (text.rfind(user, 0) != 0) continue;
    const std::string number = text.substr(user.size());
    const bool digits = !number.empty() && number.size() <= 9 &&
                        number.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoull(number) == 0) {
      throw InputError("memory mode '" + text + "': expected " + user +
                       "<words per cycle>, a whole number >= 1");
    }
    MemoryModel model{MemoryMode::kScaleSimUser, std::stoull(number)};
    model.scalesim_before_22f88b1 = user != "scalesim-bw:";
    return model;
  }
  throw InputError("unknown memory mode '" + text +
                   "' (available: scalesim-calc, scalesim-bw:<words per cycle>, "
                   "scalesim-bw-9ac2a40:<words per cycle>, ideal, dram, dram-exact)");
}

std::string memory_mode_name(const MemoryModel& memory) {
  switch (memory.mode) {
    case MemoryMode::kScaleSimCalc:
      return "scalesim-calc";
    case MemoryMode::kScaleSimUser:
      return (memory.scalesim_before_22f88b1 ? "scalesim-bw-9ac2a40:" : "scalesim-bw:") +
             std::to_string(memory.user_bandwidth_words_per_cycle);
    case MemoryMode::kIdeal:
      return "ideal";
    case MemoryMode::kDram:
      return memory.dram_exact ? "dram-exact" : "dram";
  }
  return "?";
}

v1::SimReport simulate_layers(const v1::Network& network, const SystolicConfig& config,
                              const MemoryModel& memory, const energy::Technology& technology,
                              memory::TransferPort* port, memory::DramPort* sampled) {
  if (config.clock_mhz == 0) throw InputError("clock_mhz must be at least 1");
  if (memory.mode == MemoryMode::kDram && !port) {
    throw InternalError("memory mode dram needs a port to the DRAM");
  }
  v1::SimReport report;
  report.set_workload(network.name());
  report.set_memory(memory_mode_name(memory));
  report.set_energy_scope(
      memory.mode == MemoryMode::kDram ? "MACs, scratchpads, leakage and DRAM (command-level model)"
      : memory.mode == MemoryMode::kScaleSimUser
          ? "on-chip: MACs, scratchpads, leakage (DRAM words counted, no DRAM energy: SCALE-Sim "
            "has none)"
          : "on-chip: MACs, scratchpads, leakage (no DRAM in this memory mode)");
  v1::NetworkTotals* t = report.mutable_total();
  std::vector<DramLayerPlan> plans;
  for (const auto& layer : network.layers()) plans.push_back(plan_layer(layer, config, memory));
  std::vector<DramLayerResult> dram;
  if (memory.mode == MemoryMode::kDram) {
    dram = run_network_on_dram(plans, config, word_bytes(config, technology), *port,
                               config.overlap_layers, sampled);
  }
  double now_ns = 0;
  ScaleSimWorkspace workspace;
  const AccessEnergy energy(config, technology);
  for (int i = 0; i < network.layers_size(); ++i) {
    const auto l = static_cast<size_t>(i);
    v1::LayerReport r = simulate_layer(network.layers(i), plans[l], config, memory, energy,
                                       dram.empty() ? nullptr : &dram[l], workspace, now_ns);
    t->set_cycles(t->cycles() + r.total_cycles());
    t->set_stall_cycles(t->stall_cycles() + r.stall_cycles());
    t->set_macs(t->macs() + r.macs());
    t->set_mac_energy_pj(t->mac_energy_pj() + r.mac_energy_pj());
    t->set_sram_energy_pj(t->sram_energy_pj() + r.sram_energy_pj());
    t->set_leakage_energy_pj(t->leakage_energy_pj() + r.leakage_energy_pj());
    t->set_energy_pj(t->energy_pj() + r.energy_pj());
    *report.add_layers() = std::move(r);
  }
  return report;
}

void finish_report(v1::SimReport& report, const SystolicConfig& config,
                   const energy::Technology& technology, const v1::DramReport* dram) {
  v1::NetworkTotals* t = report.mutable_total();
  if (dram) {
    *report.mutable_dram() = *dram;
    t->set_dram_energy_pj(dram->energy_pj());
    t->set_energy_pj(t->energy_pj() + t->dram_energy_pj());
  }
  const double pes = static_cast<double>(config.array.rows * config.array.cols);
  t->set_overall_util_pct(100.0 * static_cast<double>(t->macs()) /
                          (static_cast<double>(t->cycles()) * pes));
  t->set_latency_ns(static_cast<double>(t->cycles()) * 1000.0 /
                    static_cast<double>(config.clock_mhz));
  t->set_avg_power_mw(t->energy_pj() / t->latency_ns());  // pJ / ns = mW
  const Area area = accelerator_area(config, technology);
  t->set_pe_area_mm2(area.pe_mm2);
  t->set_sram_area_mm2(area.sram_mm2);
  t->set_area_mm2(area.total_mm2());
}

v1::SimReport simulate_systolic(const v1::Network& network, const SystolicConfig& config,
                                const MemoryModel& memory, const energy::Technology& technology,
                                const dram::DramConfig* dram) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<memory::DramPort> port;
  if (memory.mode == MemoryMode::kDram) {
    if (!dram) throw InternalError("memory mode dram needs a DRAM configuration");
    port.emplace(dram::make_device(*dram), *dram);
  }
  v1::SimReport report =
      simulate_layers(network, config, memory, technology, port ? &*port : nullptr,
                      port && !memory.dram_exact ? &*port : nullptr);
  std::optional<v1::DramReport> dram_report;
  if (port) dram_report = port->finish();
  finish_report(report, config, technology, dram_report ? &*dram_report : nullptr);
  report.mutable_total()->set_host_time_s(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return report;
}

v1::Metrics metrics_of(const v1::SimReport& report) {
  const auto& t = report.total();
  v1::Metrics m;
  m.set_cycles(t.cycles());
  m.set_stall_cycles(t.stall_cycles());
  m.set_latency_ns(t.latency_ns());
  m.set_energy_pj(t.energy_pj());
  m.set_avg_power_mw(t.avg_power_mw());
  m.set_area_mm2(t.area_mm2());
  m.set_utilization_pct(t.overall_util_pct());
  m.set_macs(t.macs());
  auto& extra = *m.mutable_extra();
  extra["mac_energy_pj"] = t.mac_energy_pj();
  extra["sram_energy_pj"] = t.sram_energy_pj();
  extra["leakage_energy_pj"] = t.leakage_energy_pj();
  extra["pe_area_mm2"] = t.pe_area_mm2();
  extra["sram_area_mm2"] = t.sram_area_mm2();
  extra["dram_energy_pj"] = t.dram_energy_pj();  // 0 in memory modes without DRAM
  return m;
}

}  // namespace accelgym::accel
