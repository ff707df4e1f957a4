// Statistics for comparing searchers over seeds (`accelgym compare`, docs/SEARCH.md): medians
// with bootstrap confidence intervals, and a rank test of one searcher's results against
// another's. Deterministic: the bootstrap draws from a seeded generator.
#pragma once

#include <cstdint>
#include <vector>

namespace accelgym::agents {

// The q-quantile, linear between order statistics (q = 0.5: the median). `values` not empty.
double quantile(std::vector<double> values, double q);

struct Interval {
  double low = 0, high = 0;
};

// Percentile bootstrap interval of the median at `confidence` (e.g. 0.95): `resamples`
// resamples with replacement drawn from Rng(seed).
Interval bootstrap_median_interval(const std::vector<double>& values, double confidence = 0.95,
                                   uint32_t resamples = 10000, uint64_t seed = 0);

// 1-based ranks of `values`, ties sharing their mean rank, and the ties' correction term
// sum(t^3 - t) over tie groups of size t.
struct Midranks {
  std::vector<double> rank;
  double tie_term = 0;
};
Midranks midranks(const std::vector<double>& values);

// Normal scores: each value's midrank r (of n) mapped to the standard normal quantile of
// (r - 1/2) / n. Keeps only the order of the values (a Gaussian copula), so a few far outliers
// cannot squash the differences among the rest.
std::vector<double> normal_scores(const std::vector<double>& values);

// Two-sided Mann-Whitney U test (Wilcoxon rank-sum) of x against y: the p-value of "neither
// tends to be smaller", by the normal approximation with tie and continuity corrections (as
// scipy.stats.mannwhitneyu(method="asymptotic")). 1 when every value ties.
double mann_whitney_p(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace accelgym::agents
