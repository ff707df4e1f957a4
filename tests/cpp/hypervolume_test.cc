// agents/hypervolume.h (pagmo) against areas computed by hand.
#include "agents/hypervolume.h"

#include <gtest/gtest.h>

namespace accelgym::agents {
namespace {

TEST(Hypervolume, AreasByHand) {
  // One point (1, 1) below (2, 2): a unit square.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1}}, {2, 2}), 1.0);
  // A staircase (0.5, 1.5), (1, 1), (1.5, 0.5) under (2, 2): 1.5 x 0.5 + 1 x 0.5 + 0.5 x 0.5.
  EXPECT_DOUBLE_EQ(hypervolume({{0.5, 1.5}, {1, 1}, {1.5, 0.5}}, {2, 2}), 1.5);
  // A dominated point adds nothing; a point beyond the reference is left out.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1}, {1.5, 1.5}, {3, 0}}, {2, 2}), 1.0);
  EXPECT_EQ(hypervolume({{2, 1}}, {2, 2}), 0.0);
  EXPECT_EQ(hypervolume({}, {2, 2}), 0.0);
  // Three objectives: a unit cube.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1}}, {2, 2, 2}), 1.0);
}

}  // namespace
}  // namespace accelgym::agents
