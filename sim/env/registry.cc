#include "sim/env/registry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "models/accel/engine.h"
#include "models/accel/hetero.h"
#include "models/accel/systolic_evaluator.h"
#include "models/dram/trace_sim.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "sim/core/param.h"
#include "sim/core/parse.h"
#include "sim/env/targets.h"
#include "workloads/network_zoo.h"

namespace accelgym::env {
namespace {

// An env's design space: some of a component space's dimensions, optionally narrowed; the
// component's other parameters take fixed values.
struct Cut {
  std::string name;
  std::vector<std::pair<std::string, std::vector<ParamValue>>> dims;  // empty list = all values
};

DesignSpace cut_space(const DesignSpace& full, const Cut& cut, const std::string& doc) {
  v1::DesignSpaceSpec spec;
  spec.set_name(cut.name);
  spec.set_doc(doc);
  v1::SpaceRestriction narrow;
  for (const auto& [dim, values] : cut.dims) {
    v1::Dimension d = full.dimension(full.index_of(dim));
    d.clear_condition();  // a cut keeps only unconditional knobs
    *spec.add_dimensions() = d;
    if (values.empty()) continue;
    auto& r = (*narrow.mutable_dimensions())[dim];
    for (const auto& v : values) *r.add_values() = to_proto(v);
  }
  return DesignSpace(spec, "env " + cut.name).restricted(narrow, "env " + cut.name);
}

// The whole component design: fixed values, then the action's values, validated.
class Completer {
 public:
  Completer(const std::string& space, ParamMap fixed)
      : full_(make_space(space)), fixed_(std::move(fixed)) {
    full_.encode(fixed_, "env fixed parameters");  // fail early on a bad fixed value
  }
  ParamMap complete(const ParamMap& design) const {
    ParamMap all = fixed_;
    for (const auto& [k, v] : design.values()) all.set(k, v);
    return full_.decode(full_.encode(all, "design"));
  }
  const DesignSpace& full() const { return full_; }

 private:
  DesignSpace full_;
  ParamMap fixed_;
};

class DramEvaluator : public Evaluator {
 public:
  DramEvaluator(Completer completer, workloads::GeneratorConfig trace, std::string trace_name)
      : completer_(std::move(completer)),
        trace_(std::move(trace)),
        trace_name_(std::move(trace_name)) {
    // Every step replays the same trace: generate it once unless it is too large to hold.
    if (trace_.count <= kMaxHeldRequests) held_.emplace(trace_);
  }

  v1::Metrics evaluate(const ParamMap& design) const override {
    const auto config = dram::dram_config(completer_.complete(design));
    auto source = held_ ? held_->replay() : workloads::generate_trace(trace_);
    const auto r = dram::simulate_trace(*source, config);
    v1::Metrics m;
    m.set_cycles(r.total_cycles());
    m.set_latency_ns(r.total_time_ns());
    m.set_energy_pj(r.energy_pj());
    m.set_avg_power_mw(r.avg_power_mw());
    auto& x = *m.mutable_extra();
    x["avg_read_latency_ns"] = r.avg_read_latency_ns();
    x["p99_read_latency_ns"] = r.p99_read_latency_ns();
    x["avg_write_latency_ns"] = r.avg_write_latency_ns();
    x["bandwidth_gbps"] = r.bandwidth_gbps();
    x["row_hit_rate"] = r.row_hit_rate();
    return m;
  }

  std::vector<std::string> extra_metrics() const override {
    return {"avg_read_latency_ns", "p99_read_latency_ns", "avg_write_latency_ns", "bandwidth_gbps",
            "row_hit_rate"};
  }

  std::vector<v1::WorkloadRef> workloads() const override {
    v1::WorkloadRef w;
    w.set_name(trace_name_);
    auto& o = *w.mutable_options();
    o["pattern"] = trace_.pattern;
    o["count"] = std::to_string(trace_.count);
    o["seed"] = std::to_string(trace_.seed);
    o["read_ratio"] = std::to_string(trace_.read_ratio);
    return {w};
  }

 private:
  static constexpr uint64_t kMaxHeldRequests = 4'000'000;  // ~100 MB of requests
  Completer completer_;
  workloads::GeneratorConfig trace_;
  std::string trace_name_;
  std::optional<workloads::GeneratedTrace> held_;
};

class SystolicEvaluator : public Evaluator {
 public:
  SystolicEvaluator(Completer completer, std::string workload, uint32_t seq_len,
                    accel::MemoryModel memory, accel::Engine engine)
      : completer_(std::move(completer)),
        workload_(std::move(workload)),
        seq_len_(seq_len),
        network_(workloads::load_network(workload_, false, seq_len)),
        technology_(energy::Technology::builtin()),
        memory_(memory),
        engine_(engine) {}

  v1::Metrics evaluate(const ParamMap& design) const override {
    const ParamMap all = completer_.complete(design);
    const auto compute = compute::systolic_config(all);
    const auto dram = dram::dram_config(all);
    return accel::metrics_of(
        accel::simulate_systolic_on(engine_, network_, compute, memory_, technology_, dram));
  }

  std::vector<std::string> extra_metrics() const override {
    return {"mac_energy_pj", "sram_energy_pj", "leakage_energy_pj",
            "pe_area_mm2",   "sram_area_mm2",  "dram_energy_pj"};
  }

  std::vector<v1::WorkloadRef> workloads() const override {
    v1::WorkloadRef w;
    w.set_name(workload_);
    (*w.mutable_options())["memory"] = accel::memory_mode_name(memory_);
    // Only when not the default: records of direct runs keep their keys.
    if (engine_ != accel::Engine::kDirect) {
      (*w.mutable_options())["engine"] = accel::engine_name(engine_);
    }
    if (seq_len_) (*w.mutable_options())["seq_len"] = std::to_string(seq_len_);
    return {w};
  }

 private:
  Completer completer_;
  std::string workload_;
  uint32_t seq_len_;
  v1::Network network_;
  energy::Technology technology_;
  accel::MemoryModel memory_;
  accel::Engine engine_;
};

// NASAIC-style heterogeneous sub-accelerators running several DNNs at once on one DRAM.
class HeteroEvaluator : public Evaluator {
 public:
  HeteroEvaluator(uint32_t k, std::vector<std::string> names, accel::Engine engine,
                  bool sample_folds)
      : k_(k),
        names_(std::move(names)),
        technology_(energy::Technology::builtin()),
        engine_(engine),
        sample_folds_(sample_folds) {
    for (const auto& n : names_) networks_.push_back(workloads::load_network(n));
    const DesignSpace dram_space = make_space("dram");
    dram_ = dram::dram_config(dram_space.decode(dram_space.default_point()));
  }

  v1::Metrics evaluate(const ParamMap& design) const override {
    const auto r =
        accel::simulate_hetero_on(engine_, accel::hetero_design(design, k_, names_, networks_),
                                  dram_, technology_, sample_folds_);
    v1::Metrics m;
    m.set_latency_ns(r.latency_ns);
    m.set_cycles(static_cast<uint64_t>(std::ceil(r.latency_ns)));  // 1 GHz sub-accelerators
    m.set_energy_pj(r.on_chip_energy_pj + r.dram.energy_pj());
    m.set_area_mm2(r.area_mm2);
    m.set_avg_power_mw(r.latency_ns > 0 ? m.energy_pj() / r.latency_ns : 0);
    auto& x = *m.mutable_extra();
    x["dram_energy_pj"] = r.dram.energy_pj();
    for (uint32_t i = 0; i < k_; ++i) x["acc" + std::to_string(i) + "_finish_ns"] = r.finish_ns[i];
    return m;
  }

  std::vector<std::string> extra_metrics() const override {
    std::vector<std::string> out = {"dram_energy_pj"};
    for (uint32_t i = 0; i < k_; ++i) out.push_back("acc" + std::to_string(i) + "_finish_ns");
    return out;
  }

  std::vector<v1::WorkloadRef> workloads() const override {
    std::vector<v1::WorkloadRef> out;
    for (const auto& n : names_) {
      v1::WorkloadRef w;
      w.set_name(n);
      // Only when not the default: records of direct runs keep their keys.
      if (engine_ != accel::Engine::kDirect) {
        (*w.mutable_options())["engine"] = accel::engine_name(engine_);
      }
      out.push_back(w);
    }
    return out;
  }

 private:
  uint32_t k_;
  std::vector<std::string> names_;
  std::vector<v1::Network> networks_;
  energy::Technology technology_;
  accel::Engine engine_;
  bool sample_folds_;
  dram::DramConfig dram_;
};

std::string take(Options& o, const std::string& key, const std::string& fallback) {
  const auto it = o.find(key);
  if (it == o.end()) return fallback;
  std::string v = it->second;
  o.erase(it);
  return v;
}

uint64_t to_u64(const std::string& text, const std::string& option, uint64_t min = 0,
                uint64_t max = UINT64_MAX) {
  return parse_unsigned(text, "env option '" + option + "'", min, max);
}

RewardConfig targets_from(const std::string& text) {
  RewardConfig r;
  std::istringstream in(text);
  std::string one;
  while (std::getline(in, one, ';')) {
    if (!one.empty()) r.targets.push_back(parse_target(one));
  }
  return r;
}

// The option's targets, or targets relative to the env's default design (evaluated once):
// metric <= factor x its value there.
RewardConfig targets_or_relative(const std::string& text, const Evaluator& evaluator,
                                 const DesignSpace& space,
                                 const std::vector<std::pair<std::string, double>>& factors) {
  RewardConfig reward = targets_from(text);
  if (!reward.targets.empty()) return reward;
  const v1::Metrics base = evaluator.evaluate(space.decode(space.default_point()));
  for (const auto& [metric, factor] : factors) {
    reward.targets.push_back(
        parse_target(metric + "<=" + std::to_string(factor * metric_value(base, metric))));
  }
  return reward;
}

using Factors = std::vector<std::pair<std::string, double>>;

// The env's targets: the `targets` option when given, else the shipped default for its
// defining options (sim/env/targets.h), else `factors` times the default design's metrics.
// `origin` says which, for `accelgym space --env` and the docs.
RewardConfig choose_targets(const std::string& env, const Options& defining,
                            const std::string& text, const Evaluator& evaluator,
                            const DesignSpace& space, const Factors& factors,
                            v1::DefaultTargets& origin) {
  if (const auto* entry = text.empty() ? find_default_targets(env, defining) : nullptr) {
    origin = *entry;
    RewardConfig reward;
    for (const auto& t : entry->targets()) reward.targets.push_back(parse_target(t));
    return reward;
  }
  origin.set_env(env);
  *origin.mutable_options() = {defining.begin(), defining.end()};
  origin.set_source(text.empty() ? "relative" : "option");
  const RewardConfig reward = targets_or_relative(text, evaluator, space, factors);
  for (const auto& t : reward.targets) {
    origin.add_targets(fmt::format("{}{}{}", t.metric, t.maximize ? ">=" : "<=", t.value));
  }
  return reward;
}

// The env with its targets chosen by choose_targets() and their origin recorded.
std::unique_ptr<Env> env_with_targets(const std::string& name, const DesignSpace& space,
                                      std::shared_ptr<const Evaluator> evaluator,
                                      const Options& defining, const std::string& targets,
                                      const Factors& factors, uint32_t episode_length) {
  v1::DefaultTargets origin;
  const RewardConfig reward =
      choose_targets(name, defining, targets, *evaluator, space, factors, origin);
  auto env = std::make_unique<Env>(name, space, std::move(evaluator), reward, episode_length);
  env->set_target_origin(std::move(origin));
  return env;
}

// The quantile rules (docs/ENVS.md; each quantile over the designs meeting the targets before
// it): the fastest 5 % (DRAM) or 10 % (accelerators), then the more frugal half of those, then
// (accelerators) the smaller three quarters: a few percent of random designs meet them all.
const Factors kDramQuantiles = {{"latency_ns", 0.05}, {"avg_power_mw", 0.5}};
const Factors kAcceleratorQuantiles = {
    {"latency_ns", 0.10}, {"energy_pj", 0.5}, {"area_mm2", 0.75}};

std::vector<ParamValue> ints(std::initializer_list<int64_t> v) { return {v.begin(), v.end()}; }
std::vector<ParamValue> strs(std::initializer_list<const char*> v) {
  std::vector<ParamValue> out;
  for (const char* s : v) out.emplace_back(std::string(s));
  return out;
}

// ArchGym's DRAM task: exactly its ten knobs and value sets (docs/reference/gyms.md).
Cut archgym_dram_cut(const std::string& name) {
  return {name,
          {{"PagePolicy", {}},
           {"Scheduler", {}},
           {"SchedulerBuffer", {}},
           {"RequestBufferSize", {}},
           {"RespQueue", {}},
           {"RefreshPolicy", strs({"NoRefresh", "AllBank"})},
           {"RefreshMaxPostponed", ints({1, 2, 4, 8})},
           {"RefreshMaxPulledin", ints({1, 2, 4, 8})},
           {"Arbiter", {}},
           {"MaxActiveTransactions", {}}}};
}

struct DramVariant {
  const char* name;
  const char* standard;
  int64_t channels;
  double read_ratio;
  const char* doc;
};

constexpr DramVariant kDramVariants[] = {
    {"dram-v0", "DDR3-1600", 1, 1.0,
     "ArchGym's DRAM-controller task: ten DRAMSys knobs (442 368 points), DDR3-1600, 10 000-read "
     "traces"},
    {"dram-ddr4-v0", "DDR4-2400R", 1, 1.0, "dram-v0's knobs on DDR4-2400R (8 Gb x8)"},
    {"dram-hbm2-v0", "HBM2-2000", 2, 1.0, "dram-v0's knobs on HBM2-2000, two pseudo-channels"},
    {"dram-rw-v0", "DDR3-1600", 1, 0.7, "dram-v0 with 30 % writes in the traces"},
};

std::unique_ptr<Env> make_dram_env(const DramVariant& v, Options o) {
  const std::string trace_name = take(o, "trace", "random");
  workloads::GeneratorConfig trace = workloads::named_trace(trace_name);
  trace.count = to_u64(take(o, "count", std::to_string(trace.count)), "count", 1,
                       limits().max_trace_requests);
  trace.seed = to_u64(take(o, "seed", "1"), "seed");
  trace.read_ratio = v.read_ratio;
  if (o.count("read_ratio")) {
    trace.read_ratio = parse_finite_in(take(o, "read_ratio", ""), "env option 'read_ratio'", 0, 1);
  }
  // Targets: the shipped defaults for this trace (sim/env/targets.h); for other traces or
  // options, 6 % lower latency than the default controller while power rises by at most 5 %.
  const std::string targets = take(o, "targets", "");
  const uint32_t length =
      static_cast<uint32_t>(to_u64(take(o, "episode_length", "1"), "episode_length"));
  if (!o.empty())
    throw InputError("env '" + std::string(v.name) + "': unknown option '" + o.begin()->first +
                     "'");
  ParamMap fixed;
  fixed.set("standard", std::string(v.standard));
  fixed.set("channels", v.channels);
  Completer completer("dram", fixed);
  const DesignSpace space = cut_space(completer.full(), archgym_dram_cut(v.name), v.doc);
  auto evaluator = std::make_shared<DramEvaluator>(std::move(completer), trace, trace_name);
  const Options defining = {{"trace", trace_name},
                            {"count", std::to_string(trace.count)},
                            {"seed", std::to_string(trace.seed)},
                            {"read_ratio", fmt::format("{}", trace.read_ratio)}};
  return env_with_targets(v.name, space, evaluator, defining, targets,
                          {{"latency_ns", 0.94}, {"avg_power_mw", 1.05}}, length);
}

std::unique_ptr<Env> make_systolic_env(const std::string& name, Options o, bool with_dram) {
  const std::string workload = take(o, "workload", with_dram ? "alexnet" : "resnet50");
  const uint32_t seq_len = static_cast<uint32_t>(to_u64(take(o, "seq_len", "0"), "seq_len"));
  const std::string memory_text = take(o, "memory", with_dram ? "dram" : "scalesim-calc");
  const auto memory = accel::parse_memory_mode(memory_text);
  const auto engine = accel::parse_engine(take(o, "engine", "direct"), "env option 'engine'");
  accel::check_engine(engine, memory, "env option 'engine'");
  const std::string targets = take(o, "targets", "");
  const uint32_t length =
      static_cast<uint32_t>(to_u64(take(o, "episode_length", "1"), "episode_length"));
  if (!o.empty()) throw InputError("env '" + name + "': unknown option '" + o.begin()->first + "'");
  Cut cut{name,
          {{"rows", {}},
           {"cols", {}},
           {"dataflow", {}},
           {"ifmap_sram_kb", ints({16, 32, 64, 128, 256, 512, 1024})},
           {"filter_sram_kb", ints({16, 32, 64, 128, 256, 512, 1024})},
           {"ofmap_sram_kb", ints({16, 32, 64, 128, 256, 512, 1024})},
           {"precision", {}}}};
  if (with_dram) {
    cut.dims.push_back({"standard", strs({"DDR4-2400R", "LPDDR4-3200", "HBM2-2000"})});
    cut.dims.push_back({"channels", ints({1, 2, 4, 8})});
    cut.dims.push_back({"PagePolicy", {}});
    cut.dims.push_back({"Scheduler", {}});
    cut.dims.push_back({"RequestBufferSize", ints({4, 8, 16, 32})});
    cut.dims.push_back({"layer_overlap", {}});
    cut.dims.push_back({"global_buffer_kb", ints({0, 256, 1024, 4096})});
  }
  Completer completer("accel", {});
  const std::string doc =
      with_dram
          ? "Co-exploration of a systolic array, its scratchpads and its DRAM (simulated together)"
          : "One systolic array on a DNN: array, dataflow, scratchpads, precision";
  const DesignSpace space = cut_space(completer.full(), cut, doc);
  auto evaluator =
      std::make_shared<SystolicEvaluator>(std::move(completer), workload, seq_len, memory, engine);
  // The shipped defaults for this workload; else 40 % less latency and 20 % less energy than
  // the default design, within its area.
  const Options defining = {
      {"workload", workload}, {"seq_len", std::to_string(seq_len)}, {"memory", memory_text}};
  return env_with_targets(name, space, evaluator, defining, targets,
                          {{"latency_ns", 0.6}, {"energy_pj", 0.8}, {"area_mm2", 1.0}}, length);
}

std::unique_ptr<Env> make_hetero_env(const std::string& name, Options o) {
  std::vector<std::string> networks;
  {
    std::istringstream in(take(o, "workloads", "alexnet,mobilenet-v1"));
    std::string w;
    while (std::getline(in, w, ',')) {
      if (!w.empty()) networks.push_back(w);
    }
  }
  if (networks.empty()) throw InputError("env option 'workloads': give at least one network");
  const auto k = static_cast<uint32_t>(to_u64(take(o, "k", "2"), "k"));
  if (k < 1 || k > 4) throw InputError("env option 'k': 1 to 4 sub-accelerators");
  const uint64_t pe_budget = to_u64(take(o, "pe_budget", "1280"), "pe_budget");
  // dram: folds sampled once one sub-accelerator is left; dram-exact: every fold simulated.
  const std::string memory_text = take(o, "memory", "dram");
  const auto memory = accel::parse_memory_mode(memory_text);
  if (memory.mode != accel::MemoryMode::kDram) {
    throw InputError("env option 'memory' of " + name + ": '" + memory_text +
                     "' (available: dram, dram-exact)");
  }
  const auto engine = accel::parse_engine(take(o, "engine", "direct"), "env option 'engine'");
  accel::check_engine(engine, memory, "env option 'engine'");
  const std::string targets = take(o, "targets", "");
  const uint32_t length =
      static_cast<uint32_t>(to_u64(take(o, "episode_length", "1"), "episode_length"));
  if (!o.empty()) throw InputError("env '" + name + "': unknown option '" + o.begin()->first + "'");
  v1::DesignSpaceSpec spec;
  spec.set_name(name);
  spec.set_doc(
      "NASAIC-style heterogeneous sub-accelerators running several DNNs at once, "
      "contending for one DRAM");
  for (const auto& d : accel::hetero_parameters(k, networks)) *spec.add_dimensions() = d;
  DesignSpace space(spec, "env " + name);
  // Budgets on the sum of one knob over the sub-accelerators.
  auto budget = [&space, k](const std::string& constraint, const std::string& knob, int64_t limit,
                            const std::string& unit) {
    space.add_constraint(constraint, "sum of acc<i>" + knob + " <= " + std::to_string(limit) + unit,
                         [k, knob, limit, unit](const ParamMap& v) -> std::optional<std::string> {
                           int64_t total = 0;
                           for (uint32_t i = 0; i < k; ++i)
                             total += v.get_int("acc" + std::to_string(i) + knob);
                           if (total <= limit) return std::nullopt;
                           return std::to_string(total) + unit + " > " + std::to_string(limit) +
                                  unit;
                         });
  };
  budget("pe_budget", "_pes", static_cast<int64_t>(pe_budget), " PEs");
  budget("bandwidth_budget", "_bw_share", 100, " %");
  auto evaluator = std::make_shared<HeteroEvaluator>(k, networks, engine, !memory.dram_exact);
  // Upper bounds on latency, energy and area, as NASAIC's specs: the shipped defaults for these
  // networks, else 30 % less latency and 10 % less energy than the default design, within its
  // area.
  std::string joined;
  for (const auto& n : networks) joined += (joined.empty() ? "" : ",") + n;
  const Options defining = {{"workloads", joined},
                            {"k", std::to_string(k)},
                            {"pe_budget", std::to_string(pe_budget)},
                            {"memory", memory_text}};
  return env_with_targets(name, space, evaluator, defining, targets,
                          {{"latency_ns", 0.7}, {"energy_pj", 0.9}, {"area_mm2", 1.0}}, length);
}

// synthetic-v0: an analytic env for testing searchers and the sweep machinery in
// microseconds per step. Latency is a bowl around one corner, energy around the mirrored one,
// so the two targets conflict and form a Pareto front. Option `fault=KIND@xD=V` makes designs
// with xD = V throw (INVALID-free FAILED), crash the process (abort) or hang (sleep forever).
class SyntheticEvaluator final : public Evaluator {
 public:
  static constexpr int kDims = 4;
  static constexpr int64_t kOptimum[kDims] = {11, 4, 7, 9};

  explicit SyntheticEvaluator(const std::string& fault) {
    if (fault.empty() || fault == "none") return;
    const auto at = fault.find('@'), eq = fault.find('=');
    kind_ = fault.substr(0, at);
    if (at == std::string::npos || eq == std::string::npos || eq < at ||
        (kind_ != "throw" && kind_ != "crash" && kind_ != "hang")) {
      throw InputError("env option 'fault': '" + fault +
                       "' is not KIND@xD=V with KIND throw, crash or hang (e.g. crash@x0=3)");
    }
    dim_ = fault.substr(at + 1, eq - at - 1);
    value_ = static_cast<int64_t>(to_u64(fault.substr(eq + 1), "fault"));
  }
  static DesignSpace space() {
    v1::DesignSpaceSpec spec;
    spec.set_name("synthetic-v0");
    spec.set_doc("Four integer knobs; latency and energy are bowls around opposite corners");
    for (int d = 0; d < kDims; ++d) {
      *spec.add_dimensions() =
          Param::integer("x" + std::to_string(d), 0, 15).group(d < 2 ? "a" : "b").def(0);
    }
    return DesignSpace(spec, "synthetic-v0");
  }
  v1::Metrics evaluate(const ParamMap& design) const override {
    if (!kind_.empty() && design.get_int(dim_) == value_) inject();
    double near = 1, far = 1;
    for (int d = 0; d < kDims; ++d) {
      const auto x = static_cast<double>(design.get_int("x" + std::to_string(d)));
      near += (x - kOptimum[d]) * (x - kOptimum[d]);
      far += (x - (15 - kOptimum[d])) * (x - (15 - kOptimum[d]));
    }
    v1::Metrics m;
    m.set_latency_ns(near);
    m.set_energy_pj(far);
    m.set_cycles(static_cast<uint64_t>(near));
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override {
    v1::WorkloadRef w;
    w.set_name("synthetic");
    return {w};
  }

 private:
  void inject() const {
    if (kind_ == "throw") throw std::runtime_error("injected failure (env option fault)");
    if (kind_ == "crash") std::abort();
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));  // hang
  }
  std::string kind_, dim_;
  int64_t value_ = 0;
};

std::unique_ptr<Env> make_synthetic_env(Options o) {
  auto evaluator = std::make_shared<SyntheticEvaluator>(take(o, "fault", "none"));
  RewardConfig reward = targets_from(take(o, "targets", "latency_ns<=2"));
  const uint32_t length =
      static_cast<uint32_t>(to_u64(take(o, "episode_length", "1"), "episode_length"));
  if (!o.empty()) throw InputError("env 'synthetic-v0': unknown option '" + o.begin()->first + "'");
  return std::make_unique<Env>("synthetic-v0", SyntheticEvaluator::space(), evaluator, reward,
                               length);
}

// Every env, once: what it is (help texts, `space --list`, sweeps, Python take it from here),
// the rule of its default targets and how it is made.
struct EnvEntry {
  EnvInfo info;
  Factors target_quantiles;
  std::function<std::unique_ptr<Env>(const Options&)> make;
};

const std::vector<EnvEntry>& env_table() {
  static const std::vector<EnvEntry> table = [] {
    std::vector<EnvEntry> t;
    for (const auto& v : kDramVariants) {
      t.push_back({{v.name,
                    v.doc,
                    {"trace", "count", "seed", "read_ratio", "targets", "episode_length"},
                    "trace"},
                   kDramQuantiles,
                   [&v](const Options& o) { return make_dram_env(v, o); }});
    }
    t.push_back({{"systolic-v0",
                  "One systolic array on a DNN (SCALE-Sim-compatible timing by default)",
                  {"workload", "seq_len", "memory", "engine", "targets", "episode_length"},
                  "workload"},
                 kAcceleratorQuantiles,
                 [](const Options& o) { return make_systolic_env("systolic-v0", o, false); }});
    t.push_back({{"accel-v0",
                  "Systolic array + scratchpads + DRAM co-exploration (DRAM-backed)",
                  {"workload", "seq_len", "memory", "engine", "targets", "episode_length"},
                  "workload"},
                 kAcceleratorQuantiles,
                 [](const Options& o) { return make_systolic_env("accel-v0", o, true); }});
    t.push_back({{"hetero-v0",
                  "NASAIC-style heterogeneous sub-accelerators sharing one DRAM",
                  {"workloads", "k", "pe_budget", "engine", "targets", "episode_length"},
                  "workloads"},
                 kAcceleratorQuantiles,
                 [](const Options& o) { return make_hetero_env("hetero-v0", o); }});
    t.push_back({{"synthetic-v0",
                  "Analytic test env (microseconds per step); option fault=crash@x0=3 etc.",
                  {"fault", "targets", "episode_length"},
                  "",
                  /*for_testing=*/true},
                 {},
                 [](const Options& o) { return make_synthetic_env(o); }});
    return t;
  }();
  return table;
}

const EnvEntry* find_env(const std::string& name) {
  for (const auto& e : env_table()) {
    if (e.info.name == name) return &e;
  }
  return nullptr;
}

}  // namespace

std::vector<EnvInfo> registered_envs() {
  std::vector<EnvInfo> out;
  for (const auto& e : env_table()) out.push_back(e.info);
  return out;
}

std::vector<std::string> user_env_names() {
  std::vector<std::string> out;
  for (const auto& e : env_table()) {
    if (!e.info.for_testing) out.push_back(e.info.name);
  }
  return out;
}

std::vector<std::pair<std::string, double>> target_quantiles(const std::string& name) {
  const EnvEntry* e = find_env(name);
  return e ? e->target_quantiles : Factors{};
}

std::unique_ptr<Env> make_env(const std::string& name, const Options& options) {
  if (const EnvEntry* e = find_env(name)) return e->make(options);
  throw InputError(
      fmt::format("unknown env '{}' (registered: {})", name, fmt::join(user_env_names(), ", ")));
}

}  // namespace accelgym::env
