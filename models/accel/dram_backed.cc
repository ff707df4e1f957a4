#include "models/accel/dram_backed.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "models/memory/dram_port.h"
#include "models/memory/tile_buffer.h"
#include "sim/core/errors.h"

namespace accelgym::accel {

using compute::ceil_div;
using compute::Dataflow;

struct Fold {
  uint64_t instance, i, j;  // GEMM instance, row fold, column fold
};

// What one fold moves between DRAM and the scratchpads, in words.
struct FoldTraffic {
  uint64_t ifmap_tile, filter_tile;  // tile identities (for reuse)
  uint64_t ifmap_words, filter_words;
  uint64_t out_tile_words;  // outputs (os) or one partial-sum tile (ws, is)
  bool partial_sums;        // ws / is: the K reduction spans row folds
};

class LayerFolds {
 public:
  LayerFolds(const workloads::GemmShape& g, const compute::FoldTiming& t,
             const compute::SystolicConfig& c)
      : g_(g), t_(t), df_(c.dataflow), r_(t.fold_rows), c_(t.fold_cols) {
    const double im2col = static_cast<double>(g.m) * static_cast<double>(g.k);
    unique_ratio_ =
        g.ifmap_words > 0 ? std::min(1.0, static_cast<double>(g.ifmap_words) / im2col) : 1.0;
  }

  uint64_t count() const { return g_.instances * t_.folds; }

  Fold fold(uint64_t f) const {
    const uint64_t per = t_.folds;
    const uint64_t inner = f % per;  // column fold outer, row fold inner (SCALE-Sim's order)
    return {f / per, inner % t_.row_folds, inner / t_.row_folds};
  }

  FoldTraffic traffic(const Fold& f) const {
    const auto& m = t_.mapping;
    const uint64_t rows = std::min(r_, m.spatial_rows - f.i * r_);
    const uint64_t cols = std::min(c_, m.spatial_cols - f.j * c_);
    const uint64_t base = f.instance * (t_.folds + 1);  // tile ids distinct per instance
    FoldTraffic t{};
    switch (df_) {
      case Dataflow::kOutputStationary:
      case Dataflow::kRowStationary:  // a fold: some output rows x every filter
        t.ifmap_tile = base + f.i;
        t.ifmap_words = unique(rows * g_.k);
        t.filter_tile = base + f.j;
        t.filter_words = g_.k * cols;
        t.out_tile_words = rows * cols;
        break;
      case Dataflow::kWeightStationary:
        t.filter_tile = base + f.j * t_.row_folds + f.i;
        t.filter_words = rows * cols;
        t.ifmap_tile = base + f.i;
        t.ifmap_words = unique(g_.m * rows);
        t.out_tile_words = g_.m * cols;
        t.partial_sums = true;
        break;
      case Dataflow::kInputStationary:
        t.ifmap_tile = base + f.j * t_.row_folds + f.i;
        t.ifmap_words = unique(rows * cols);
        t.filter_tile = base + f.i;
        t.filter_words = g_.n * rows;
        t.out_tile_words = g_.n * cols;
        t.partial_sums = true;
        break;
    }
    return t;
  }

  bool last_row_fold(const Fold& f) const { return f.i + 1 == t_.row_folds; }

 private:
  uint64_t unique(uint64_t im2col_words) const {
    return static_cast<uint64_t>(std::ceil(static_cast<double>(im2col_words) * unique_ratio_));
  }
  const workloads::GemmShape& g_;
  const compute::FoldTiming& t_;
  Dataflow df_;
  uint64_t r_, c_;
  double unique_ratio_ = 1;
};

LayerTraffic::LayerTraffic(const workloads::GemmShape& gemm, const compute::FoldTiming& timing,
                           const compute::SystolicConfig& config, uint32_t word_bytes,
                           memory::TransferPort& port, uint32_t initiator, OnChip on_chip)
    : folds_(std::make_unique<LayerFolds>(gemm, timing, config)),
      port_(port),
      on_chip_(on_chip),
      word_bytes_(word_bytes),
      initiator_(initiator),
      ifmap_(config.ifmap_sram_kib * 1024 / word_bytes / 2),
      filter_(config.filter_sram_kib * 1024 / word_bytes / 2),
      ofmap_half_(config.ofmap_sram_kib * 1024 / word_bytes / 2) {
  // Operand regions a third of the memory apart, so operands do not share rows; each
  // initiator starts at its own offset inside them.
  const uint64_t third = port.capacity_bytes() / 3 / 4096 * 4096;
  region_span_ = third;
  for (int r = 0; r < 3; ++r) {
    region_base_[r] = static_cast<uint64_t>(r) * third;
    next_address_[r] = (uint64_t{initiator} * 7919 * 4096) % third;
  }
  fold_ns_ =
      static_cast<double>(timing.cycles_per_fold) * 1000.0 / static_cast<double>(config.clock_mhz);
  const uint64_t n = folds_->count();
  moves_of_fold_.reserve(n);
  for (uint64_t f = 0; f < n; ++f) {
    const FoldMoves moves = plan(f);
    const auto known = std::find(distinct_moves_.begin(), distinct_moves_.end(), moves);
    moves_of_fold_.push_back(static_cast<uint32_t>(known - distinct_moves_.begin()));
    if (known == distinct_moves_.end()) distinct_moves_.push_back(moves);
  }
  find_segments(timing);
}

// Folds repeat with period 1 (a run of folds moving the same), the row folds (a column of
// folds, SCALE-Sim's inner loop) or a whole GEMM instance. A segment of period p can leave
// about its length - 2p - 5 folds to extrapolate (two steps to enter it, a window of a period,
// the rest of the last period and the last step); from each fold a longer period is kept only when
// that beats sampling the runs it holds one by one.
void LayerTraffic::find_segments(const compute::FoldTiming& timing) {
  const uint64_t n = folds();
  auto extrapolable = [](uint64_t length, uint64_t period) {
    return static_cast<int64_t>(length) - static_cast<int64_t>(2 * period + 5);
  };
  // Runs of alike folds, and what sampling them one by one leaves to skip: gain_before[x] sums
  // it over the runs that end at or before x (x a run's start).
  std::vector<uint64_t> run_start(n), run_end(n);
  std::vector<int64_t> gain_before(n + 1, 0);
  for (uint64_t s = 0; s < n;) {
    uint64_t e = s + 1;
    while (e < n && moves_of_fold_[e] == moves_of_fold_[s]) ++e;
    for (uint64_t g = s; g < e; ++g) {
      run_start[g] = s;
      run_end[g] = e;
      gain_before[g] = gain_before[s];
    }
    gain_before[e] = gain_before[s] + std::max<int64_t>(0, extrapolable(e - s, 1));
    s = e;
  }
  auto by_runs = [&](uint64_t f, uint64_t end) {  // sampling [f, end) run by run
    auto gain = [&](uint64_t length) { return std::max<int64_t>(0, extrapolable(length, 1)); };
    if (run_end[f] >= end) return gain(end - f);
    const uint64_t last = run_start[end - 1];
    return gain(run_end[f] - f) + gain_before[last] - gain_before[run_end[f]] + gain(end - last);
  };
  // Per candidate period p, where fold g first stops moving as fold g - p (scanned once: the
  // starts only move forward).
  struct Candidate {
    uint64_t period, scanned_from = 0, stop = 0;
  };
  std::vector<Candidate> candidates;
  for (uint64_t p : {timing.row_folds, timing.folds}) {
    const bool known = std::any_of(candidates.begin(), candidates.end(),
                                   [p](const Candidate& c) { return c.period == p; });
    if (p > 1 && !known) candidates.push_back({p});
  }
  auto periodic_end = [&](Candidate& c, uint64_t from) {
    if (from < c.scanned_from || from > c.stop) {
      c.scanned_from = from;
      c.stop = from;
      while (c.stop < n && moves_of_fold_[c.stop] == moves_of_fold_[c.stop - c.period]) ++c.stop;
    }
    return std::max(from, c.stop);
  };
  for (uint64_t f = 0; f < n;) {
    Segment best{f, run_end[f], 1};
    int64_t best_advantage = 0;
    for (Candidate& c : candidates) {
      const uint64_t end = std::min(n, periodic_end(c, std::min(n, f + c.period)));
      const int64_t advantage = extrapolable(end - f, c.period) - by_runs(f, end);
      if (advantage > best_advantage) {
        best = {f, end, c.period};
        best_advantage = advantage;
      }
    }
    segments_.push_back(best);
    f = best.end;
  }
}

LayerTraffic::~LayerTraffic() = default;

uint64_t LayerTraffic::folds() const { return folds_->count(); }

FoldMoves LayerTraffic::plan(uint64_t f) {
  FoldMoves moves;
  const Fold fold = folds_->fold(f);
  const FoldTraffic t = folds_->traffic(fold);
  plan_load(moves, 0, t.ifmap_tile, ifmap_.fetch(t.ifmap_tile, t.ifmap_words),
            on_chip_.input_on_chip, result_.ifmap_words);
  plan_load(moves, 1, t.filter_tile, filter_.fetch(t.filter_tile, t.filter_words), false,
            result_.filter_words);
  // Partial sums that did not fit on chip come back for every row fold after the first.
  if (t.partial_sums && t.out_tile_words > ofmap_half_ && fold.i > 0) {
    moves.loads[moves.load_count++] = {2, false, false, t.out_tile_words};
    result_.ofmap_read_words += t.out_tile_words;
  }
  const bool last_row_fold = folds_->last_row_fold(fold);
  if (!t.partial_sums || t.out_tile_words > ofmap_half_ || last_row_fold) {
    moves.drains = true;
    if (on_chip_.keep_output && (!t.partial_sums || last_row_fold)) {
      moves.drain = {2, true, true, t.out_tile_words};  // the next layer's ifmap, kept on chip
      result_.global_buffer_writes += t.out_tile_words;
    } else {
      moves.drain = {2, true, false, t.out_tile_words};
      result_.ofmap_write_words += t.out_tile_words;
    }
  }
  return moves;
}

void LayerTraffic::plan_load(FoldMoves& moves, uint8_t region, uint64_t tile, uint64_t words,
                             bool on_chip_source, uint64_t& dram_words) {
  if (words == 0) return;
  memory::GlobalBuffer* gb = on_chip_.global_buffer;
  // Tile identities are unique per layer and operand region.
  const uint64_t key = (on_chip_.layer << 42) | (uint64_t{region} << 40) | tile;
  if (gb && (on_chip_source || gb->hit_or_insert(key, words))) {
    moves.loads[moves.load_count++] = {region, false, true, words};
    result_.global_buffer_reads += words;
    return;
  }
  moves.loads[moves.load_count++] = {region, false, false, words};
  dram_words += words;
  if (gb && words <= gb->capacity()) result_.global_buffer_writes += words;  // now held there
}

bool LayerTraffic::alike(const Segment& a, const Segment& b) const {
  if (a.period != b.period || a.end - a.first != b.end - b.first) return false;
  // A segment's moves repeat its first period's.
  for (uint64_t i = 0; i < a.period; ++i) {
    if (moves_of_fold_[a.first + i] != moves_of_fold_[b.first + i]) return false;
  }
  return true;
}

const LayerTraffic::Segment& LayerTraffic::segment_of(uint64_t fold) const {
  const auto after = std::upper_bound(segments_.begin(), segments_.end(), fold,
                                      [](uint64_t f, const Segment& s) { return f < s.first; });
  if (after == segments_.begin() || fold >= folds()) {
    throw InternalError("LayerTraffic: no such fold");
  }
  return *std::prev(after);
}

const FoldMoves& LayerTraffic::moves(uint64_t fold) const {
  if (fold >= folds()) throw InternalError("LayerTraffic: no such fold");
  return distinct_moves_[moves_of_fold_[fold]];
}

void LayerTraffic::issue(uint32_t group, const TileMove& m, double at) {
  if (m.on_chip) {
    if (port_.carries_on_chip_moves()) {
      port_.move_on_chip(group, m.write, m.words * word_bytes_, at);
    } else {
      on_chip_done_.emplace_back(group, on_chip_.global_buffer->move(m.words, at));
    }
    return;
  }
  if (m.words == 0) return;
  const uint64_t bytes = m.words * word_bytes_;
  port_.transfer(group, m.write, region_base_[m.region] + next_address_[m.region] % region_span_,
                 bytes, at, initiator_);
  next_address_[m.region] += bytes;
}

void LayerTraffic::skip(uint64_t fold, uint64_t count) {
  auto pass = [&](const TileMove& m) {
    if (!m.on_chip) next_address_[m.region] += m.words * word_bytes_;
  };
  for (uint64_t f = fold; f < fold + count; ++f) {
    const FoldMoves& m = moves(f);
    for (uint32_t l = 0; l < m.load_count; ++l) pass(m.loads[l]);
    if (m.drains) pass(m.drain);
  }
}

uint32_t LayerTraffic::prefetch(uint64_t f, double at) {
  const uint32_t g = port_.group();
  const FoldMoves& m = moves(f);
  for (uint32_t l = 0; l < m.load_count; ++l) issue(g, m.loads[l], at);
  return g;
}

uint32_t LayerTraffic::drain(uint64_t f, double at) {
  const uint32_t g = port_.group();
  const FoldMoves& m = moves(f);
  if (m.drains) issue(g, m.drain, at);
  return g;
}

double LayerTraffic::wait(uint32_t g) {
  double done = port_.wait(g);
  for (const auto& [group, at] : on_chip_done_) {
    if (group == g) done = std::max(done, at);
  }
  std::erase_if(on_chip_done_, [g](const auto& entry) { return entry.first == g; });
  return done;
}

// Fold sampling (docs/MODELS.md "Fold sampling"). A step is one iteration of the fold loop:
// fold f computes while fold f + 1's tiles load, then fold f's outputs drain. In a segment
// (LayerTraffic::Segment) whose folds repeat with period p, skipping k periods from a step
// whose folds f - 1, f and f + 1 lie in the segment leaves the same requests at the same
// offsets, the DRAM's state carrying on. The sampler then
// measures a window of whole periods and skips whole periods at the window's mean step time and
// DRAM activity (DramPort::skip), keeping the segment's last kTailSteps steps simulated.
//
// A window ends in the phase it began in: steps may alternate between short and long ones
// (loads and drains taking turns), so its last two steps must last what the two before it
// lasted (within kPhaseTolerance), or it must span kLongWindowSteps steps; and it spans
// DramPort::kWindowRefreshes refresh intervals, so that refresh stalls weigh in it about as
// much as on average. Steps may drift slowly along a segment (the addresses move on through
// rows and banks): a skip spans at most SkipRatio windows. A later segment of the layer that
// moves alike is skipped from the earlier ones' windows once they span kReuseWindows shortest
// windows (reuse_window()). The DramPort samples long transfers inside a step the same way
// (DramPort::sample_streams).
class FoldSampler::Impl {
 public:
  explicit Impl(memory::DramPort& port) : port_(port), min_window_ns_(port.min_window_ns()) {
    port.sample_streams(true);
  }

  // At the start of fold f of `layer` (at `start_ns`): the folds skipped (then `start_ns` is
  // where the first fold after them starts).
  uint64_t at_fold(LayerTraffic& layer, uint64_t f, double& start_ns) {
    // A layer's folds only go forward; a fold at or before the last one starts another layer
    // (even at the address of one freed before it).
    if (&layer != current_layer_ || f <= last_fold_) {
      current_layer_ = &layer;
      ++layer_serial_;
    }
    note_step(f, start_ns);
    const LayerTraffic::Segment& segment = layer.segment_of(f);
    if (window_open_ && (window_layer_ != layer_serial_ || window_fold_ < segment.first)) {
      window_open_ = false;  // a window left unfinished when its segment ended
    }
    const uint64_t period = segment.period;
    const uint64_t resume = segment.end - 1 - kTailSteps;  // simulated again after a skip
    const uint64_t window_steps = std::max(kWindowSteps, period);
    const bool steady = f >= segment.first + 1 + kWarmSteps && recent_ns_[0] >= 0;
    if (steady && f + period <= resume) {
      if (const uint64_t skipped = reuse_window(layer, segment, f, resume, start_ns)) {
        window_open_ = false;
        return skipped;
      }
    }
    if (!window_open_) {
      if (steady && f + window_steps + period <= resume) open_window(f, start_ns);
      return 0;
    }
    const uint64_t steps = f - window_fold_;
    const double span_ns = start_ns - window_start_ns_;
    const bool in_phase = same_phase(window_phase_ns_) || steps >= kLongWindowSteps;
    if (steps < window_steps || steps % period != 0 || span_ns < min_window_ns_ || !in_phase ||
        f >= resume) {
      return 0;
    }
    window_open_ = false;
    const uint64_t ratio = ratio_.after_window({nullptr, layer_serial_, segment.first},
                                               span_ns / static_cast<double>(steps));
    const uint64_t skipped = std::min(resume - f, ratio * steps) / period * period;
    if (skipped == 0) return 0;
    const MeasuredWindows window{layer_serial_,
                                 segment,
                                 steps,
                                 span_ns,
                                 port_.activity_at(start_ns) - window_activity_,
                                 window_phase_ns_,
                                 (window_fold_ - segment.first) % period};
    remember(layer, window);
    return skip(layer, f, skipped, window, start_ns);
  }

 private:
  static constexpr uint64_t kWarmSteps = 1, kWindowSteps = 2, kTailSteps = 1;
  static constexpr uint64_t kLongWindowSteps = 16;
  static constexpr double kPhaseTolerance = 0.01;
  // Windows measured in alike segments stand for another alike segment once they span this
  // many shortest windows (DramPort::min_window_ns()): one window's refreshes and the bank
  // states they leave may be unlike the segment's average (a design's DRAM background energy
  // came out 1.3 % off when one window stood for each later segment).
  static constexpr double kReuseWindows = 8;

  // Keeps the last two steps' durations (unknown across a skip or a layer change).
  void note_step(uint64_t f, double start_ns) {
    if (f == last_fold_ + 1 && start_ns >= last_start_ns_) {
      recent_ns_ = {recent_ns_[1], start_ns - last_start_ns_};
    } else {
      recent_ns_ = {-1, -1};
    }
    last_fold_ = f;
    last_start_ns_ = start_ns;
  }

  void open_window(uint64_t f, double start_ns) {
    window_open_ = true;
    window_layer_ = layer_serial_;
    window_fold_ = f;
    window_start_ns_ = start_ns;
    window_phase_ns_ = recent_ns_;
    window_activity_ = port_.activity_at(start_ns);
  }

  // Whether the last two steps lasted what `phase_ns` holds (within kPhaseTolerance).
  bool same_phase(const std::array<double, 2>& phase_ns) const {
    for (size_t i = 0; i < 2; ++i) {
      if (recent_ns_[i] < 0 || phase_ns[i] < 0 ||
          std::abs(recent_ns_[i] - phase_ns[i]) > kPhaseTolerance * phase_ns[i]) {
        return false;
      }
    }
    return true;
  }

  // Windows as measured: in which layer and (last) segment, their steps, time and DRAM
  // activity summed, and the phase the last began in.
  struct MeasuredWindows {
    uint64_t layer = 0;
    LayerTraffic::Segment segment{0, 0, 0};
    uint64_t steps = 0;
    double span_ns = 0;
    dram::Activity activity;
    std::array<double, 2> phase_ns{-1, -1};
    uint64_t phase_offset = 0;  // where in its period the last window began
  };

  // Adds `window` to the windows of alike segments before it, or starts afresh.
  void remember(const LayerTraffic& layer, const MeasuredWindows& window) {
    MeasuredWindows& m = measured_;
    if (m.steps == 0 || m.layer != window.layer || !layer.alike(m.segment, window.segment)) {
      m = window;
      return;
    }
    m.segment = window.segment;
    m.steps += window.steps;
    m.span_ns += window.span_ns;
    m.activity += window.activity;
    m.phase_ns = window.phase_ns;
    m.phase_offset = window.phase_offset;
  }

  // Whether the last two steps, the latter `offset` steps into its segment, move as `window`
  // did: in runs of alike folds (period 1) their mean is the window's mean step (within
  // kPhaseTolerance; steps may alternate, and where in the alternation a segment starts
  // differs); with a longer period they lie where the window's first two lay in the period and
  // lasted what those did.
  bool in_phase_with(const MeasuredWindows& window, uint64_t offset) const {
    if (recent_ns_[0] < 0) return false;
    if (window.segment.period == 1) {
      const double mean_ns = window.span_ns / static_cast<double>(window.steps);
      return std::abs((recent_ns_[0] + recent_ns_[1]) / 2 - mean_ns) <= kPhaseTolerance * mean_ns;
    }
    return offset % window.segment.period == window.phase_offset && same_phase(window.phase_ns);
  }

  // Skips `skipped` steps from fold f at `window`'s mean step time and DRAM activity.
  uint64_t skip(LayerTraffic& layer, uint64_t f, uint64_t skipped, const MeasuredWindows& window,
                double& start_ns) {
    const double per_window = static_cast<double>(skipped) / static_cast<double>(window.steps);
    const double skipped_ns = window.span_ns * per_window;
    const dram::Activity so_far = port_.activity_at(start_ns);
    port_.skip(skipped_ns, port_.extrapolated(window.activity, per_window, skipped_ns, so_far));
    layer.skip(f, skipped);
    start_ns += skipped_ns;
    // Fold f + skipped runs next, where fold f would have: the step before it (fold f - 1's) is
    // in its phase, so the next step's duration completes a pair and a window may open at once.
    last_fold_ = f + skipped;
    last_start_ns_ = start_ns;
    return skipped;
  }

  // Another segment that moves as those the last windows were measured in (same layer,
  // period, length and moves: a layer's folds repeat in alike segments between tile changes),
  // once those windows span kReuseWindows shortest windows, and whose last two steps move as
  // they did (in_phase_with): skipped up to its last steps from them, without a window of its
  // own. 0 if not.
  uint64_t reuse_window(LayerTraffic& layer, const LayerTraffic::Segment& segment, uint64_t f,
                        uint64_t resume, double& start_ns) {
    const MeasuredWindows& w = measured_;
    // alike() compares a period of moves: asked last, after the checks that cost nothing.
    if (w.steps == 0 || w.layer != layer_serial_ || w.segment.first == segment.first ||
        w.span_ns < kReuseWindows * min_window_ns_ || !in_phase_with(w, f - segment.first) ||
        !layer.alike(w.segment, segment)) {
      return 0;
    }
    const uint64_t skipped = (resume - f) / segment.period * segment.period;
    return skipped == 0 ? 0 : skip(layer, f, skipped, w, start_ns);
  }

  memory::DramPort& port_;
  double min_window_ns_;
  // The open window.
  bool window_open_ = false;
  uint64_t window_layer_ = 0;
  uint64_t window_fold_ = 0;
  double window_start_ns_ = 0;
  std::array<double, 2> window_phase_ns_{-1, -1};
  dram::Activity window_activity_;
  // The last steps.
  std::array<double, 2> recent_ns_{-1, -1};
  uint64_t last_fold_ = 0;
  double last_start_ns_ = 0;
  SkipRatio ratio_;
  MeasuredWindows measured_;  // the windows skips were made from in the last alike segments
  // Layers told apart (at_fold).
  const LayerTraffic* current_layer_ = nullptr;
  uint64_t layer_serial_ = 0;
};

uint64_t SkipRatio::after_window(const Segment& segment, double mean_step_ns) {
  const bool agrees = segment == last_ &&
                      std::abs(mean_step_ns - last_mean_step_ns_) <= kDrift * last_mean_step_ns_;
  ratio_ = agrees ? ratio_ * kGrowth : kFirst;
  last_ = segment;
  last_mean_step_ns_ = mean_step_ns;
  return ratio_;
}

FoldSampler::FoldSampler(memory::DramPort& port) : impl_(std::make_unique<Impl>(port)) {}
FoldSampler::~FoldSampler() = default;
uint64_t FoldSampler::at_fold(LayerTraffic& layer, uint64_t fold, double& start_ns) {
  return impl_->at_fold(layer, fold, start_ns);
}

std::vector<DramLayerResult> run_network_on_dram(const std::vector<DramLayerPlan>& layers,
                                                 const compute::SystolicConfig& config,
                                                 uint32_t word_bytes, memory::TransferPort& port,
                                                 bool overlap_layers, memory::DramPort* sampled) {
  std::vector<DramLayerResult> results;
  if (layers.empty()) return results;
  std::optional<memory::GlobalBuffer> gb;
  if (config.global_buffer_kib > 0) {
    gb.emplace(config.global_buffer_kib * 1024 / word_bytes, config.global_buffer_words_per_cycle,
               1000.0 / static_cast<double>(config.clock_mhz));
  }
  // A layer keeps its outputs on chip when they and the next layer's ifmap fit in half the
  // buffer (the other half keeps caching tiles).
  auto keeps_output = [&](size_t l) {
    if (!gb || l + 1 >= layers.size()) return false;
    const uint64_t half = gb->capacity() / 2;
    return LayerTraffic::output_words(layers[l].gemm) <= half &&
           layers[l + 1].gemm.ifmap_words * layers[l + 1].gemm.instances <= half;
  };
  auto traffic = [&](size_t l) {
    const OnChip on_chip{gb ? &*gb : nullptr, l, l > 0 && keeps_output(l - 1), keeps_output(l)};
    return std::make_unique<LayerTraffic>(layers[l].gemm, layers[l].timing, config, word_bytes,
                                          port, 0, on_chip);
  };
  std::optional<FoldSampler> sampler;
  if (sampled) sampler.emplace(*sampled);
  std::unique_ptr<LayerTraffic> layer = traffic(0);
  std::unique_ptr<LayerTraffic> next_layer;
  std::unique_ptr<LayerTraffic> retired;  // with overlap: owns the last drain still in flight
  double layer_start = 0;
  double start = layer->wait(layer->prefetch(0, layer_start));
  uint32_t previous_drain = 0;
  LayerTraffic* previous_drain_owner = nullptr;
  for (size_t l = 0; l < layers.size(); ++l) {
    const uint64_t n = layer->folds();
    const bool overlap_next = overlap_layers && l + 1 < layers.size();
    double end = start;
    for (uint64_t f = 0; f < n; ++f) {
      if (sampler) f += sampler->at_fold(*layer, f, start);
      end = start + layer->fold_ns();
      // The next fold's tiles load while this fold computes (with overlap, across layers).
      LayerTraffic* loader = nullptr;
      uint32_t next_load = 0;
      if (f + 1 < n) {
        loader = layer.get();
        next_load = layer->prefetch(f + 1, start);
      } else if (overlap_next) {
        next_layer = traffic(l + 1);
        loader = next_layer.get();
        next_load = next_layer->prefetch(0, start);
      }
      const uint32_t this_drain = layer->drain(f, end);
      double next_start = end;
      if (loader) next_start = std::max(next_start, loader->wait(next_load));
      if (previous_drain_owner) {
        next_start = std::max(next_start, previous_drain_owner->wait(previous_drain));
      }
      previous_drain = this_drain;
      previous_drain_owner = layer.get();
      start = next_start;
    }
    DramLayerResult result = layer->result();
    result.start_ns = layer_start;
    if (overlap_next) {
      result.end_ns = start;  // the next layer's first fold starts here
      results.push_back(result);
      // The last drain is waited for by the next layer's first fold: keep its owner alive.
      retired = std::move(layer);
      layer = std::move(next_layer);
    } else {
      result.end_ns = std::max(end, layer->wait(previous_drain));
      results.push_back(result);
      previous_drain_owner = nullptr;
      if (l + 1 < layers.size()) {
        layer = traffic(l + 1);
        start = layer->wait(layer->prefetch(0, result.end_ns));
      }
    }
    layer_start = result.end_ns;
  }
  return results;
}

}  // namespace accelgym::accel
