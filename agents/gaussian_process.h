// Gaussian-process regression as Bayesian optimisation uses it: a Matern-5/2 kernel with one
// lengthscale per input coordinate (ARD) and unit signal variance, over targets the caller has
// standardised, with Gaussian observation noise. The same model as scikit-learn's
// GaussianProcessRegressor(Matern(length_scale, nu=2.5), alpha=noise, optimizer=None), which
// tests/python/test_gaussian_process.py checks it against.
//
// Costs: fit() O(n^3) once; add() O(n^2) (the Cholesky factor grows by one row, for batches
// chosen by "kriging believer"); predict() O(m n^2) for m points as blocked matrix products,
// the distances of all pairs from one matrix product (no per-pair transcendental calls
// beyond one exp per kernel entry).
#pragma once

#include <Eigen/Core>
#include <vector>

namespace accelgym::agents {

class GaussianProcess {
 public:
  // `lengthscales` has one entry per input coordinate (columns of the inputs); the noise
  // variance is added to the kernel's diagonal.
  GaussianProcess(const Eigen::VectorXd& lengthscales, double noise_variance);
  // With weight w > 0 the kernel is (1 - w) k_ARD + w k_additive: k_additive is the mean over
  // design dimensions of a one-dimensional kernel (Matern 5/2 on an ordinal coordinate, 1 when
  // a categorical dimension's one-hot coordinates agree), so what one design says about a knob
  // value reaches every design sharing it (additive GPs, Duvenaud et al., NeurIPS 2011): with
  // a few observations in a dozen dimensions the ARD product alone predicts the prior mean
  // almost everywhere. `values[c]` is 0 for a one-hot coordinate and the number of values of
  // an ordinal one (at positions i / (values - 1)); `dimensions` counts the design dimensions.
  // An ordinal coordinate's kernel over its few values is factorised once (L L' = K), so
  // k_additive is one matrix product of per-value feature rows, not an exp per pair and knob.
  GaussianProcess(const Eigen::VectorXd& lengthscales, double noise_variance,
                  double additive_weight, const std::vector<size_t>& values, size_t dimensions);

  // Conditions on (inputs row i, targets[i]); returns the log marginal likelihood, or -inf if
  // the kernel matrix is not positive definite (the model is then unusable).
  double fit(const Eigen::MatrixXd& inputs, const Eigen::VectorXd& targets);
  // One more observation, keeping the earlier factorisation; false (model unchanged) if it
  // would make the kernel matrix singular.
  bool add(const Eigen::VectorXd& input, double target);

  // Posterior mean and standard deviation of the latent function (noise excluded) at each row
  // of `points`.
  void predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean, Eigen::VectorXd& sd) const;

  // The kernel between the rows of a and b (unscaled inputs), for tests.
  Eigen::MatrixXd kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  long size() const { return scaled_.rows(); }

 private:
  Eigen::MatrixXd scaled_kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  void update_weights();

  Eigen::RowVectorXd inverse_lengthscales_;
  double noise_variance_;
  Eigen::MatrixXd additive_features(const Eigen::MatrixXd& scaled) const;

  double additive_weight_ = 0;
  std::vector<size_t> values_;            // per coordinate: 0 one-hot, else ordinal values
  std::vector<Eigen::MatrixXd> factors_;  // per ordinal coordinate: L of its values' kernel
  std::vector<long> feature_offset_;      // per coordinate: its first feature column
  long features_ = 0;
  double dimensions_ = 1;
  Eigen::MatrixXd scaled_;  // the inputs divided by the lengthscales, a row per observation
  Eigen::VectorXd targets_;
  Eigen::MatrixXd lower_;    // Cholesky factor of K + noise I (lower triangle used)
  Eigen::VectorXd weights_;  // (K + noise I)^-1 targets
};

}  // namespace accelgym::agents
