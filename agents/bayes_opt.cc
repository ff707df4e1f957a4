#include "agents/bayes_opt.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <set>

#include "agents/gaussian_process.h"
#include "agents/statistics.h"
#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {

using Eigen::VectorXd;

constexpr double kPi = 3.14159265358979323846;

// Encodes designs as points in [0, 1]^D: one coordinate per ordinal dimension, one per value
// of a categorical one. `dimension_of` maps each coordinate to its dimension (ARD per dimension).
class Encoder {
 public:
  explicit Encoder(const DesignSpace& space) : space_(space) {
    for (size_t d = 0; d < space.num_dimensions(); ++d) {
      const bool categorical = space.dimension(d).kind() == v1::Dimension::CATEGORICAL;
      const size_t width = categorical ? space.cardinality(d) : 1;
      offset_.push_back(size_);
      for (size_t k = 0; k < width; ++k) dimension_of_.push_back(d);
      values_.insert(values_.end(), width, categorical ? 0 : space.cardinality(d));
      size_ += width;
    }
  }
  size_t size() const { return size_; }
  size_t dimension_of(size_t coordinate) const { return dimension_of_[coordinate]; }
  const std::vector<size_t>& values() const { return values_; }
  VectorXd encode(const IndexVector& p) const {
    VectorXd x = VectorXd::Zero(static_cast<long>(size_));
    for (size_t d = 0; d < p.size(); ++d) {
      const size_t n = space_.cardinality(d);
      if (space_.dimension(d).kind() == v1::Dimension::CATEGORICAL) {
        x[static_cast<long>(offset_[d] + p[d])] = 1.0;
      } else {
        x[static_cast<long>(offset_[d])] =
            n > 1 ? static_cast<double>(p[d]) / static_cast<double>(n - 1) : 0.0;
      }
    }
    return x;
  }

 private:
  const DesignSpace& space_;
  std::vector<size_t> offset_, dimension_of_;
  std::vector<size_t> values_;  // per coordinate: 0 one-hot, else the ordinal dimension's values
  size_t size_ = 0;
};

struct Hyper {
  std::vector<double> log_lengthscale;  // per design dimension (ARD)
  double log_noise = std::log(1e-3);
  double additive = 0;  // the additive kernel's weight (GaussianProcess); 0 for the reward's
};

// The model's data: encoded designs (a row each), their rewards and which results they are.
struct Data {
  Eigen::MatrixXd xs;
  std::vector<double> ys;
  std::vector<size_t> results;  // indices into what the searcher was told
};

// A design's acquisition, for many designs at once (higher is better).
using Score = std::function<std::vector<double>(const std::vector<IndexVector>&)>;

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * kPi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
// log Phi(z), finite far into the lower tail (erfc underflows below z ~ -37).
double log_normal_cdf(double z) {
  if (z > -30) return std::log(normal_cdf(z));
  return -0.5 * z * z - std::log(-z) - 0.5 * std::log(2 * kPi);
}

class BayesOpt : public Searcher {
 public:
  BayesOpt(const DesignSpace& space, uint64_t seed, const Options& o)
      : space_(space), enc_(space), rng_(seed) {
    // 6 initial designs, not the reference's ~10: the model then guides evaluations 7-10, where
    // targets met by a few % of designs are met (docs/SEARCH.md "Initial designs").
    initial_ = static_cast<size_t>(option_number(o, "initial", 6, 1, 1e6));
    candidates_ = static_cast<size_t>(option_number(o, "candidates", 500, 10, 1e6));
    beta_ = option_number(o, "beta", 1.8, 0, 100);
    refit_every_ = static_cast<size_t>(option_number(o, "refit_every", 10, 1, 1e6));
    max_points_ = static_cast<size_t>(option_number(o, "max_points", 256, 8, 1e5));
    fit_points_ = static_cast<size_t>(option_number(o, "fit_points", 128, 8, 1e5));
    acquisition_ = option_choice(o, "acquisition", {"ei", "ucb"});
    const std::string warp = option_choice(o, "warp", {"log", "ranks", "none"});
    warp_ = warp == "log" ? Warp::kLog : warp == "ranks" ? Warp::kRanks : Warp::kNone;
    model_targets_ = option_choice(o, "model", {"targets", "reward"}) == "targets";
    additive_ = option_number(o, "additive", 0.75, 0, 1);
    avoid_constraints_ = avoid_declared_constraints(o);
    hyper_.log_lengthscale.assign(space.num_dimensions(), std::log(0.5));
  }

  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    // Space-filling start: a Latin-hypercube-like stratified sample of the indices.
    while (out.size() < n && asked_ < initial_) {
      IndexVector p = stratified(asked_++);
      if (!keeps_constraints(p)) p = fresh_random();
      seen_.insert(p);
      out.push_back(std::move(p));
    }
    if (out.size() == n) return out;
    std::optional<Belief> belief = believe();
    if (!belief) {  // nothing to model yet, or degenerate data: explore instead
      while (out.size() < n) out.push_back(fresh_random());
      return out;
    }
    const Score score = [&](const std::vector<IndexVector>& ps) {
      return this->score(*belief, ps);
    };
    choose_batch(belief->models, score, n, out);  // which grows the models by believed points
    return out;
  }

  // What the searcher believes about the designs: its models of what it was told, and how it
  // scores a design with them (score()). Nothing while fewer than two designs were valid, or
  // when the data are degenerate (a kernel matrix not positive definite).
  struct Belief {
    std::vector<GaussianProcess> models;  // the reward's, or one per target's margin
    std::vector<double> limit;            // per target's model: its margin 0, standardised
    double best_y = 0;                    // the reward's model: the best standardised reward
  };

  std::optional<Belief> believe() {
    if (valid_.size() < 2) return std::nullopt;
    const Data data = local_data();
    const bool refit = refit_due();
    if (const size_t targets = model_targets_ ? targets_to_model(margins_) : 0) {
      return believe_targets(data, targets, refit);
    }
    if (refit || !reward_fitted_) {  // also on the first ask after the targets' models
      reward_fitted_ = true;
      const long rows = std::min(static_cast<long>(fit_points_), data.xs.rows());
      fit_hyperparameters(data.xs.topRows(rows),
                          standardise({data.ys.begin(), data.ys.begin() + rows}), hyper_);
    }
    GaussianProcess gp = model_of(hyper_);
    const Eigen::VectorXd y = standardise(data.ys);
    if (!std::isfinite(gp.fit(data.xs, y))) return std::nullopt;
    Belief belief;
    belief.best_y = y.maxCoeff();
    belief.models.push_back(std::move(gp));
    return belief;
  }

  // Each design's value under the belief's models: the targets' probability of feasibility
  // (in logs), or the reward's EI or UCB.
  std::vector<double> score(const Belief& belief, const std::vector<IndexVector>& ps) const {
    const std::vector<GaussianProcess>& models = belief.models;
    if (belief.limit.empty()) return acquisition(models[0], ps, belief.best_y);
    Eigen::MatrixXd x(static_cast<long>(ps.size()), static_cast<long>(enc_.size()));
    for (size_t i = 0; i < ps.size(); ++i) x.row(static_cast<long>(i)) = enc_.encode(ps[i]);
    std::vector<double> log_probability(ps.size(), 0.0);
    for (size_t k = 0; k < models.size(); ++k) {
      Eigen::VectorXd mean, sd;
      models[k].predict(x, mean, sd);
      for (size_t i = 0; i < ps.size(); ++i) {
        const long row = static_cast<long>(i);
        log_probability[i] +=
            log_normal_cdf((belief.limit[k] - mean[row]) / std::max(sd[row], 1e-9));
      }
    }
    return log_probability;
  }

  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      seen_.insert(r.design);
      margins_.push_back(r.valid ? r.margins : std::vector<double>{});
      if (r.valid) {
        if (valid_.empty() || r.reward > ys_[incumbent_]) incumbent_ = ys_.size();
        valid_.push_back(ys_.size());
      }
      xs_.push_back(enc_.encode(r.design));
      designs_.push_back(r.design);
      // Invalid designs are modelled at the worst valid reward (imputed in local_data()).
      ys_.push_back(r.valid ? r.reward : std::numeric_limits<double>::quiet_NaN());
    }
  }

 private:
  IndexVector stratified(size_t i) {
    IndexVector p(space_.num_dimensions());
    for (size_t d = 0; d < p.size(); ++d) {
      if (strata_.size() <= d) strata_.emplace_back();
      auto& perm = strata_[d];
      if (perm.empty()) {
        for (size_t k = 0; k < initial_; ++k) perm.push_back(k);
        for (size_t k = perm.size(); k > 1; --k) std::swap(perm[k - 1], perm[rng_.uniform(k)]);
      }
      const double u = (static_cast<double>(perm[i % perm.size()]) + rng_.uniform01()) /
                       static_cast<double>(initial_);
      p[d] = std::min(static_cast<uint32_t>(u * static_cast<double>(space_.cardinality(d))),
                      static_cast<uint32_t>(space_.cardinality(d) - 1));
    }
    return space_.canonical(p);
  }

  bool keeps_constraints(const IndexVector& p) const {
    return !avoid_constraints_ || space_.satisfies_constraints(p);
  }

  IndexVector fresh_random() {
    IndexVector p = space_.sample(rng_);
    for (int attempt = 0; attempt < 32 && (seen_.count(p) || !keeps_constraints(p)); ++attempt) {
      p = space_.sample(rng_);
    }
    seen_.insert(p);
    return p;
  }

  GaussianProcess model_of(const Hyper& h) const {
    return GaussianProcess(lengthscales(h), std::exp(h.log_noise), h.additive, enc_.values(),
                           space_.num_dimensions());
  }

  Eigen::VectorXd lengthscales(const Hyper& h) const {
    Eigen::VectorXd l(static_cast<long>(enc_.size()));
    for (size_t c = 0; c < enc_.size(); ++c) {
      l[static_cast<long>(c)] = std::exp(h.log_lengthscale[enc_.dimension_of(c)]);
    }
    return l;
  }

  // The rewards as the GP models them: warped, then zero mean and unit spread. Rewards are
  // target violations (sim/env/reward.h): a few hopeless designs (violations up to the clip,
  // 10) would leave the near misses, which differ by thousandths, indistinguishable to the
  // model. warp=log: -log(1 + violation / kLogWarpScale), which spreads the near misses and
  // packs the hopeless ones together; warp=ranks: the normal scores of the rewards.
  Eigen::VectorXd standardise(const std::vector<double>& rewards) const {
    std::vector<double> ys = rewards;
    if (warp_ == Warp::kRanks) ys = normal_scores(rewards);
    if (warp_ == Warp::kLog) {
      for (double& y : ys) y = -std::log1p(std::max(0.0, -y) / kLogWarpScale);
    }
    const auto [mean, population_sd] = mean_sd(ys);
    const double sd = population_sd + 1e-12;
    Eigen::VectorXd y(static_cast<long>(ys.size()));
    for (size_t i = 0; i < ys.size(); ++i) y[static_cast<long>(i)] = (ys[i] - mean) / sd;
    return y;
  }

  // Kriging believer: each chosen design joins every model at its predicted mean, so the next
  // choice of the batch goes elsewhere.
  void choose_batch(std::vector<GaussianProcess>& models, const Score& score, size_t n,
                    std::vector<IndexVector>& out) {
    const IndexVector incumbent = designs_[incumbent_];
    while (out.size() < n) {
      const IndexVector chosen = maximise_acquisition(score, incumbent);
      const Eigen::RowVectorXd x = enc_.encode(chosen).transpose();
      for (auto& gp : models) {
        Eigen::VectorXd mean, sd;
        gp.predict(x, mean, sd);
        gp.add(x.transpose(), mean[0]);  // a singular update leaves the model as it was
      }
      seen_.insert(chosen);
      out.push_back(chosen);
      ++asked_;
    }
  }

  // model=targets: while no design meets every target, one GP per target models its margin
  // (env::RewardConfig::margins: log(metric / limit), <= 0 when met) and the next design is
  // the one most likely to meet them all: the product over targets of P(margin <= 0), the
  // probability of feasibility of constrained BO (Gardner et al., ICML 2014). The summed
  // reward hides which target a near miss misses and by how much; each metric alone (area from
  // the array and buffer sizes, latency from the dataflow and bandwidth) is a smoother
  // function of the knobs. Once a design meets them all the reward model takes over.
  // (targets_to_model(): with one target its margin says what the reward says.)

  // Target k's margins of the first `rows` observations of `data` as its model sees them:
  // the reward's log warp on both sides of 0 (near misses and near hits spread apart, at the
  // scale of the nearest one), zero mean and unit spread; invalid designs at the worst valid
  // margin. Appends the standardised margin 0 to `limit`.
  Eigen::VectorXd warped_margins(size_t k, const Data& data, long rows,
                                 std::vector<double>& limit) const {
    double worst = -std::numeric_limits<double>::infinity();
    double nearest = std::numeric_limits<double>::infinity();
    for (size_t i : valid_) {
      worst = std::max(worst, margins_[i][k]);
      nearest = std::min(nearest, std::abs(margins_[i][k]));
    }
    const double scale = std::max(kLogWarpScale, nearest);
    std::vector<double> margin;
    for (long row = 0; row < rows; ++row) {
      const auto& m = margins_[data.results[static_cast<size_t>(row)]];
      const double g = m.empty() ? worst : m[k];
      margin.push_back(std::copysign(std::log1p(std::abs(g) / scale), g));
    }
    const auto [mean, population_sd] = mean_sd(margin);
    const double sd = population_sd + 1e-12;
    Eigen::VectorXd y(rows);
    for (long i = 0; i < rows; ++i) y[i] = (margin[static_cast<size_t>(i)] - mean) / sd;
    limit.push_back(-mean / sd);
    return y;
  }

  std::optional<Belief> believe_targets(const Data& data, size_t count, bool refit) {
    if (target_hyper_.size() != count) {
      Hyper start = hyper_;
      start.additive = additive_;
      target_hyper_.assign(count, start);
    }
    // The targets' models see the kTargetPoints nearest observations: one model per target
    // would otherwise cost that many times the reward's at long histories.
    const long rows = std::min(static_cast<long>(kTargetPoints), data.xs.rows());
    Belief belief;
    for (size_t k = 0; k < count; ++k) {
      const Eigen::VectorXd y = warped_margins(k, data, rows, belief.limit);
      if (refit) {
        const long fit_rows = std::min(static_cast<long>(fit_points_), rows);
        fit_hyperparameters(data.xs.topRows(fit_rows), y.head(fit_rows), target_hyper_[k]);
      }
      belief.models.push_back(model_of(target_hyper_[k]));
      if (!std::isfinite(belief.models.back().fit(data.xs.topRows(rows), y))) return std::nullopt;
    }
    return belief;
  }

  // What the model sees: the max_points observations nearest the incumbent (the best valid
  // design) under the current lengthscales, nearest first (all of them while there are at
  // most max_points): beyond that a local model around the region being refined, which costs
  // the same at any history length. Invalid designs carry the worst valid reward.
  Data local_data() const {
    const Eigen::VectorXd inverse = lengthscales(hyper_).cwiseInverse();
    const Eigen::VectorXd& centre = xs_[incumbent_];
    std::vector<std::pair<double, size_t>> by_distance;
    for (size_t i = 0; i < xs_.size(); ++i) {
      by_distance.emplace_back((xs_[i] - centre).cwiseProduct(inverse).squaredNorm(), i);
    }
    const size_t count = std::min(max_points_, by_distance.size());
    std::partial_sort(by_distance.begin(), by_distance.begin() + static_cast<long>(count),
                      by_distance.end());
    double worst = std::numeric_limits<double>::infinity();
    for (size_t i : valid_) worst = std::min(worst, ys_[i]);
    Data data;
    data.xs.resize(static_cast<long>(count), static_cast<long>(enc_.size()));
    for (size_t row = 0; row < count; ++row) {
      const size_t i = by_distance[row].second;
      data.xs.row(static_cast<long>(row)) = xs_[i].transpose();
      data.ys.push_back(std::isnan(ys_[i]) ? worst : ys_[i]);
      data.results.push_back(i);
    }
    return data;
  }

  // Hyperparameters are refitted every refit_every observations.
  bool refit_due() {
    if (fitted_at_ && ys_.size() < fitted_at_ + refit_every_) return false;
    fitted_at_ = ys_.size();
    return true;
  }

  // Coordinate search on log lengthscales and log noise maximising the marginal likelihood of
  // (xs, y), the fit_points observations nearest the incumbent (each trial factorises their
  // kernel matrix: O(fit_points^3)).
  void fit_hyperparameters(const Eigen::MatrixXd& xs, const Eigen::VectorXd& y,
                           Hyper& hyper) const {
    auto lml = [&](const Hyper& h) { return model_of(h).fit(xs, y); };
    double best = lml(hyper);
    for (int round = 0; round < 3; ++round) {
      for (size_t d = 0; d <= hyper.log_lengthscale.size(); ++d) {
        for (double step : {std::log(2.0), -std::log(2.0)}) {
          Hyper trial = hyper;
          double& param =
              d < trial.log_lengthscale.size() ? trial.log_lengthscale[d] : trial.log_noise;
          param = std::clamp(param + step, std::log(1e-3), std::log(1e3));
          const double value = lml(trial);
          if (value > best) {
            best = value;
            hyper = trial;
          }
        }
      }
    }
  }

  // The acquisition of each design, predicted together (one matrix solve for all).
  std::vector<double> acquisition(const GaussianProcess& gp, const std::vector<IndexVector>& ps,
                                  double best_y) const {
    Eigen::MatrixXd x(static_cast<long>(ps.size()), static_cast<long>(enc_.size()));
    for (size_t i = 0; i < ps.size(); ++i) x.row(static_cast<long>(i)) = enc_.encode(ps[i]);
    Eigen::VectorXd mean, sd;
    gp.predict(x, mean, sd);
    std::vector<double> value(ps.size());
    for (size_t i = 0; i < ps.size(); ++i) {
      const double m = mean[static_cast<long>(i)], s = sd[static_cast<long>(i)];
      if (acquisition_ == "ucb") {
        value[i] = m + beta_ * s;
      } else {
        const double z = (m - best_y) / s;
        value[i] = (m - best_y) * normal_cdf(z) + s * normal_pdf(z);  // expected improvement
      }
    }
    return value;
  }

  // The designs among `ps` that may be proposed: unseen, and keeping the declared constraints.
  std::vector<IndexVector> proposable(std::vector<IndexVector> ps) const {
    std::erase_if(
        ps, [&](const IndexVector& p) { return seen_.count(p) > 0 || !keeps_constraints(p); });
    return ps;
  }

  // Random candidates and the incumbent's neighbours; hill-climbing from the best five.
  IndexVector maximise_acquisition(const Score& score, const IndexVector& incumbent) {
    std::vector<IndexVector> random;
    for (size_t i = 0; i < candidates_; ++i) random.push_back(space_.sample(rng_));
    std::vector<IndexVector> starts = proposable(std::move(random));
    for (auto& p : proposable(space_.neighbours(incumbent))) starts.push_back(std::move(p));
    const std::vector<double> value = score(starts);
    std::vector<size_t> order(starts.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return value[a] > value[b]; });
    if (order.size() > 5) order.resize(5);
    IndexVector best;
    double best_value = -std::numeric_limits<double>::infinity();
    for (size_t start : order) {
      IndexVector p = starts[start];
      double v = value[start];
      for (int climb = 0; climb < 20 && climb_once(score, p, v); ++climb) {
      }
      if (v > best_value) {
        best_value = v;
        best = p;
      }
    }
    return best.empty() ? fresh_random() : best;
  }

  // Moves p to its best proposable neighbour if that improves the acquisition.
  bool climb_once(const Score& score, IndexVector& p, double& value) const {
    const std::vector<IndexVector> next = proposable(space_.neighbours(p));
    if (next.empty()) return false;
    const std::vector<double> v = score(next);
    const size_t best = static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
    if (!(v[best] > value)) return false;
    value = v[best];
    p = next[best];
    return true;
  }

  const DesignSpace& space_;
  Encoder enc_;
  Rng rng_;
  size_t initial_, candidates_, refit_every_, max_points_, fit_points_;
  double beta_;
  std::string acquisition_;
  enum class Warp { kLog, kRanks, kNone };
  Warp warp_;               // how rewards are warped before the GP models them (standardise())
  bool model_targets_;      // model=targets: a GP per target's margin (ask_by_targets())
  double additive_;         // the additive kernel's weight (GaussianProcess)
  bool avoid_constraints_;  // constraints=avoid: propose only designs keeping them
  static constexpr double kLogWarpScale = 1e-3;  // a violation of 0.1 % of a target
  static constexpr size_t kTargetPoints = 64;    // observations each target's model sees
  Hyper hyper_;
  std::vector<Hyper> target_hyper_;  // one per target under model=targets
  size_t fitted_at_ = 0;
  bool reward_fitted_ = false;  // hyper_ fitted at least once
  size_t asked_ = 0;
  std::vector<std::vector<size_t>> strata_;
  std::vector<Eigen::VectorXd> xs_;  // every design told, encoded
  std::vector<IndexVector> designs_;
  std::vector<double> ys_;                    // rewards; NaN for invalid designs
  std::vector<std::vector<double>> margins_;  // per result; empty for invalid designs
  std::vector<size_t> valid_;                 // indices of valid designs
  size_t incumbent_ = 0;                      // the best valid design's index
  std::set<IndexVector> seen_;
};

class BoCritic : public DesignCritic {
 public:
  // Seed 0: the critic only models and scores, it never draws designs.
  explicit BoCritic(const DesignSpace& space) : bo_(space, 0, {}) {}
  void tell(const std::vector<Told>& results) override { bo_.tell(results); }
  bool refresh() override {
    belief_ = bo_.believe();
    return belief_.has_value();
  }
  std::vector<double> score(const std::vector<IndexVector>& designs) const override {
    if (!belief_) throw InternalError("DesignCritic::score() before a successful refresh()");
    return bo_.score(*belief_, designs);
  }

 private:
  BayesOpt bo_;
  std::optional<BayesOpt::Belief> belief_;
};

}  // namespace

std::unique_ptr<DesignCritic> make_bo_critic(const DesignSpace& space) {
  return std::make_unique<BoCritic>(space);
}

std::unique_ptr<Searcher> make_bayes_opt(const DesignSpace& space, uint64_t seed,
                                         const Options& o) {
  check_options("bo", o,
                {"initial", "candidates", "beta", "acquisition", "warp", "model", "additive",
                 "refit_every", "max_points", "fit_points", "constraints"});
  return std::make_unique<BayesOpt>(space, seed, o);
}

}  // namespace accelgym::agents
