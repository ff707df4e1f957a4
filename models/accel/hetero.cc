#include "models/accel/hetero.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "models/accel/dram_backed.h"
#include "models/accel/systolic_evaluator.h"
#include "models/compute/systolic_timing.h"
#include "models/memory/dram_port.h"
#include "sim/core/errors.h"
#include "sim/core/param.h"

namespace accelgym::accel {
namespace {

constexpr double kNone = std::numeric_limits<double>::infinity();

class Process;

// Fold sampling while several sub-accelerators share the DRAM (docs/MODELS.md "Fold
// sampling"). A window opens at a fold start of one of them (the leader) when every running
// one is a few steps into a segment of repeating folds, and closes at a later fold start of the
// leader after kWindowSteps of its steps and whole periods spanning DramPort::min_window_ns();
// meanwhile each other one's fold starts give its rate. A skip then moves the leader by whole
// periods as FoldSampler does, the DRAM's clock by the time they took in the window, and every
// other one by the whole periods of its own that fit that time at its rate (rounded), its
// pending times moved by the same time. A window is dropped when any of them leaves its segment
// or layer. Called at fold starts, where the DRAM has run up to that time and nothing is due
// before it.
class ConcurrentSampler {
 public:
  explicit ConcurrentSampler(memory::DramPort& port) : port_(port) {}
  void add(Process* process) { processes_.push_back(process); }
  // At the start of `process`'s fold (its at_ns, which a skip moves).
  void at_fold_start(Process& process);

 private:
  static constexpr uint64_t kWarmSteps = 2, kWindowSteps = 16, kTailSteps = 2;
  static constexpr uint64_t kMinOtherStarts = 4;
  static constexpr double kMinOtherPeriods = 8;
  struct Other {
    Process* process;
    size_t layer;  // Process::layer()
    uint64_t segment_first;
    uint64_t starts = 0;
    uint64_t first_fold = 0, last_fold = 0;
    double first_ns = 0, last_ns = 0;
  };
  bool steady(const Process& process) const;
  // Whether `p` has left the layer and segment it was in.
  static bool left(const Process& p, size_t layer, uint64_t segment_first);
  void open(Process& leader);
  void close(Process& leader);

  memory::DramPort& port_;
  std::vector<Process*> processes_;
  bool open_ = false;
  Process* leader_ = nullptr;
  size_t leader_layer_ = 0;
  uint64_t leader_segment_first_ = 0, window_fold_ = 0;
  double window_start_ns_ = 0;
  dram::Activity window_activity_;
  std::vector<Other> others_;
  SkipRatio ratio_;
};

// One sub-accelerator: its layers one after another, each fold by fold. States:
//   kStart     at `at_ns`: fold f starts; prefetch fold f + 1's tiles
//   kDrain     at `at_ns` (the fold's compute end): drain fold f's outputs
//   kWait      until the groups it needs complete; then the next fold (or layer) starts
class Process {
 public:
  Process(const SubAccelerator& sub, uint32_t initiator, memory::DramPort& port,
          const energy::Technology& tech)
      : sub_(sub),
        initiator_(initiator),
        port_(port),
        word_bytes_(std::max(1u, tech.precision_bits(sub.config.precision) / 8)) {
    for (const auto* net : sub.networks) {
      for (const auto& layer : net->layers()) layers_.push_back(&layer);
    }
    start_layer(0.0);
  }

  bool done() const { return state_ == State::kDone; }
  double finish_ns() const { return finish_ns_; }
  // When this process next acts on its own (kNone while it waits for the DRAM).
  double action_time() const {
    return state_ == State::kStart || state_ == State::kDrain ? at_ns_ : kNone;
  }
  bool ready_to_decide() const {
    if (state_ != State::kWait) return false;
    for (uint32_t g : waiting_) {
      if (!port_.complete(g)) return false;
    }
    return true;
  }

  // From now on this process is the only one left on the DRAM: its folds may be sampled.
  void sample_with(FoldSampler* sampler) { sampler_ = sampler; }
  // While several run: their folds sampled together.
  void sample_together(ConcurrentSampler* sampler) { concurrent_ = sampler; }

  // For ConcurrentSampler.
  bool running_folds() const { return !done() && !first_load_ && traffic_ != nullptr; }
  const LayerTraffic& traffic() const { return *traffic_; }
  size_t layer() const { return layer_index_; }  // which of its layers (counts from 1)
  uint64_t fold() const { return fold_; }
  double start_ns() const { return at_ns_; }
  // Moves on by `folds` folds (its addresses passed over) and `ns` later: what it has pending
  // stands for the same after them.
  void skip(uint64_t folds, double ns) {
    traffic_->skip(fold_ + (state_ == State::kStart ? 0 : 1), folds);
    fold_ += folds;
    if (state_ == State::kStart || state_ == State::kDrain) at_ns_ += ns;
    end_ns_ += ns;
  }

  void act() {
    if (state_ == State::kStart) {
      if (sampler_) fold_ += sampler_->at_fold(*traffic_, fold_, at_ns_);
      if (concurrent_) concurrent_->at_fold_start(*this);
      end_ns_ = at_ns_ + traffic_->fold_ns();
      has_next_load_ = fold_ + 1 < traffic_->folds();
      if (has_next_load_) next_load_ = traffic_->prefetch(fold_ + 1, at_ns_);
      state_ = State::kDrain;
      at_ns_ = end_ns_;
      return;
    }
    // kDrain: outputs leave; wait for the next tiles and the previous fold's drain (the
    // ofmap half it frees), or for every drain at the end of the layer.
    const uint32_t drain = traffic_->drain(fold_, at_ns_);
    waiting_.clear();
    if (has_next_load_) waiting_.push_back(next_load_);
    if (has_previous_drain_) waiting_.push_back(previous_drain_);
    if (!has_next_load_) waiting_.push_back(drain);
    previous_drain_ = drain;
    has_previous_drain_ = true;
    state_ = State::kWait;
  }

  void decide() {
    double next = end_ns_;
    for (uint32_t g : waiting_) {
      next = std::max(next, port_.completion_ns(g));
      port_.release(g);
    }
    waiting_.clear();
    if (state_ == State::kWait && first_load_) {  // the layer's first tiles arrived
      first_load_ = false;
      begin_fold(0, next);
      return;
    }
    if (fold_ + 1 < traffic_->folds()) {
      begin_fold(fold_ + 1, next);
      return;
    }
    start_layer(next);  // the layer is done once its last drain is
  }

 private:
  enum class State { kStart, kDrain, kWait, kDone };

  void begin_fold(uint64_t f, double at) {
    fold_ = f;
    at_ns_ = at;
    state_ = State::kStart;
  }

  void start_layer(double at) {
    if (layer_index_ >= layers_.size()) {
      finish_ns_ = layers_.empty() ? 0.0 : at;
      state_ = State::kDone;
      return;
    }
    const v1::Layer& layer = *layers_[layer_index_++];
    gemm_ = workloads::lower(layer, workloads::LoweringRule::kStandard);
    timing_ = compute::fold_timing(gemm_, sub_.config.array, sub_.config.dataflow);
    traffic_ =
        std::make_unique<LayerTraffic>(gemm_, timing_, sub_.config, word_bytes_, port_, initiator_);
    // Fold 0 starts when its tiles are in: a wait with no compute before it.
    end_ns_ = at;
    waiting_ = {traffic_->prefetch(0, at)};
    has_previous_drain_ = false;
    first_load_ = true;
    state_ = State::kWait;
  }

  const SubAccelerator& sub_;
  uint32_t initiator_;
  memory::DramPort& port_;
  uint32_t word_bytes_;
  std::vector<const v1::Layer*> layers_;
  size_t layer_index_ = 0;
  workloads::GemmShape gemm_;
  compute::FoldTiming timing_;
  std::unique_ptr<LayerTraffic> traffic_;
  State state_ = State::kWait;
  uint64_t fold_ = 0;
  double at_ns_ = 0, end_ns_ = 0, finish_ns_ = 0;
  bool first_load_ = false, has_next_load_ = false, has_previous_drain_ = false;
  uint32_t next_load_ = 0, previous_drain_ = 0;
  std::vector<uint32_t> waiting_;
  FoldSampler* sampler_ = nullptr;
  ConcurrentSampler* concurrent_ = nullptr;
};

bool ConcurrentSampler::steady(const Process& p) const {
  if (!p.running_folds()) return false;
  const LayerTraffic::Segment& segment = p.traffic().segment_of(p.fold());
  return p.fold() >= segment.first + kWarmSteps;
}

bool ConcurrentSampler::left(const Process& p, size_t layer, uint64_t segment_first) {
  return !p.running_folds() || p.layer() != layer ||
         p.traffic().segment_of(p.fold()).first != segment_first;
}

void ConcurrentSampler::at_fold_start(Process& process) {
  if (!open_) {
    if (std::all_of(processes_.begin(), processes_.end(),
                    [this](const Process* p) { return p->done() || steady(*p); })) {
      open(process);
    }
    return;
  }
  // Any one leaving its layer or segment ends the window.
  if (&process != leader_) {
    for (Other& o : others_) {
      if (o.process != &process) continue;
      if (left(process, o.layer, o.segment_first)) {
        open_ = false;
        return;
      }
      if (o.starts++ == 0) {
        o.first_fold = process.fold();
        o.first_ns = process.start_ns();
      }
      o.last_fold = process.fold();
      o.last_ns = process.start_ns();
    }
    return;
  }
  if (left(process, leader_layer_, leader_segment_first_)) {
    open_ = false;
    return;
  }
  close(process);
}

void ConcurrentSampler::open(Process& leader) {
  open_ = true;
  leader_ = &leader;
  leader_layer_ = leader.layer();
  leader_segment_first_ = leader.traffic().segment_of(leader.fold()).first;
  window_fold_ = leader.fold();
  window_start_ns_ = leader.start_ns();
  window_activity_ = port_.activity_at(window_start_ns_);
  others_.clear();
  for (Process* p : processes_) {
    if (p == &leader || p->done()) continue;
    others_.push_back({p, p->layer(), p->traffic().segment_of(p->fold()).first});
  }
}

void ConcurrentSampler::close(Process& leader) {
  const LayerTraffic::Segment& segment = leader.traffic().segment_of(leader.fold());
  const uint64_t f = leader.fold(), period = segment.period;
  const uint64_t steps = f - window_fold_;
  const double span_ns = leader.start_ns() - window_start_ns_;
  if (steps < std::max(kWindowSteps, period) || steps % period != 0 ||
      span_ns < port_.min_window_ns()) {
    return;
  }
  open_ = false;
  const double mean_step_ns = span_ns / static_cast<double>(steps);
  const uint64_t ratio = ratio_.after_window({&leader, leader_layer_, segment.first}, mean_step_ns);
  const uint64_t resume = segment.end - 1 - kTailSteps;
  if (f + period > resume) return;
  const uint64_t skipped = std::min(resume - f, ratio * steps) / period * period;
  if (skipped == 0) return;
  const double skipped_ns = mean_step_ns * static_cast<double>(skipped);
  // Each other one: the whole periods of its own that fit, at its rate over the window.
  std::vector<uint64_t> other_folds;
  for (const Other& o : others_) {
    const Process& p = *o.process;
    if (left(p, o.layer, o.segment_first)) return;
    const LayerTraffic::Segment& own = p.traffic().segment_of(p.fold());
    if (o.starts < kMinOtherStarts || o.last_ns <= o.first_ns) return;
    const double rate = static_cast<double>(o.last_fold - o.first_fold) / (o.last_ns - o.first_ns);
    // Rounded to whole periods of its own: enough of them that the rounding is small.
    const double periods = skipped_ns * rate / static_cast<double>(own.period);
    if (periods < kMinOtherPeriods) return;
    const uint64_t folds = static_cast<uint64_t>(std::llround(periods)) * own.period;
    if (p.fold() + folds + kTailSteps + 1 >= own.end) return;
    other_folds.push_back(folds);
  }
  const dram::Activity so_far = port_.activity_at(leader.start_ns());
  const double per_window = skipped_ns / span_ns;
  port_.skip(skipped_ns,
             port_.extrapolated(so_far - window_activity_, per_window, skipped_ns, so_far));
  leader.skip(skipped, skipped_ns);
  for (size_t i = 0; i < others_.size(); ++i) others_[i].process->skip(other_folds[i], skipped_ns);
}

}  // namespace

std::vector<v1::Dimension> hetero_parameters(uint32_t k, const std::vector<std::string>& networks) {
  std::vector<v1::Dimension> dims;
  for (uint32_t i = 0; i < k; ++i) {
    const std::string p = "acc" + std::to_string(i);
    dims.push_back(Param::categorical(p + "_template", {"shidiannao", "nvdla", "eyeriss"})
                       .group(p)
                       .def(i % 3 == 0   ? "shidiannao"
                            : i % 3 == 1 ? "nvdla"
                                         : "eyeriss")
                       .doc("Dataflow template (NASAIC): output-, weight- or row-stationary"));
    dims.push_back(Param::integer_set(p + "_pes", {64, 256, 1024})
                       .group(p)
                       .unit("PEs")
                       .def(256)
                       .doc("Processing elements, as a square array"));
    dims.push_back(Param::integer_set(p + "_bw_share", {25, 50, 75})
                       .group(p)
                       .unit("%")
                       .def(50)
                       .doc("Share of the DRAM's outstanding requests"));
  }
  for (size_t n = 0; n < networks.size(); ++n) {
    dims.push_back(Param::integer("map_" + networks[n], 0, k - 1)
                       .group("mapping")
                       .def(static_cast<int64_t>(n % k))
                       .doc("The sub-accelerator that runs " + networks[n]));
  }
  return dims;
}

std::vector<SubAccelerator> hetero_design(const ParamMap& design, uint32_t k,
                                          const std::vector<std::string>& names,
                                          const std::vector<v1::Network>& networks) {
  std::vector<SubAccelerator> subs(k);
  for (uint32_t i = 0; i < k; ++i) {
    const std::string p = "acc" + std::to_string(i);
    const std::string t = design.get_string(p + "_template");
    auto& c = subs[i].config;
    c.dataflow = t == "shidiannao" ? compute::Dataflow::kOutputStationary
                 : t == "nvdla"    ? compute::Dataflow::kWeightStationary
                                   : compute::Dataflow::kRowStationary;
    const auto side = static_cast<uint64_t>(std::lround(std::sqrt(design.get_real(p + "_pes"))));
    c.array = {side, side};
    c.ifmap_sram_kib = c.filter_sram_kib = c.ofmap_sram_kib = 64;
    c.precision = "int8";
    c.clock_mhz = 1000;
    c.tech_node_nm = 45;
    // 64 outstanding requests are half the default controller's 128 buffer slots.
    subs[i].max_outstanding =
        static_cast<uint32_t>(std::max<int64_t>(1, design.get_int(p + "_bw_share") * 64 / 100));
  }
  for (size_t n = 0; n < names.size(); ++n) {
    subs[static_cast<size_t>(design.get_int("map_" + names[n]))].networks.push_back(&networks[n]);
  }
  return subs;
}

HeteroResult simulate_hetero(const std::vector<SubAccelerator>& subs, const dram::DramConfig& dram,
                             const energy::Technology& technology, bool sample_folds) {
  if (subs.empty()) throw InputError("a heterogeneous design needs at least one sub-accelerator");
  memory::DramPort port(dram::make_device(dram), dram);
  std::optional<FoldSampler> sampler;  // once one sub-accelerator is left
  ConcurrentSampler together(port);    // while several run
  std::vector<std::unique_ptr<Process>> procs;
  for (uint32_t i = 0; i < subs.size(); ++i) {
    if (subs[i].max_outstanding > 0) port.memory().set_initiator_limit(i, subs[i].max_outstanding);
    procs.push_back(std::make_unique<Process>(subs[i], i, port, technology));
    if (sample_folds) {
      together.add(procs.back().get());
      procs.back()->sample_together(&together);
    }
  }
  auto any_ready = [&] {
    for (const auto& p : procs) {
      if (p->ready_to_decide()) return true;
    }
    return false;
  };
  while (true) {
    if (sample_folds && !sampler) {
      // Once one sub-accelerator is left, its folds are sampled as a single accelerator's.
      const auto running =
          std::count_if(procs.begin(), procs.end(), [](const auto& p) { return !p->done(); });
      if (running == 1) {
        sampler.emplace(port);
        for (auto& p : procs) {
          p->sample_together(nullptr);
          if (!p->done()) p->sample_with(&*sampler);
        }
      }
    }
    for (auto& p : procs) {
      if (p->ready_to_decide()) p->decide();
    }
    Process* next = nullptr;
    bool waiting = false;
    for (auto& p : procs) {
      if (p->done()) continue;
      if (p->action_time() == kNone) {
        waiting = true;
      } else if (!next || p->action_time() < next->action_time()) {
        next = p.get();
      }
    }
    if (!next && !waiting) break;  // every sub-accelerator finished
    const double limit = next ? next->action_time() : kNone;
    // Run the DRAM up to the next action, stopping early when a waiting process can decide
    // (which only a group's completion can bring about: checked when one completed).
    if (waiting && !any_ready()) {
      uint64_t checked = port.groups_completed();
      port.run(
          [&] {
            if (port.groups_completed() == checked) return false;
            checked = port.groups_completed();
            return any_ready();
          },
          limit);
    }
    if (any_ready()) continue;  // decide first: its next action may come before `limit`
    if (!next) throw InternalError("heterogeneous simulation stalled: the DRAM never answered");
    next->act();
  }
  HeteroResult r;
  for (const auto& p : procs) r.finish_ns.push_back(p->finish_ns());
  r.dram = port.finish();
  complete_hetero_result(subs, technology, r);
  return r;
}

void complete_hetero_result(const std::vector<SubAccelerator>& subs,
                            const energy::Technology& technology, HeteroResult& r) {
  for (size_t i = 0; i < subs.size(); ++i) {
    r.latency_ns = std::max(r.latency_ns, r.finish_ns.at(i));
    r.area_mm2 += accelerator_area(subs[i].config, technology).total_mm2();
    // On-chip energy from the closed-form model of the same layers.
    v1::Network all;
    all.set_name("sub" + std::to_string(i));
    for (const auto* net : subs[i].networks) {
      for (const auto& layer : net->layers()) *all.add_layers() = layer;
    }
    if (all.layers_size() > 0) {
      r.on_chip_energy_pj += simulate_systolic(all, subs[i].config, MemoryMode::kIdeal, technology)
                                 .total()
                                 .energy_pj();
    }
  }
}

}  // namespace accelgym::accel
