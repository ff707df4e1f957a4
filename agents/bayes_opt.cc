#include "agents/bayes_opt.h"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kPi = 3.14159265358979323846;

// Encodes designs as points in [0, 1]^D: one coordinate per ordinal dimension, one per value
// of a categorical one. `feature_of` maps each coordinate to its dimension (ARD per dimension).
class Encoder {
 public:
  explicit Encoder(const DesignSpace& space) : space_(space) {
    for (size_t d = 0; d < space.num_dimensions(); ++d) {
      const bool categorical = space.dimension(d).kind() == v1::Dimension::CATEGORICAL;
      const size_t width = categorical ? space.cardinality(d) : 1;
      offset_.push_back(size_);
      for (size_t k = 0; k < width; ++k) dimension_of_.push_back(d);
      size_ += width;
    }
  }
  size_t size() const { return size_; }
  size_t dimension_of(size_t coordinate) const { return dimension_of_[coordinate]; }
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
  size_t size_ = 0;
};

struct Hyper {
  std::vector<double> log_lengthscale;  // per design dimension (ARD)
  double log_noise = std::log(1e-3);
};

class Gp {
 public:
  Gp(const Encoder& enc, const Hyper& h) : enc_(enc), h_(h) {}

  double kernel(const VectorXd& a, const VectorXd& b) const {
    double r2 = 0;
    for (long i = 0; i < a.size(); ++i) {
      const double l = std::exp(h_.log_lengthscale[enc_.dimension_of(static_cast<size_t>(i))]);
      const double diff = (a[i] - b[i]) / l;
      r2 += diff * diff;
    }
    const double r = std::sqrt(5.0 * r2);
    return (1.0 + r + r * r / 3.0) * std::exp(-r);  // Matern 5/2, unit signal variance
  }

  // Fits to standardised targets; returns the log marginal likelihood (-inf if singular).
  double fit(const std::vector<VectorXd>& xs, const VectorXd& y) {
    xs_ = xs;
    const long n = static_cast<long>(xs.size());
    MatrixXd k(n, n);
    for (long i = 0; i < n; ++i) {
      for (long j = 0; j <= i; ++j)
        k(i, j) = k(j, i) = kernel(xs[static_cast<size_t>(i)], xs[static_cast<size_t>(j)]);
      k(i, i) += std::exp(h_.log_noise) + 1e-9;
    }
    chol_.compute(k);
    if (chol_.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
    alpha_ = chol_.solve(y);
    const double log_det = 2.0 * chol_.matrixL().toDenseMatrix().diagonal().array().log().sum();
    return -0.5 * y.dot(alpha_) - 0.5 * log_det - 0.5 * static_cast<double>(n) * std::log(2 * kPi);
  }

  void predict(const VectorXd& x, double* mean, double* sd) const {
    const long n = static_cast<long>(xs_.size());
    VectorXd ks(n);
    for (long i = 0; i < n; ++i) ks[i] = kernel(x, xs_[static_cast<size_t>(i)]);
    *mean = ks.dot(alpha_);
    const VectorXd v = chol_.matrixL().solve(ks);
    *sd = std::sqrt(std::max(1e-12, 1.0 - v.squaredNorm()));
  }

 private:
  const Encoder& enc_;
  Hyper h_;
  std::vector<VectorXd> xs_;
  Eigen::LLT<MatrixXd> chol_;
  VectorXd alpha_;
};

double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * kPi); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

class BayesOpt : public Searcher {
 public:
  BayesOpt(const DesignSpace& space, uint64_t seed, const Options& o)
      : space_(space), enc_(space), rng_(seed) {
    initial_ = static_cast<size_t>(option_number(o, "initial", 10, 1, 1e6));
    candidates_ = static_cast<size_t>(option_number(o, "candidates", 500, 10, 1e6));
    beta_ = option_number(o, "beta", 1.8, 0, 100);
    refit_every_ = static_cast<size_t>(option_number(o, "refit_every", 10, 1, 1e6));
    const auto it = o.find("acquisition");
    acquisition_ = it == o.end() ? "ei" : it->second;
    if (acquisition_ != "ei" && acquisition_ != "ucb") {
      throw InputError("bo: acquisition must be ei or ucb, got '" + acquisition_ + "'");
    }
    hyper_.log_lengthscale.assign(space.num_dimensions(), std::log(0.5));
  }

  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    // Space-filling start: a Latin-hypercube-like stratified sample of the indices.
    while (out.size() < n && asked_ < initial_) {
      out.push_back(stratified(asked_++));
      seen_.insert(out.back());
    }
    if (out.size() == n) return out;
    if (xs_.size() < 2) {  // nothing to model yet: keep sampling
      while (out.size() < n) out.push_back(fresh_random());
      return out;
    }
    fit_model();
    // Kriging believer: chosen points join the data at their predicted mean.
    std::vector<VectorXd> xs;
    std::vector<double> ys;
    model_data(&xs, &ys);
    while (out.size() < n) {
      Gp gp(enc_, hyper_);
      VectorXd y = standardise(ys);
      gp.fit(xs, y);
      const IndexVector best =
          maximise_acquisition(gp, *std::max_element(y.data(), y.data() + y.size()));
      double mean, sd;
      gp.predict(enc_.encode(best), &mean, &sd);
      xs.push_back(enc_.encode(best));
      ys.push_back(mean * y_sd_ + y_mean_);
      seen_.insert(best);
      out.push_back(best);
      ++asked_;
    }
    return out;
  }

  void tell(const std::vector<Told>& results) override {
    for (const auto& r : results) {
      seen_.insert(r.design);
      if (r.valid) {
        xs_.push_back(enc_.encode(r.design));
        ys_.push_back(r.reward);
      } else {
        invalid_.push_back(enc_.encode(r.design));  // imputed with the worst valid reward
      }
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

  IndexVector fresh_random() {
    IndexVector p = space_.sample(rng_);
    for (int attempt = 0; attempt < 32 && seen_.count(p); ++attempt) p = space_.sample(rng_);
    seen_.insert(p);
    return p;
  }

  VectorXd standardise(const std::vector<double>& ys) {
    const auto [mean, population_sd] = mean_sd(ys);
    const double sd = population_sd + 1e-12;
    y_mean_ = mean;
    y_sd_ = sd;
    VectorXd y(static_cast<long>(ys.size()));
    for (size_t i = 0; i < ys.size(); ++i) y[static_cast<long>(i)] = (ys[i] - mean) / sd;
    return y;
  }

  // The modelled data: valid results, then invalid designs at the worst valid reward.
  void model_data(std::vector<VectorXd>* xs, std::vector<double>* ys) const {
    *xs = xs_;
    *ys = ys_;
    const double worst = *std::min_element(ys_.begin(), ys_.end());
    for (const auto& x : invalid_) {
      xs->push_back(x);
      ys->push_back(worst);
    }
  }

  // Coordinate search on log lengthscales and log noise, maximising the marginal likelihood.
  void fit_model() {
    std::vector<VectorXd> xs;
    std::vector<double> ys;
    model_data(&xs, &ys);
    if (fitted_at_ && xs.size() < fitted_at_ + refit_every_) return;
    fitted_at_ = xs.size();
    const VectorXd y = standardise(ys);
    auto lml = [&](const Hyper& h) { return Gp(enc_, h).fit(xs, y); };
    double best = lml(hyper_);
    for (int round = 0; round < 3; ++round) {
      for (size_t d = 0; d <= hyper_.log_lengthscale.size(); ++d) {
        for (double step : {std::log(2.0), -std::log(2.0)}) {
          Hyper trial = hyper_;
          double& param =
              d < trial.log_lengthscale.size() ? trial.log_lengthscale[d] : trial.log_noise;
          param = std::clamp(param + step, std::log(1e-3), std::log(1e3));
          const double value = lml(trial);
          if (value > best) {
            best = value;
            hyper_ = trial;
          }
        }
      }
    }
  }

  double acquisition(const Gp& gp, const IndexVector& p, double best_y) const {
    double mean, sd;
    gp.predict(enc_.encode(p), &mean, &sd);
    if (acquisition_ == "ucb") return mean + beta_ * sd;
    const double z = (mean - best_y) / sd;
    return (mean - best_y) * normal_cdf(z) + sd * normal_pdf(z);  // expected improvement
  }

  IndexVector maximise_acquisition(const Gp& gp, double best_y) {
    std::vector<std::pair<double, IndexVector>> scored;
    for (size_t i = 0; i < candidates_; ++i) {
      IndexVector p = space_.sample(rng_);
      if (seen_.count(p)) continue;
      scored.emplace_back(acquisition(gp, p, best_y), std::move(p));
    }
    // Start hill-climbing from the best few random candidates and the best designs seen.
    std::sort(scored.begin(), scored.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    if (scored.size() > 5) scored.resize(5);
    IndexVector best;
    double best_value = -std::numeric_limits<double>::infinity();
    for (auto [value, p] : scored) {
      for (int climb = 0; climb < 20; ++climb) {
        bool improved = false;
        for (const auto& q : space_.neighbours(p)) {
          if (seen_.count(q)) continue;
          const double v = acquisition(gp, q, best_y);
          if (v > value) {
            value = v;
            p = q;
            improved = true;
          }
        }
        if (!improved) break;
      }
      if (value > best_value && !seen_.count(p)) {
        best_value = value;
        best = p;
      }
    }
    return best.empty() ? fresh_random() : best;
  }

  const DesignSpace& space_;
  Encoder enc_;
  Rng rng_;
  size_t initial_, candidates_, refit_every_;
  double beta_;
  std::string acquisition_;
  Hyper hyper_;
  size_t fitted_at_ = 0;
  size_t asked_ = 0;
  std::vector<std::vector<size_t>> strata_;
  std::vector<VectorXd> xs_, invalid_;
  std::vector<double> ys_;
  std::set<IndexVector> seen_;
  double y_mean_ = 0, y_sd_ = 1;
};

}  // namespace

std::unique_ptr<Searcher> make_bayes_opt(const DesignSpace& space, uint64_t seed,
                                         const Options& o) {
  check_options("bo", o, {"initial", "candidates", "beta", "acquisition", "refit_every"});
  return std::make_unique<BayesOpt>(space, seed, o);
}

}  // namespace accelgym::agents
