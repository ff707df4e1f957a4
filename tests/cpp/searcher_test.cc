// Searchers on synthetic spaces with known optima: better than random on the median of
// seeds, deterministic by seed, exact after checkpoint and resume, robust to failures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "agents/gaussian_process.h"
#include "agents/nsga2_tpe.h"
#include "agents/policy_gradient.h"
#include "agents/runner.h"
#include "sim/core/errors.h"
#include "sim/core/param.h"

namespace accelgym::agents {
namespace {

// latency_ns = 1 + (squared distance to the optimum) / 50; designs with x0 = 7 and x1 = 7
// cannot be built (INVALID) and x0 = 0 with mode "c" crashes (FAILED).
class Bowl : public env::Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    const int64_t opt[6] = {5, 2, 6, 1, 3, 4};
    double dist = 0;
    for (int i = 0; i < 6; ++i) {
      const double x = static_cast<double>(d.get_int("x" + std::to_string(i)) - opt[i]);
      dist += x * x;
    }
    if (d.get_string("mode") != "b") dist += 3;
    if (d.get_int("x0") == 7 && d.get_int("x1") == 7)
      throw InputError("x0 = x1 = 7 cannot be built");
    if (d.get_int("x0") == 0 && d.get_string("mode") == "c") throw std::runtime_error("crash");
    v1::Metrics m;
    m.set_latency_ns(1 + dist / 50);
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

std::unique_ptr<env::Env> bowl_env(int values = 8) {
  v1::DesignSpaceSpec spec;
  spec.set_name("bowl");
  for (int i = 0; i < 6; ++i) {
    *spec.add_dimensions() =
        Param::integer("x" + std::to_string(i), 0, values - 1).group(i < 3 ? "a" : "b");
  }
  *spec.add_dimensions() = Param::categorical("mode", {"a", "b", "c", "d"}).group("b");
  env::RewardConfig reward;
  reward.targets = {env::parse_target("latency_ns<=1")};
  return std::make_unique<env::Env>("bowl", DesignSpace(spec), std::make_shared<Bowl>(), reward, 1);
}

double best_reward(const std::string& agent, uint64_t seed, uint64_t budget, Options o = {}) {
  auto env = bowl_env();
  CheckpointedSearcher searcher(agent, env->space(), seed, o);
  SearchOptions options;
  options.budget = budget;
  options.seed = seed;
  options.batch = agent == "aco" ? 8 : 1;  // an ant colony learns per batch of ants
  return run_search(*env, searcher, options).best.reward();
}

double median_best(const std::string& agent, uint64_t budget) {
  std::vector<double> v;
  for (uint64_t seed = 1; seed <= 5; ++seed) v.push_back(best_reward(agent, seed, budget));
  std::sort(v.begin(), v.end());
  return v[2];
}

TEST(Searchers, ModelBasedAndEvolutionaryBeatRandomOnTheMedian) {
  const uint64_t budget = 120;
  const double random = median_best("random", budget);
  EXPECT_LT(random, -0.05);  // random search does not find the optimum of 262 144 points
  for (const char* agent : {"walk", "ga", "aco", "bo", "marl", "ppo", "nsga2", "tpe"}) {
    const double m = median_best(agent, budget);
    EXPECT_GT(m, random) << agent << " median " << m << " vs random " << random;
  }
  // BO reaches the exact optimum (reward 0) within the budget; the walk ends within one
  // knob step of it (one unit of squared distance: -1/50).
  EXPECT_EQ(median_best("bo", budget), 0.0);
  EXPECT_GE(median_best("walk", budget), -0.02 - 1e-12);
}

// marl is multi-agent on every space: one learner per knob by default, each crediting its own
// action, so on the bowl (two groups) and on a one-group space alike it learns differently from
// ppo's single learner.
TEST(Searchers, MarlHasOneLearnerPerKnobAndDiffersFromPpo) {
  auto designs = [](const std::string& agent, const Options& o, bool one_group) {
    auto env = bowl_env();
    v1::DesignSpaceSpec spec = env->space().spec();
    if (one_group) {
      for (auto& d : *spec.mutable_dimensions()) d.set_group("all");
    }
    const DesignSpace space(spec);
    auto searcher = make_searcher(agent, space, 3, o);
    std::vector<IndexVector> asked;
    Rng rng(0);
    for (int round = 0; round < 6; ++round) {  // batches of 16: five policy updates
      const auto batch = searcher->ask(16);
      std::vector<Told> told;
      for (const auto& d : batch) {
        const double reward = -static_cast<double>(d[0] + d[3]) + rng.uniform01();
        told.push_back({d, reward, true, {}, {}});
      }
      searcher->tell(told);
      asked.insert(asked.end(), batch.begin(), batch.end());
    }
    return asked;
  };
  EXPECT_NE(designs("marl", {}, true), designs("ppo", {}, true));
  EXPECT_NE(designs("marl", {}, false), designs("ppo", {}, false));
  EXPECT_NE(designs("marl", {{"split", "group"}}, false), designs("marl", {}, false));
  EXPECT_THROW(make_searcher("marl", bowl_env()->space(), 0, {{"split", "rank"}}), InputError);
}

// Rank utilities, derived by hand: rewards order first; the three results tied at the clip
// (-10) are ordered by their objective's rank among all five (20 before 50 before the invalid
// result, which has none); identical results share their mean rank.
TEST(Searchers, RankUtilitiesOrderByRewardThenObjectives) {
  EXPECT_EQ(rank_utilities({0, -10, -10, -3, -10}, {{1}, {50}, {20}, {5}, {}}),
            (std::vector<double>{2, -1, 0, 1, -2}));
  EXPECT_EQ(rank_utilities({-1, -1, 0}, {{3, 2}, {3, 2}, {9, 9}}),
            (std::vector<double>{-0.5, -0.5, 1}));
  // Two objectives: ranks summed (1 + 0 against 0 + 2), so the first is better.
  EXPECT_EQ(rank_utilities({-10, -10, -10}, {{2, 1}, {1, 3}, {3, 2}}),
            (std::vector<double>{1, 0, -1}));
}

// With every reward tied at the clip, only the objectives tell designs apart: with rank
// utilities (the default) marl learns to lower the objective; from rewards alone it cannot.
// marl's learners alone: no critic, and the entropy bonus and redraws marl had before it.
const Options kMarlWithoutCritic{{"critic", "none"}, {"entropy", "0.05"}, {"resample", "0"}};

TEST(Searchers, MarlLearnsFromObjectivesWhenRewardsTieAtTheClip) {
  auto mean_objective_last_round = [](const Options& o) {
    auto env = bowl_env();
    auto searcher = make_searcher("marl", env->space(), 7, o);
    double sum = 0;
    for (int round = 0; round < 12; ++round) {
      const auto batch = searcher->ask(16);
      std::vector<Told> told;
      sum = 0;
      for (const auto& d : batch) {
        const double objective = static_cast<double>(d[0] + d[3]);
        told.push_back({d, -10.0, true, {objective}, {}});
        sum += objective;
      }
      searcher->tell(told);
    }
    return sum / 16;
  };
  // The learners alone (a critic here would learn from the tied rewards only: these results
  // carry no margins).
  const Options& learners = kMarlWithoutCritic;
  Options rewards{learners};
  rewards["utility"] = "reward";
  const double ranked = mean_objective_last_round(learners),
               rewards_only = mean_objective_last_round(rewards);
  EXPECT_LT(ranked, 3.0);  // uniform choices average 7
  EXPECT_GT(rewards_only, 5.0);
  EXPECT_THROW(make_searcher("marl", bowl_env()->space(), 0, {{"utility", "best"}}), InputError);
}

// Ordered knobs (option ordered=trend, the default) learn a slope and curvature over their
// values beside each value's logit: a batch that finds small values better also lifts the
// small values it did not try. On x0 of the bowl (8 ordered values, the objective x0 itself),
// after two rounds of 16 designs (eight updates) the third round's mean choice, 3.5 when
// uniform, is far lower with the trend than without.
TEST(Searchers, MarlCarriesWhatItLearnsAlongOrderedKnobs) {
  auto mean_x0_third_round = [](const std::string& agent, const Options& o) {
    auto env = bowl_env();
    double sum = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {  // five searches' third rounds
      auto searcher = make_searcher(agent, env->space(), seed, o);
      for (int round = 0; round < 3; ++round) {
        const auto batch = searcher->ask(16);
        std::vector<Told> told;
        for (const auto& d : batch) {
          const double objective = static_cast<double>(d[0]);
          told.push_back({d, -objective, true, {objective}, {}});
          if (round == 2) sum += objective;
        }
        searcher->tell(told);
      }
    }
    return sum / (5 * 16);
  };
  for (const char* agent : {"marl", "ppo"}) {
    // marl's learners alone; ppo's defaults.
    Options o = agent == std::string("marl") ? kMarlWithoutCritic : Options{};
    const double trend = mean_x0_third_round(agent, o);
    o["ordered"] = "none";
    const double none = mean_x0_third_round(agent, o);
    // marl 1.33 against 2.04, ppo 0.93 against 2.60 (the seeds fix them).
    EXPECT_LT(trend, 1.5) << agent;
    EXPECT_LT(trend, 0.7 * none) << agent;
  }
  EXPECT_THROW(make_searcher("marl", bowl_env()->space(), 0, {{"ordered", "linear"}}), InputError);
}

// marl's episodes carry state: nothing is observed at an episode's first step and the state
// weights start at zero, so one-step and 8-step episodes ask the same first two batches; once
// the weights learn from observations, the 8-step learners' choices depend on what the previous
// step's design scored and the runs part.
TEST(Searchers, MarlEpisodesObserveThePreviousStep) {
  auto designs = [](const Options& o) {
    auto env = bowl_env();
    auto searcher = make_searcher("marl", env->space(), 5, o);
    std::vector<IndexVector> asked;
    for (int round = 0; round < 6; ++round) {
      const auto batch = searcher->ask(16);
      std::vector<Told> told;
      for (const auto& d : batch) {
        const double reward = -static_cast<double>(d[0] + d[3]);
        told.push_back({d, reward, true, {reward, static_cast<double>(d[1])}, {}});
      }
      searcher->tell(told);
      asked.insert(asked.end(), batch.begin(), batch.end());
    }
    return asked;
  };
  const auto one_step = designs({{"horizon", "1"}}), episodes = designs({});
  ASSERT_EQ(one_step.size(), 96u);
  EXPECT_TRUE(std::equal(one_step.begin(), one_step.begin() + 32, episodes.begin()));
  EXPECT_NE(one_step, episodes);
  EXPECT_EQ(episodes, designs({{"horizon", "8"}}));  // the default, deterministic by seed
  EXPECT_THROW(make_searcher("marl", bowl_env()->space(), 0, {{"horizon", "0"}}), InputError);
}

TEST(Searchers, GridIsExhaustiveAndFindsTheOptimum) {
  auto env = bowl_env(5);
  CheckpointedSearcher coarse("grid", env->space(), 0, {{"points", "3"}});
  SearchOptions o;
  o.budget = 100000;
  const auto r = run_search(*env, coarse, o);
  EXPECT_EQ(r.evaluations, 3u * 3 * 3 * 3 * 3 * 3 * 4);  // 3 values per ordinal knob, all modes
  // Exhaustive over a restricted space: x0..x3 fixed at their optimum, x4, x5 and mode free.
  auto full_env = bowl_env(7);
  v1::SpaceRestriction fix;
  const int opt[4] = {5, 2, 6, 1};
  for (int i = 0; i < 4; ++i) {
    (*fix.mutable_dimensions())["x" + std::to_string(i)].mutable_fixed()->set_number_value(opt[i]);
  }
  const DesignSpace small = full_env->space().restricted(fix, "test");
  env::Env small_env("bowl-small", small, std::make_shared<Bowl>(), full_env->reward_config(), 1);
  CheckpointedSearcher full("grid", small_env.space(), 0, {});
  o.budget = 1000;
  const auto all = run_search(small_env, full, o);
  EXPECT_EQ(all.evaluations, 7u * 7 * 4);  // then the grid is exhausted
  EXPECT_EQ(all.best.reward(), 0.0);
}

TEST(Searchers, SameSeedSameDesigns) {
  for (const auto& name : searcher_names()) {
    auto env = bowl_env();
    CheckpointedSearcher a(name, env->space(), 42, {});
    CheckpointedSearcher b(name, env->space(), 42, {});
    SearchOptions o;
    o.budget = 30;
    o.seed = 42;
    const auto ra = run_search(*env, a, o);
    const auto rb = run_search(*env, b, o);
    EXPECT_EQ(ra.best_so_far, rb.best_so_far) << name;
  }
}

// An ant colony's global update is per colony of `ants`, not per batch the caller asks: asked
// one at a time it must search as when asked a colony at a time (it once deposited on every
// single ant and locked onto its first designs).
TEST(Searchers, AntColonyDoesNotDependOnTheBatch) {
  auto env = bowl_env();
  std::vector<std::vector<double>> curves;
  for (const size_t batch : {size_t{1}, size_t{16}}) {
    CheckpointedSearcher s("aco", env->space(), 5, {});
    SearchOptions o;
    o.budget = 96;
    o.seed = 5;
    o.batch = batch;
    curves.push_back(run_search(*env, s, o).best_so_far);
  }
  EXPECT_EQ(curves[0], curves[1]);
  EXPECT_GT(curves[0].back(), curves[0][15]);  // it learns past the first colony
}

TEST(Searchers, CheckpointThenResumeEqualsAnUninterruptedRun) {
  for (const auto& name : searcher_names()) {
    if (name == "grid") continue;  // covered: its state is its position, replayed the same way
    auto env = bowl_env();
    SearchOptions o;
    o.budget = 25;
    o.seed = 3;
    CheckpointedSearcher whole(name, env->space(), 3, {});
    run_search(*env, whole, o);
    const auto next_whole = whole.ask(4);

    CheckpointedSearcher first(name, env->space(), 3, {});
    run_search(*env, first, o);
    const v1::SearchCheckpoint saved = first.checkpoint();
    CheckpointedSearcher resumed(saved, env->space());
    EXPECT_EQ(resumed.ask(4), next_whole) << name;
  }
}

TEST(Searchers, FailuresAndInvalidDesignsAreToldAndCounted) {
  auto env = bowl_env();
  for (const auto& name : searcher_names()) {
    CheckpointedSearcher s(name, env->space(), 7, {});
    SearchOptions o;
    o.budget = 200;
    o.seed = 7;
    const auto r = run_search(*env, s, o);
    EXPECT_EQ(r.valid + r.invalid + r.failed, r.evaluations) << name;
    EXPECT_TRUE(r.have_best) << name;
  }
  // Random search over 200 designs meets both kinds (1/64 and 1/32 of the space).
  CheckpointedSearcher random("random", env->space(), 7, {});
  SearchOptions o;
  o.budget = 400;
  const auto r = run_search(*env, random, o);
  EXPECT_GT(r.invalid, 0u);
  EXPECT_GT(r.failed, 0u);
}

TEST(Searchers, OptionsAreChecked) {
  auto env = bowl_env();
  EXPECT_THROW(make_searcher("nsga9", env->space(), 0), InputError);
  EXPECT_THROW(make_searcher("ga", env->space(), 0, {{"populaton", "8"}}), InputError);
  EXPECT_THROW(make_searcher("ga", env->space(), 0, {{"population", "-3"}}), InputError);
  EXPECT_THROW(make_searcher("bo", env->space(), 0, {{"acquisition", "pi"}}), InputError);
  EXPECT_THROW(make_searcher("bo", env->space(), 0, {{"model", "margins"}}), InputError);
  EXPECT_THROW(make_searcher("bo", env->space(), 0, {{"additive", "1.5"}}), InputError);
  EXPECT_THROW(make_searcher("tpe", env->space(), 0, {{"model", "both"}}), InputError);
  EXPECT_NO_THROW(make_searcher("bo", env->space(), 0, {{"acquisition", "ucb"}, {"beta", "2"}}));
  // A choice option's error names the option, its values and what was given.
  try {
    make_searcher("marl", env->space(), 0, {{"split", "agent"}});
    ADD_FAILURE() << "split=agent accepted";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "searcher option 'split' must be knob or group, got 'agent'");
  }
}

// Designs bo asks for over `rounds` asks of one on the bowl's space, told rewards
// transform(-(squared distance of x0..x5 to 4, ..., 4)).
std::vector<IndexVector> bo_asks(const Options& o, double (*transform)(double), int rounds) {
  auto env = bowl_env();
  auto bo = make_searcher("bo", env->space(), 3, o);
  std::vector<IndexVector> asked;
  for (int i = 0; i < rounds; ++i) {
    const IndexVector p = bo->ask(1).at(0);
    double distance = 0;
    for (size_t d = 0; d < 6; ++d) distance += std::pow(static_cast<double>(p[d]) - 4.0, 2);
    bo->tell({Told{p, transform(-distance), true, {}, {}}});
    asked.push_back(p);
  }
  return asked;
}

double same(double r) { return r; }
double stretched(double r) { return -std::exp(-r / 4); }  // increasing, with far tails
double log_warped(double r) { return -std::log1p(-r / 1e-3); }

// bo's warps: the default (log) models -log(1 + violation / 0.001), exactly as warp=none on
// rewards so transformed; warp=ranks sees only the order of the rewards.
TEST(Searchers, BoWarpsRewardsBeforeModellingThem) {
  const auto plain = bo_asks({}, same, 20);  // warp=log is the default
  EXPECT_EQ(bo_asks({{"warp", "log"}}, same, 20), plain);
  EXPECT_EQ(bo_asks({{"warp", "none"}}, log_warped, 20), plain);
  EXPECT_EQ(bo_asks({{"warp", "ranks"}}, stretched, 20), bo_asks({{"warp", "ranks"}}, same, 20));
  // Without a warp the model sees the values: stretched rewards change what it asks.
  EXPECT_NE(bo_asks({{"warp", "none"}}, stretched, 20), bo_asks({{"warp", "none"}}, same, 20));
  EXPECT_THROW(make_searcher("bo", bowl_env()->space(), 0, {{"warp", "sqrt"}}), InputError);
}

// tpe's kernel widths on ordinal knobs against Optuna 3.1's own (optuna.samplers._tpe
// .parzen_estimator._ParzenEstimator, multivariate, an IntDistribution of `values` values):
// Scott's rule, clipped below at range / min(100, observations + 2).
TEST(Searchers, TpeKernelWidthsAreOptunas) {
  struct Case {
    size_t values, observations, knobs;
    double sigma;
  };
  for (const Case& c : {Case{3, 2, 8, 0.75}, Case{3, 1, 8, 1.0}, Case{8, 5, 7, 1.3822202619241448},
                        Case{8, 40, 7, 1.1441373553309528}, Case{8, 400, 7, 0.9280450835671114},
                        Case{2, 3, 8, 0.4}}) {
    EXPECT_NEAR(tpe_kernel_sigma(c.values, c.observations, c.knobs), c.sigma, 1e-12)
        << c.values << " values, " << c.observations << " observations, " << c.knobs << " knobs";
  }
}

TEST(Searchers, ParetoFrontKeepsOnlyNonDominated) {
  env::RewardConfig r;
  r.targets = {env::parse_target("latency_ns<=1"), env::parse_target("avg_power_mw<=1")};
  std::vector<v1::Evaluation> all(4);
  const double points[4][2] = {{1, 5}, {2, 2}, {3, 3}, {5, 1}};  // (3, 3) is dominated
  for (int i = 0; i < 4; ++i) {
    all[i].set_status(v1::Evaluation::OK);
    all[i].mutable_metrics()->set_latency_ns(points[i][0]);
    all[i].mutable_metrics()->set_avg_power_mw(points[i][1]);
  }
  const auto front = pareto_front(all, r);
  ASSERT_EQ(front.size(), 3u);
  for (const auto& e : front) EXPECT_NE(e.metrics().latency_ns(), 3.0);
}

}  // namespace
}  // namespace accelgym::agents

namespace accelgym::agents {
namespace {

// Two conflicting objectives: distance to optimum A (latency) and to optimum B (power).
class TwoBowls : public env::Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    double a = 0, b = 0;
    for (int i = 0; i < 6; ++i) {
      const double x = static_cast<double>(d.get_int("x" + std::to_string(i)));
      a += (x - 1) * (x - 1);
      b += (x - 6) * (x - 6);
    }
    v1::Metrics m;
    m.set_latency_ns(1 + a);
    m.set_avg_power_mw(1 + b);
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

// Area dominated by the front, against the reference point (300, 300).
double hypervolume(std::vector<v1::Evaluation> front) {
  std::sort(front.begin(), front.end(), [](const auto& p, const auto& q) {
    return p.metrics().latency_ns() < q.metrics().latency_ns();
  });
  double area = 0, previous_power = 300;
  for (const auto& e : front) {
    const double power = std::min(e.metrics().avg_power_mw(), previous_power);
    area += (300 - e.metrics().latency_ns()) * (previous_power - power);
    previous_power = power;
  }
  return area;
}

TEST(Searchers, Nsga2FindsABetterFrontThanRandom) {
  v1::DesignSpaceSpec spec;
  spec.set_name("two-bowls");
  for (int i = 0; i < 6; ++i)
    *spec.add_dimensions() = Param::integer("x" + std::to_string(i), 0, 7).group("g");
  env::RewardConfig reward;
  reward.targets = {env::parse_target("latency_ns<=1"), env::parse_target("avg_power_mw<=1")};
  env::Env e("two-bowls", DesignSpace(spec), std::make_shared<TwoBowls>(), reward, 1);
  auto median_hv = [&](const std::string& agent) {
    std::vector<double> hv;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      CheckpointedSearcher s(agent, e.space(), seed, {{"population", "16"}});
      SearchOptions o;
      o.budget = 200;
      o.seed = seed;
      o.batch = 8;
      hv.push_back(hypervolume(run_search(e, s, o).pareto_front));
    }
    std::sort(hv.begin(), hv.end());
    return hv[1];
  };
  std::vector<double> random_hv;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CheckpointedSearcher s("random", e.space(), seed, {});
    SearchOptions o;
    o.budget = 200;
    o.seed = seed;
    random_hv.push_back(hypervolume(run_search(e, s, o).pareto_front));
  }
  std::sort(random_hv.begin(), random_hv.end());
  EXPECT_GT(median_hv("nsga2"), random_hv[1]);
}

}  // namespace
}  // namespace accelgym::agents

namespace accelgym::agents {
namespace {

// 4 knobs x 6 values (1 296 designs), optimum at (5, 2, 0, 3): evaluations until a searcher
// first evaluates it (budget + 1 when it never does), median over five seeds.
class SmallBowl : public env::Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    const int64_t opt[4] = {5, 2, 0, 3};
    double dist = 0;
    for (int i = 0; i < 4; ++i) {
      const double x = static_cast<double>(d.get_int("k" + std::to_string(i)) - opt[i]);
      dist += x * x;
    }
    v1::Metrics m;
    m.set_latency_ns(1 + dist / 20);
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

double median_evaluations_to_optimum(const std::string& agent, uint64_t budget) {
  v1::DesignSpaceSpec spec;
  spec.set_name("small-bowl");
  for (int i = 0; i < 4; ++i)
    *spec.add_dimensions() = Param::integer("k" + std::to_string(i), 0, 5).group(i < 2 ? "a" : "b");
  env::RewardConfig reward;
  reward.targets = {env::parse_target("latency_ns<=1")};
  env::Env e("small-bowl", DesignSpace(spec), std::make_shared<SmallBowl>(), reward, 1);
  std::vector<double> found;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    CheckpointedSearcher s(agent, e.space(), seed, {});
    SearchOptions o;
    o.budget = budget;
    o.seed = seed;
    o.batch = agent == "aco" || agent == "nsga2" ? 8 : 1;
    o.stop_at_target = true;
    const auto r = run_search(e, s, o);
    found.push_back(r.evaluations_to_target ? static_cast<double>(r.evaluations_to_target)
                                            : static_cast<double>(budget + 1));
  }
  std::sort(found.begin(), found.end());
  return found[2];
}

TEST(Searchers, EveryModelOrPopulationSearcherFindsTheKnownOptimumFasterThanRandom) {
  const uint64_t budget = 400;
  const double random = median_evaluations_to_optimum("random", budget);
  for (const char* agent : {"walk", "ga", "nsga2", "aco", "bo", "tpe", "marl", "ppo"}) {
    const double m = median_evaluations_to_optimum(agent, budget);
    EXPECT_LE(m, static_cast<double>(budget)) << agent << " did not find the optimum";
    EXPECT_LT(m, random) << agent << " needed " << m << ", random " << random;
  }
}

// The median over seeds 1-9 of the evaluations `agent` needs to meet every target of `e`
// (unreached counted as budget + 1); each seed's checkpoint must restore the searcher exactly.
double median_evaluations_to_target(env::Env& e, const std::string& agent, const Options& o,
                                    uint64_t budget) {
  std::vector<double> found;
  for (uint64_t seed = 1; seed <= 9; ++seed) {
    CheckpointedSearcher s(agent, e.space(), seed, o);
    SearchOptions options;
    options.budget = budget;
    options.seed = seed;
    options.stop_at_target = true;
    const auto r = run_search(e, s, options);
    found.push_back(r.evaluations_to_target ? static_cast<double>(r.evaluations_to_target)
                                            : static_cast<double>(budget + 1));
    CheckpointedSearcher restored(s.checkpoint(), e.space());
    EXPECT_EQ(restored.ask(1), s.ask(1)) << agent << " seed " << seed;
  }
  std::sort(found.begin(), found.end());
  return found[4];
}

// One ordinal knob of 200 values, latency growing with the distance to 137: TPE treats the
// knob as ordered (a normal kernel over the index), so designs near good ones are likely and it
// closes in on the optimum far sooner than 200 draws of an unordered knob would.
class Line : public env::Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    v1::Metrics m;
    m.set_latency_ns(1 + std::abs(static_cast<double>(d.get_int("x") - 137)));
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

TEST(Searchers, TpeTreatsOrdinalKnobsAsOrdered) {
  v1::DesignSpaceSpec spec;
  spec.set_name("line");
  *spec.add_dimensions() = Param::integer("x", 0, 199).group("a");
  env::RewardConfig reward;
  reward.targets = {env::parse_target("latency_ns<=1")};
  env::Env e("line", DesignSpace(spec), std::make_shared<Line>(), reward, 1);
  // Random search needs 100 draws at the median (without repeats); uniform over 200 values.
  EXPECT_LE(median_evaluations_to_target(e, "tpe", {}, 200), 40.0);
}

// Growing the Cholesky factor by one row (bo's batches) gives the model a fresh fit on all
// the data gives; the data is interpolated up to the noise.
TEST(GaussianProcess, AddingAnObservationEqualsFittingAgain) {
  Eigen::MatrixXd x(6, 2);
  x << 0, 0, 0.2, 0.9, 0.5, 0.5, 0.9, 0.1, 0.3, 0.3, 1, 1;
  Eigen::VectorXd y(6);
  y << -1.0, 0.4, 1.3, -0.2, 0.1, 0.7;
  Eigen::VectorXd lengthscales(2);
  lengthscales << 0.4, 0.8;
  GaussianProcess grown(lengthscales, 1e-4), fresh(lengthscales, 1e-4);
  ASSERT_TRUE(std::isfinite(grown.fit(x.topRows(5), y.head(5))));
  ASSERT_TRUE(grown.add(x.row(5).transpose(), y[5]));
  ASSERT_TRUE(std::isfinite(fresh.fit(x, y)));
  EXPECT_EQ(grown.size(), 6);
  Eigen::MatrixXd points(3, 2);
  points << 0.1, 0.1, 0.7, 0.6, 1, 1;
  Eigen::VectorXd mean_grown, sd_grown, mean_fresh, sd_fresh;
  grown.predict(points, mean_grown, sd_grown);
  fresh.predict(points, mean_fresh, sd_fresh);
  for (long i = 0; i < 3; ++i) {
    EXPECT_NEAR(mean_grown[i], mean_fresh[i], 1e-12);
    EXPECT_NEAR(sd_grown[i], sd_fresh[i], 1e-12);
  }
  EXPECT_NEAR(mean_fresh[2], 0.7, 1e-3);  // an observed point: its target
  EXPECT_LT(sd_fresh[2], 0.02);
}

// The additive part of the kernel by hand: two ordinal coordinates (11 and 6 values) and one
// categorical dimension of three values (one-hot), weight w: (1 - w) k_ARD + w / 3 (k_0 + k_1 +
// [same]), equal up to the jitter of the factorised per-value kernels.
TEST(GaussianProcess, AdditiveKernelByHand) {
  Eigen::VectorXd lengthscales(5);
  lengthscales << 0.5, 2.0, 1.0, 1.0, 1.0;
  const std::vector<size_t> values{11, 6, 0, 0, 0};
  Eigen::MatrixXd a(1, 5), b(1, 5);
  a << 0.2, 0.4, 1, 0, 0;
  b << 0.7, 0.4, 1, 0, 0;
  auto matern = [](double r) {
    const double s = std::sqrt(5.0) * r;
    return (1 + s + s * s / 3) * std::exp(-s);
  };
  const double w = 0.75;
  const GaussianProcess gp(lengthscales, 1e-6, w, values, 3);
  // Coordinate 0 differs by 0.5 over a lengthscale of 0.5; the others agree.
  EXPECT_NEAR(gp.kernel(a, b)(0, 0), (1 - w) * matern(1.0) + w / 3 * (matern(1.0) + 1 + 1), 1e-8);
  b << 0.7, 0.4, 0, 1, 0;  // and another category: the ARD part sees two coordinates differ
  EXPECT_NEAR(gp.kernel(a, b)(0, 0),
              (1 - w) * matern(std::sqrt(1.0 + 2.0)) + w / 3 * (matern(1.0) + 1 + 0), 1e-8);
  EXPECT_NEAR(gp.kernel(a, a)(0, 0), 1.0, 1e-8);  // unit variance, as without the part
  const GaussianProcess plain(lengthscales, 1e-6);
  const GaussianProcess off(lengthscales, 1e-6, 0.0, values, 3);
  EXPECT_EQ(plain.kernel(a, b)(0, 0), off.kernel(a, b)(0, 0));
}

// Targets are modelled one by one only while two or more are set and none is met by all.
TEST(Searchers, TargetsToModel) {
  EXPECT_EQ(targets_to_model({}), 0u);
  EXPECT_EQ(targets_to_model({{0.5, -0.1}, {}, {0.2, 0.3}}), 2u);  // {} is an invalid design
  EXPECT_EQ(targets_to_model({{0.5, -0.1}, {-0.2, 0.0}}), 0u);     // the second meets both
  EXPECT_EQ(targets_to_model({{0.5}, {0.2}}), 0u);                 // one target
  EXPECT_EQ(targets_to_model({{0.5, 0.1}, {0.2, 0.1, 0.3}}), 0u);  // inconsistent
}

// Two targets each set by one knob (latency by x0, power by x1) and a third knob that matters
// to neither: modelling each target's margin (model=targets, the default) meets both sooner
// than modelling their summed violations (model=reward), and a checkpoint restores it exactly.
class TwoTargets : public env::Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    v1::Metrics m;
    const double x0 = static_cast<double>(d.get_int("x0")),
                 x1 = static_cast<double>(d.get_int("x1"));
    m.set_latency_ns(1 + std::pow(x0 - 11, 2));
    m.set_avg_power_mw(1 + std::pow(x1 - 4, 2) + 0.1 * static_cast<double>(d.get_int("x2")));
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

// Three knobs of 16 values; each target is set by one knob (x2 adds a little power).
env::Env two_targets_env() {
  v1::DesignSpaceSpec spec;
  spec.set_name("two-targets");
  for (const char* name : {"x0", "x1", "x2"})
    *spec.add_dimensions() = Param::integer(name, 0, 15).group("g");
  env::RewardConfig reward;
  reward.targets = {env::parse_target("latency_ns<=2"), env::parse_target("avg_power_mw<=2.5")};
  return env::Env("two-targets", DesignSpace(spec), std::make_shared<TwoTargets>(), reward, 1);
}

TEST(Searchers, BoModelsEachTargetWhenThereAreSeveral) {
  env::Env e = two_targets_env();
  // 3 x 3 x 16 of the 4 096 designs meet both (x0 in 10-12, x1 in 3-5, x2 small enough):
  // random search needs ~20 at the median.
  const double by_targets = median_evaluations_to_target(e, "bo", {}, 120);
  const double by_reward = median_evaluations_to_target(e, "bo", {{"model", "reward"}}, 120);
  EXPECT_LT(by_targets, by_reward);
  // tpe's per-target splits (its default since 2026-12-08) restore from a checkpoint exactly
  // (the helper checks every seed) and meet the targets within the budget.
  EXPECT_LE(median_evaluations_to_target(e, "tpe", {}, 120), 120.0);
  EXPECT_LE(by_targets, 12.0);
}

// tpe's per-target splits apply only while the best design misses the targets by more than
// near_miss in all: with a near_miss no reward reaches, tpe asks exactly what model=reward asks,
// and with the default the splits change what it asks.
TEST(Searchers, TpeNearMissLeavesTheRewardsSplitAlone) {
  env::Env e = two_targets_env();
  auto told = [&](const Options& o, uint64_t seed) {
    CheckpointedSearcher searcher("tpe", e.space(), seed, o);
    SearchOptions options;
    options.budget = 30;
    options.seed = seed;
    run_search(e, searcher, options);
    std::vector<std::vector<uint32_t>> designs;
    for (const auto& event : searcher.checkpoint().events()) {
      for (const auto& t : event.told()) designs.emplace_back(t.design().begin(), t.design().end());
    }
    return designs;
  };
  size_t differ = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const auto by_reward = told({{"model", "reward"}}, seed);
    EXPECT_EQ(told({{"near_miss", "1000"}}, seed), by_reward) << "seed " << seed;
    differ += told({}, seed) != by_reward;
  }
  EXPECT_GT(differ, 0u);
  EXPECT_THROW(make_searcher("tpe", e.space(), 0, {{"near_miss", "-0.1"}}), InputError);
}

// marl's centralised critic (bo's models of the results so far) ranks imagined designs between
// evaluations, and the agents learn from those ranks as from real results; without it (and with
// the defaults marl had before it) they learn from the real results alone. The helper also
// checks that a checkpoint restores the agents, critic included, exactly.
TEST(Searchers, MarlLearnsFromItsCriticBetweenEvaluations) {
  env::Env e = two_targets_env();
  const double with_critic = median_evaluations_to_target(e, "marl", {}, 120);
  const double without = median_evaluations_to_target(e, "marl", kMarlWithoutCritic, 120);
  // 7 against 22 at the median of the nine seeds; random search needs ~20.
  EXPECT_LT(with_critic, without);
  EXPECT_LE(with_critic, 10.0);
  EXPECT_THROW(make_searcher("marl", e.space(), 0, {{"critic", "gp"}}), InputError);
  EXPECT_THROW(make_searcher("marl", e.space(), 0, {{"dreams", "0"}}), InputError);
  EXPECT_THROW(make_searcher("ppo", e.space(), 0, {{"critic", "bo"}}), InputError);
}

// The model-based searchers propose only designs that keep the space's declared constraints
// (known before any evaluation, like hetero-v0's PE budget) unless told constraints=ignore;
// on a space without constraints the option changes nothing they ask. Random search does so
// only when told constraints=avoid.
TEST(Searchers, ModelBasedSearchersAvoidDeclaredConstraints) {
  const DesignSpace free_space = bowl_env(3)->space();  // 3^6 x 4 designs
  DesignSpace budgeted = free_space;
  budgeted.add_constraint("budget", "x0 + x1 <= 1",
                          [](const ParamMap& v) -> std::optional<std::string> {
                            if (v.get_int("x0") + v.get_int("x1") <= 1) return std::nullopt;
                            return "x0 + x1 > 1";
                          });  // 3 of 9 (x0, x1) pairs keep it
  // The designs a searcher asks over 40 asks, told a reward that favours x0 = x1 = 2.
  auto asked = [](const DesignSpace& space, const std::string& agent, const Options& o) {
    auto searcher = make_searcher(agent, space, 7, o);
    std::vector<IndexVector> designs;
    for (int step = 0; step < 40; ++step) {
      const IndexVector design = searcher->ask(1).at(0);
      designs.push_back(design);
      const double objective = 4.0 - design[0] - design[1] + 0.1 * design[2];
      const bool valid = space.satisfies_constraints(design);
      searcher->tell({Told{design,
                           valid ? -objective : -10.0,
                           valid,
                           valid ? std::vector<double>{objective} : std::vector<double>{},
                           {}}});
    }
    return designs;
  };
  auto breaking = [&](const std::vector<IndexVector>& designs) {
    return std::count_if(designs.begin(), designs.end(),
                         [&](const IndexVector& d) { return !budgeted.satisfies_constraints(d); });
  };
  const Options ignore{{"constraints", "ignore"}};
  for (const char* agent : {"bo", "tpe", "marl"}) {
    EXPECT_EQ(breaking(asked(budgeted, agent, {})), 0) << agent;
    EXPECT_GT(breaking(asked(budgeted, agent, ignore)), 0) << agent;
    EXPECT_EQ(asked(free_space, agent, {}), asked(free_space, agent, ignore)) << agent;
  }
  // Random search, the baseline, draws blind unless asked to avoid them.
  EXPECT_GT(breaking(asked(budgeted, "random", {})), 0);
  EXPECT_EQ(breaking(asked(budgeted, "random", {{"constraints", "avoid"}})), 0);
  EXPECT_THROW(make_searcher("bo", budgeted, 0, {{"constraints", "drop"}}), InputError);
  EXPECT_THROW(make_searcher("random", budgeted, 0, {{"constraints", "drop"}}), InputError);
  EXPECT_THROW(make_searcher("ppo", budgeted, 0, ignore), InputError);  // ppo draws blind
}

// With redraws (marl's default 16) a design asked before is replaced by a new one while the
// policy still gives new ones a fair chance; without, a sharpening policy asks it again.
TEST(Searchers, MarlRedrawsDesignsItAskedBefore) {
  auto repeats = [](const Options& o) {
    auto env = bowl_env(3);  // 3^6 x 4 = 2 916 designs
    size_t count = 0;
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      auto searcher = make_searcher("marl", env->space(), seed, o);
      std::set<IndexVector> asked;
      for (int step = 0; step < 60; ++step) {
        const IndexVector design = searcher->ask(1).at(0);
        count += !asked.insert(design).second;
        const double objective = static_cast<double>(design[0] + design[3]);
        searcher->tell({Told{design, -objective, true, {objective}, {}}});
      }
    }
    return count;
  };
  // 0 repeats in 300 asks against 10 without redraws.
  const size_t with_redraws = repeats({});
  EXPECT_LT(with_redraws, repeats({{"resample", "0"}}));
  EXPECT_LE(with_redraws, 2u);
}

// Past max_points observations bo models the nearest ones only: it still asks distinct, unseen
// designs, deterministically, and keeps finding the optimum.
TEST(Searchers, BayesianOptimisationWithALocalModel) {
  auto env = bowl_env();
  // The designs told, in order, and the best reward.
  auto run = [&](uint64_t seed) {
    CheckpointedSearcher searcher("bo", env->space(), seed, {{"max_points", "16"}});
    SearchOptions options;
    options.budget = 60;
    options.seed = seed;
    options.batch = 3;  // kriging-believer batches on the grown model
    const double best = run_search(*env, searcher, options).best.reward();
    std::vector<std::vector<uint32_t>> told;
    for (const auto& event : searcher.checkpoint().events()) {
      for (const auto& t : event.told()) told.emplace_back(t.design().begin(), t.design().end());
    }
    return std::make_pair(told, best);
  };
  const auto [told, best] = run(4);
  EXPECT_EQ(run(4).first, told);
  EXPECT_EQ(told.size(), 60u);
  EXPECT_EQ(std::set(told.begin(), told.end()).size(), told.size());
  EXPECT_GT(best, -0.2);  // near the bowl's bottom (0 = every target met)
}

}  // namespace
}  // namespace accelgym::agents
