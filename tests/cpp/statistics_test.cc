// agents/statistics.h against values computed by hand and by scipy.stats 1.10 (Debian 12).
#include "agents/statistics.h"

#include <gtest/gtest.h>

#include <vector>

namespace accelgym::agents {
namespace {

TEST(Statistics, QuantilesInterpolateBetweenOrderStatistics) {
  EXPECT_EQ(quantile({5, 1, 3}, 0.5), 3);
  EXPECT_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_EQ(quantile({1, 2, 3, 4, 5}, 0.25), 2);
}

TEST(Statistics, MannWhitneyMatchesScipyAsymptotic) {
  // scipy.stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True).pvalue
  EXPECT_NEAR(mann_whitney_p({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}), 0.012185780355344813, 1e-12);
  // With ties (midranks, tie-corrected variance).
  EXPECT_NEAR(mann_whitney_p({3, 5, 5, 9, 12, 12, 12}, {4, 5, 8, 12, 12, 13, 13, 13}),
              0.25933163285141925, 1e-12);
  EXPECT_EQ(mann_whitney_p({7, 7, 7}, {7, 7}), 1.0);  // every value tied
  // Symmetric in its arguments.
  EXPECT_DOUBLE_EQ(mann_whitney_p({1, 4, 9}, {2, 3, 10, 11}),
                   mann_whitney_p({2, 3, 10, 11}, {1, 4, 9}));
}

TEST(Statistics, MidranksAndNormalScores) {
  // scipy.stats.rankdata (midranks) and norm.ppf((rank - 0.5) / n).
  const std::vector<double> values{10, -5, 3, 3, -1e9};
  const Midranks ranks = midranks(values);
  EXPECT_EQ(ranks.rank, (std::vector<double>{5, 2, 3.5, 3.5, 1}));
  EXPECT_EQ(ranks.tie_term, 6);  // one pair: 2^3 - 2
  const std::vector<double> scores = normal_scores(values);
  const std::vector<double> expected{1.2815515655446004, -0.5244005127080409, 0.2533471031357997,
                                     0.2533471031357997, -1.2815515655446004};
  ASSERT_EQ(scores.size(), expected.size());
  for (size_t i = 0; i < scores.size(); ++i) EXPECT_NEAR(scores[i], expected[i], 1e-12) << i;
}

TEST(Statistics, BootstrapIntervalOfTheMedian) {
  const auto constant = bootstrap_median_interval({4, 4, 4, 4});
  EXPECT_EQ(constant.low, 4);
  EXPECT_EQ(constant.high, 4);
  std::vector<double> values;
  for (int i = 1; i <= 31; ++i) values.push_back(i);
  const auto ci = bootstrap_median_interval(values);
  // The median is 16; a 95 % interval of the median of 31 values spans about +-2 standard
  // errors (~ 1.25 * 8.9 / sqrt(31) * 2 ~ 4) around it, within the sample's range.
  EXPECT_LT(ci.low, 16);
  EXPECT_GT(ci.high, 16);
  EXPECT_GE(ci.low, 10);
  EXPECT_LE(ci.high, 22);
  const auto again = bootstrap_median_interval(values);  // seeded: bit for bit the same
  EXPECT_EQ(again.low, ci.low);
  EXPECT_EQ(again.high, ci.high);
}

}  // namespace
}  // namespace accelgym::agents
