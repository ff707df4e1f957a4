#include "agents/statistics.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/normal.hpp>

#include "sim/core/errors.h"
#include "sim/core/rng.h"

namespace accelgym::agents {

double quantile(std::vector<double> values, double q) {
  if (values.empty()) throw InternalError("quantile of no values");
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(pos);
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Interval bootstrap_median_interval(const std::vector<double>& values, double confidence,
                                   uint32_t resamples, uint64_t seed) {
  if (values.empty() || resamples == 0) throw InternalError("bootstrap of no values");
  Rng rng(seed);
  std::vector<double> medians(resamples), draw(values.size());
  for (auto& median : medians) {
    for (auto& v : draw) v = values[rng.uniform(values.size())];
    median = quantile(draw, 0.5);
  }
  const double tail = (1 - confidence) / 2;
  return {quantile(medians, tail), quantile(medians, 1 - tail)};
}

Midranks midranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  Midranks out{std::vector<double>(values.size()), 0};
  for (size_t first = 0; first < order.size();) {
    size_t last = first + 1;
    while (last < order.size() && values[order[last]] == values[order[first]]) ++last;
    const auto count = static_cast<double>(last - first);
    for (size_t k = first; k < last; ++k) {
      out.rank[order[k]] = static_cast<double>(first + 1) + (count - 1) / 2;
    }
    out.tie_term += count * count * count - count;
    first = last;
  }
  return out;
}

std::vector<double> normal_scores(const std::vector<double>& values) {
  const std::vector<double> rank = midranks(values).rank;
  const boost::math::normal standard;
  const auto n = static_cast<double>(values.size());
  std::vector<double> scores(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    scores[i] = boost::math::quantile(standard, (rank[i] - 0.5) / n);
  }
  return scores;
}

double mann_whitney_p(const std::vector<double>& x, const std::vector<double>& y) {
  const double n1 = static_cast<double>(x.size()), n2 = static_cast<double>(y.size());
  if (x.empty() || y.empty()) throw InternalError("rank test of no values");
  // Midranks over the pooled sample, and the tie groups' sizes.
  std::vector<double> pooled(x);
  pooled.insert(pooled.end(), y.begin(), y.end());
  const Midranks ranks = midranks(pooled);
  double rank_sum = 0;
  for (size_t i = 0; i < x.size(); ++i) rank_sum += ranks.rank[i];
  const double tie_term = ranks.tie_term;
  const double u = rank_sum - n1 * (n1 + 1) / 2;
  const double n = n1 + n2;
  const double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (variance <= 0) return 1;
  const double z = std::max(0.0, std::fabs(u - n1 * n2 / 2) - 0.5) / std::sqrt(variance);
  const boost::math::normal standard;
  return std::min(1.0, 2 * boost::math::cdf(boost::math::complement(standard, z)));
}

}  // namespace accelgym::agents
