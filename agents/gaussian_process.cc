#include "agents/gaussian_process.h"

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "sim/core/errors.h"

namespace accelgym::agents {
namespace {
constexpr double kLog2Pi = 1.8378770664093454836;  // log(2 pi)
// Keeps the factorisation of nearly repeated inputs possible (as scikit-learn's alpha does).
constexpr double kJitter = 1e-9;
}  // namespace

GaussianProcess::GaussianProcess(const Eigen::VectorXd& lengthscales, double noise_variance)
    : inverse_lengthscales_(lengthscales.cwiseInverse().transpose()),
      noise_variance_(noise_variance) {
  if ((lengthscales.array() <= 0).any() || !(noise_variance >= 0)) {
    throw InternalError("Gaussian process: lengthscales must be > 0 and noise >= 0");
  }
}

namespace {
// Matern 5/2 of distances r already divided by the lengthscale: (1 + s + s^2 / 3) e^-s with
// s = sqrt(5) r.
Eigen::ArrayXXd matern52(const Eigen::ArrayXXd& r) {
  const Eigen::ArrayXXd s = std::sqrt(5.0) * r;
  return (1.0 + s + s.square() / 3.0) * (-s).exp();
}
}  // namespace

GaussianProcess::GaussianProcess(const Eigen::VectorXd& lengthscales, double noise_variance,
                                 double additive_weight, const std::vector<size_t>& values,
                                 size_t dimensions)
    : GaussianProcess(lengthscales, noise_variance) {
  if (!(additive_weight >= 0 && additive_weight <= 1) ||
      values.size() != static_cast<size_t>(lengthscales.size()) || dimensions == 0) {
    throw InternalError("Gaussian process: additive weight in [0, 1], one count per coordinate");
  }
  additive_weight_ = additive_weight;
  values_ = values;
  dimensions_ = static_cast<double>(dimensions);
  for (size_t c = 0; c < values.size(); ++c) {
    feature_offset_.push_back(features_);
    const long n = static_cast<long>(values[c]);
    if (n == 0) {  // one-hot: the coordinate itself
      factors_.emplace_back();
      features_ += 1;
      continue;
    }
    const double step = n > 1 ? 1.0 / static_cast<double>(n - 1) : 0.0;
    Eigen::ArrayXXd distance(n, n);
    for (long u = 0; u < n; ++u) {
      for (long v = 0; v < n; ++v) distance(u, v) = std::abs(static_cast<double>(u - v)) * step;
    }
    Eigen::MatrixXd k = matern52(distance / lengthscales[static_cast<long>(c)]).matrix();
    k.diagonal().array() += kJitter;
    factors_.push_back(Eigen::LLT<Eigen::MatrixXd>(k).matrixL());
    features_ += n;
  }
}

// Each row's additive features (from inputs divided by the lengthscales): a one-hot coordinate
// itself; an ordinal coordinate's value's row of its factor.
Eigen::MatrixXd GaussianProcess::additive_features(const Eigen::MatrixXd& scaled) const {
  Eigen::MatrixXd f = Eigen::MatrixXd::Zero(scaled.rows(), features_);
  for (size_t c = 0; c < values_.size(); ++c) {
    const long col = static_cast<long>(c);
    const Eigen::VectorXd x = scaled.col(col) / inverse_lengthscales_[col];
    if (values_[c] == 0) {
      f.col(feature_offset_[c]) = x;
      continue;
    }
    const long n = static_cast<long>(values_[c]);
    for (long r = 0; r < scaled.rows(); ++r) {
      const long value =
          std::clamp(static_cast<long>(std::lround(x[r] * static_cast<double>(n - 1))), 0L, n - 1);
      f.row(r).segment(feature_offset_[c], n) = factors_[c].row(value);
    }
  }
  return f;
}

// On inputs already divided by the lengthscales. Squared distances as |a|^2 + |b|^2 - 2 a.b:
// one matrix product for all pairs.
Eigen::MatrixXd GaussianProcess::scaled_kernel(const Eigen::MatrixXd& a,
                                               const Eigen::MatrixXd& b) const {
  Eigen::MatrixXd r2 = -2.0 * a * b.transpose();
  r2.colwise() += a.rowwise().squaredNorm();
  r2.rowwise() += b.rowwise().squaredNorm().transpose();
  const Eigen::ArrayXXd s = (5.0 * r2.array().max(0.0)).sqrt();  // Matern 5/2, as matern52()
  Eigen::MatrixXd k = ((1.0 + s + s.square() / 3.0) * (-s).exp()).matrix();
  if (additive_weight_ == 0) return k;
  k *= 1 - additive_weight_;
  k.noalias() +=
      (additive_weight_ / dimensions_) * additive_features(a) * additive_features(b).transpose();
  return k;
}

Eigen::MatrixXd GaussianProcess::kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const {
  return scaled_kernel(a.array().rowwise() * inverse_lengthscales_.array(),
                       b.array().rowwise() * inverse_lengthscales_.array());
}

double GaussianProcess::fit(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& targets) {
  if (inputs.cols() != inverse_lengthscales_.size() || inputs.rows() != targets.size()) {
    throw InternalError("Gaussian process: inputs and targets do not match the lengthscales");
  }
  scaled_ = inputs.array().rowwise() * inverse_lengthscales_.array();
  targets_ = targets;
  Eigen::MatrixXd k = scaled_kernel(scaled_, scaled_);
  k.diagonal().array() += noise_variance_ + kJitter;
  Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) {
    scaled_.resize(0, inputs.cols());
    return -std::numeric_limits<double>::infinity();
  }
  lower_ = llt.matrixL();
  update_weights();
  const double log_det = 2.0 * lower_.diagonal().array().log().sum();
  return -0.5 * targets_.dot(weights_) - 0.5 * log_det -
         0.5 * static_cast<double>(targets_.size()) * kLog2Pi;
}

void GaussianProcess::update_weights() {
  weights_ = lower_.triangularView<Eigen::Lower>().solve(targets_);
  lower_.triangularView<Eigen::Lower>().transpose().solveInPlace(weights_);
}

// With K' = [K k; k' c], L' = [L 0; l' d] where L l = k and d = sqrt(c - l.l).
bool GaussianProcess::add(const Eigen::VectorXd& input, double target) {
  const Eigen::RowVectorXd x = input.transpose().array() * inverse_lengthscales_.array();
  const long n = scaled_.rows();
  const Eigen::VectorXd k = scaled_kernel(scaled_, x);
  const Eigen::VectorXd l = lower_.triangularView<Eigen::Lower>().solve(k);
  const double d2 = 1.0 + noise_variance_ + kJitter - l.squaredNorm();
  if (!(d2 > 0)) return false;
  scaled_.conservativeResize(n + 1, Eigen::NoChange);
  scaled_.row(n) = x;
  targets_.conservativeResize(n + 1);
  targets_[n] = target;
  lower_.conservativeResize(n + 1, n + 1);
  lower_.row(n).head(n) = l.transpose();
  lower_.col(n).head(n).setZero();
  lower_(n, n) = std::sqrt(d2);
  update_weights();
  return true;
}

void GaussianProcess::predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
                              Eigen::VectorXd& sd) const {
  const Eigen::MatrixXd cross =
      scaled_kernel(points.array().rowwise() * inverse_lengthscales_.array(), scaled_);
  mean = cross * weights_;
  const Eigen::MatrixXd v = lower_.triangularView<Eigen::Lower>().solve(cross.transpose());
  sd = (1.0 - v.colwise().squaredNorm().transpose().array()).max(1e-12).sqrt().matrix();
}

}  // namespace accelgym::agents
