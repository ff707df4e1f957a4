// The gym: reward formulas by hand, a clone of Gymnasium's check_env on every registered env,
// fork and replay equivalence, invalid and failed designs, the multi-agent view, records.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "sim/core/errors.h"
#include "sim/core/param.h"
#include "sim/core/records.h"
#include "sim/env/multi_agent.h"
#include "sim/env/registry.h"
#include "test_scratch.h"

namespace accelgym::env {
namespace {

v1::Metrics metrics(double latency_ns, double power_mw) {
  v1::Metrics m;
  m.set_latency_ns(latency_ns);
  m.set_avg_power_mw(power_mw);
  (*m.mutable_extra())["row_hit_rate"] = 0.5;
  return m;
}

TEST(Reward, NormalisedExcessByHand) {
  RewardConfig r;
  r.targets = {parse_target("latency_ns<=100"), parse_target("avg_power_mw<=10")};
  EXPECT_DOUBLE_EQ(r.reward(metrics(150, 5)), -0.5);   // (150 - 100) / 100
  EXPECT_DOUBLE_EQ(r.reward(metrics(150, 12)), -0.7);  // + (12 - 10) / 10
  EXPECT_DOUBLE_EQ(r.reward(metrics(80, 9)), 0.0);     // both met
  EXPECT_TRUE(r.all_met(metrics(80, 9)));
  EXPECT_DOUBLE_EQ(r.reward(metrics(1e9, 5)), -10.0);  // clipped
  EXPECT_DOUBLE_EQ(r.invalid_penalty(), -21.0);        // below every valid reward
  EXPECT_EQ(r.objectives(metrics(150, 5)), (std::vector<double>{150, 5}));
}

TEST(Reward, MaximiseToleranceWeightsAndBudgets) {
  RewardConfig r;
  r.targets = {parse_target("row_hit_rate>=0.8:w=2"), parse_target("latency_ns<=100:tol=0.1"),
               parse_target("avg_power_mw<=10:hard")};
  // row hits: 2 x (0.8 - 0.5) / 0.8 = 0.75; latency 105 is within 10 %; power 11 > 10: -10.
  EXPECT_DOUBLE_EQ(r.reward(metrics(105, 11)), -0.75 - 10.0);
  EXPECT_DOUBLE_EQ(r.reward(metrics(115, 9)), -0.75 - 0.05);
  EXPECT_EQ(r.objectives(metrics(1, 1))[0], -0.5);  // maximised metrics are negated
  EXPECT_EQ(describe(parse_target("a>=2:w=3:tol=0.5:hard")), "a>=2:w=3:tol=0.5:hard");
  // Described targets read back exactly (six digits made 75486.25 a stricter 75486.2).
  EXPECT_EQ(describe(parse_target("latency_ns<=75486.25")), "latency_ns<=75486.25");
  const Target power = parse_target("avg_power_mw<=3182.865422510722");
  EXPECT_EQ(parse_target(describe(power)).value, power.value);
  for (const char* bad : {"latency_ns", "latency_ns<=", "latency_ns<=-1", "latency_ns<=x",
                          "latency_ns<=1:w=0", "latency_ns<=1:color=red"}) {
    EXPECT_THROW(parse_target(bad), InputError) << bad;
  }
  EXPECT_THROW(metric_value(metrics(1, 1), "latency_us"), InputError);
}

// Margins: log(metric / limit) for "<=", log(limit / metric) for ">=", the limit widened by the
// tolerance; <= 0 exactly when the target is met.
TEST(Reward, MarginsAreLogRatiosToTheLimits) {
  RewardConfig r;
  r.targets = {parse_target("latency_ns<=100"), parse_target("row_hit_rate>=0.8:tol=0.5"),
               parse_target("avg_power_mw<=10:tol=0.1")};
  const std::vector<double> m = r.margins(metrics(150, 11));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m[0], std::log(1.5));          // 150 / 100
  EXPECT_DOUBLE_EQ(m[1], std::log(0.4 / 0.5));    // limit 0.8 x 0.5 = 0.4 against 0.5: met
  EXPECT_DOUBLE_EQ(m[2], std::log(11.0 / 11.0));  // at the widened limit: met, margin 0
  EXPECT_FALSE(r.all_met(metrics(150, 11)));
  const std::vector<double> zero = r.margins(metrics(0, 1e300));  // no log ratio of 0
  EXPECT_EQ(zero[0], -RewardConfig::kMarginClip);
  EXPECT_EQ(zero[2], RewardConfig::kMarginClip);
  for (double latency : {50.0, 99.0, 100.0, 101.0, 400.0}) {
    RewardConfig one;
    one.targets = {parse_target("latency_ns<=100")};
    EXPECT_EQ(one.margins(metrics(latency, 1))[0] <= 0, one.all_met(metrics(latency, 1)))
        << latency;
  }
}

// Small, fast versions of every registered env.
std::map<std::string, std::string> quick_options(const std::string& name) {
  if (name.rfind("dram", 0) == 0) return {{"count", "300"}, {"trace", "cloud-1"}};
  if (name == "hetero-v0") return {{"workloads", "conv_test,gemm_test"}};
  if (name == "synthetic-v0") return {};
  return {{"workload", "conv_test"}};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Gymnasium's check_env, in C++: spaces, seeding, determinism, return types and ranges.
void check_env(Env& env) {
  SCOPED_TRACE(env.name());
  const auto [obs, info] = env.reset(7);
  EXPECT_TRUE(env.observation_space().contains(obs));
  EXPECT_TRUE(info.valid);
  auto again = env.fork();
  EXPECT_EQ(again->reset(7).first, obs);  // same seed, same observation
  // Same seed, same sampled actions.
  env.reset(11);
  again->reset(11);
  const IndexVector a = env.sample_action();
  EXPECT_EQ(a, again->sample_action());
  ASSERT_EQ(a.size(), env.action_nvec().size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_LT(a[i], env.action_nvec()[i]);
  // Same state, same action: bit-identical step.
  const StepResult s1 = env.step(a);
  const StepResult s2 = again->step(a);
  EXPECT_TRUE(same_bits(s1.reward, s2.reward));
  EXPECT_EQ(s1.observation, s2.observation);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(s1.info.metrics, s2.info.metrics));
  EXPECT_TRUE(env.observation_space().contains(s1.observation));
  EXPECT_TRUE(std::isfinite(s1.reward));
  EXPECT_LE(s1.reward, 0.0);
  EXPECT_GE(s1.reward, env.reward_config().invalid_penalty());
  EXPECT_EQ(s1.truncated, env.episode_length() == 1);
  // Actions outside the space are the caller's error.
  IndexVector outside = a;
  outside[0] = env.action_nvec()[0];
  EXPECT_THROW(env.step(outside), InputError);
  EXPECT_THROW(env.step(IndexVector(a.size() + 1, 0)), InputError);
}

TEST(CheckEnv, EveryRegisteredEnv) {
  for (const auto& e : registered_envs()) {
    auto env = make_env(e.name, quick_options(e.name));
    check_env(*env);
  }
}

// This program links the SystemC layer but never provides its engine: an env asking for it
// fails when made, saying why, not at its first step.
TEST(Envs, SystemcEngineNotProvidedIsAClearError) {
  try {
    make_env("accel-v0", {{"engine", "systemc"}});
    FAIL() << "made an env on an engine this program does not provide";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("engine 'systemc' is not available"), std::string::npos)
        << e.what();
  }
  try {
    make_env("accel-v0", {{"engine", "sc"}});
    FAIL() << "accepted engine=sc";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected direct or systemc, got 'sc'"), std::string::npos)
        << e.what();
  }
}

TEST(Envs, SyntheticV0IsItsTwoBowls) {
  auto env = make_env("synthetic-v0");
  EXPECT_EQ(env->space().size(), 65536.0);
  // The latency bowl's centre (11, 4, 7, 9): latency 1 meets latency_ns <= 2, reward 0;
  // energy is 1 + (11-4)^2 + (4-11)^2 + (7-8)^2 + (9-6)^2 = 109 there.
  const auto e = env->evaluate({11, 4, 7, 9});
  EXPECT_EQ(e.metrics().latency_ns(), 1.0);
  EXPECT_EQ(e.metrics().energy_pj(), 109.0);
  EXPECT_EQ(e.reward(), 0.0);
  // Faults: a throw is a FAILED record, not an exception.
  auto faulty = make_env("synthetic-v0", {{"fault", "throw@x2=7"}});
  EXPECT_EQ(faulty->evaluate({11, 4, 7, 9}).status(), v1::Evaluation::FAILED);
  EXPECT_EQ(faulty->evaluate({11, 4, 6, 9}).status(), v1::Evaluation::OK);
  EXPECT_THROW(make_env("synthetic-v0", {{"fault", "melt@x0=1"}}), InputError);
}

TEST(Envs, DramV0IsArchGymsSpaceAndTargets) {
  auto env = make_env("dram-v0", quick_options("dram-v0"));
  EXPECT_EQ(env->space().size(), 442368.0);
  EXPECT_EQ(env->action_nvec(), (std::vector<uint32_t>{4, 3, 3, 8, 2, 2, 4, 4, 3, 8}));
  ASSERT_EQ(env->reward_config().targets.size(), 2u);
  EXPECT_EQ(env->reward_config().targets[0].metric, "latency_ns");
  // Latency 6 % under the default design, power at most 5 % over: the default misses the
  // latency target by (1 / 0.94 - 1) and meets the power one.
  env->reset(0);
  const auto r = env->step(env->space().default_point());
  EXPECT_NEAR(r.reward, -(1 / 0.94 - 1), 1e-6);
  EXPECT_THROW(make_env("dram-v0", {{"trace", "cloud-9"}}), InputError);
  EXPECT_THROW(make_env("dram-v0", {{"colour", "red"}}), InputError);
  EXPECT_THROW(make_env("dram-v9"), InputError);
  auto custom = make_env("dram-v0", {{"count", "300"}, {"targets", "latency_ns<=1e9"}});
  custom->reset(0);
  EXPECT_TRUE(custom->step(custom->sample_action()).terminated);  // trivially met
}

TEST(Envs, HeteroV0BudgetsAndMapping) {
  auto env = make_env("hetero-v0", quick_options("hetero-v0"));
  EXPECT_EQ(env->space().size(), 3.0 * 3 * 3 * 3 * 3 * 3 * 2 * 2);
  EXPECT_EQ(env->space().groups(), (std::vector<std::string>{"acc0", "acc1", "mapping"}));
  env->reset(0);
  const auto ok = env->step(env->space().default_point());
  EXPECT_TRUE(ok.info.valid);
  EXPECT_GT(ok.info.metrics.extra().at("acc0_finish_ns"), 0);
  IndexVector over = env->space().default_point();
  over[1] = 2;  // acc0: 1024 PEs + acc1's 256 > 1280
  over[4] = 2;  // acc1: 1024 PEs
  const auto bad = env->step(over);
  EXPECT_EQ(bad.info.status, v1::Evaluation::INVALID);
  EXPECT_NE(bad.info.reason.find("pe_budget"), std::string::npos);
  IndexVector both_on_one = env->space().default_point();
  both_on_one[7] = 0;  // gemm_test also on acc0: acc1 idles
  const auto idle = env->step(both_on_one);
  EXPECT_TRUE(idle.info.valid);
  EXPECT_EQ(idle.info.metrics.extra().at("acc1_finish_ns"), 0.0);
  EXPECT_THROW(make_env("hetero-v0", {{"k", "9"}}), InputError);
  // memory: dram (the default: folds sampled once one sub-accelerator is left) or dram-exact.
  auto options = quick_options("hetero-v0");
  options["memory"] = "dram-exact";
  auto exact = make_env("hetero-v0", options);
  exact->reset(0);
  const double exact_ns = exact->step(both_on_one).info.metrics.latency_ns();
  EXPECT_NEAR(idle.info.metrics.latency_ns(), exact_ns, 0.01 * exact_ns);
  options["memory"] = "ideal";
  EXPECT_THROW(make_env("hetero-v0", options), InputError);
}

TEST(Envs, ForkAndReplayAreExact) {
  auto env = make_env("systolic-v0", {{"workload", "conv_test"}, {"episode_length", "3"}});
  env->reset(5);
  env->step(env->sample_action());
  auto fork = env->fork();
  const IndexVector next = env->sample_action();
  fork->sample_action();  // keep the generators in step
  const auto a = env->step(next);
  const auto b = fork->step(next);
  EXPECT_TRUE(same_bits(a.reward, b.reward));
  EXPECT_EQ(a.observation, b.observation);
  EXPECT_FALSE(a.truncated);
  EXPECT_TRUE(env->step(env->sample_action()).truncated);  // third step ends the episode
  const EpisodeRecord record = env->episode();
  ASSERT_EQ(record.actions.size(), 3u);
  auto other = make_env("systolic-v0", {{"workload", "conv_test"}, {"episode_length", "3"}});
  EXPECT_TRUE(other->replay(record));
  EpisodeRecord tampered = record;
  tampered.rewards[1] += 1e-12;
  EXPECT_FALSE(other->replay(tampered));
}

// An evaluator whose designs fail in known ways.
class Flaky : public Evaluator {
 public:
  v1::Metrics evaluate(const ParamMap& d) const override {
    const int64_t x = d.get_int("x");
    if (x == 1) throw InputError("x = 1 cannot be built");
    if (x == 2) throw std::runtime_error("simulator crashed");
    v1::Metrics m;
    m.set_latency_ns(static_cast<double>(100 * x));
    return m;
  }
  std::vector<v1::WorkloadRef> workloads() const override { return {}; }
};

std::unique_ptr<Env> flaky_env() {
  v1::DesignSpaceSpec spec;
  spec.set_name("flaky");
  *spec.add_dimensions() = Param::integer("x", 0, 4).group("g");
  *spec.add_dimensions() = Param::integer("y", 0, 1).group("h");
  DesignSpace space(spec);
  space.add_constraint("x_not_4", "x != 4", [](const ParamMap& v) {
    return v.get_int("x") == 4 ? std::optional<std::string>("x is 4") : std::nullopt;
  });
  RewardConfig reward;
  reward.targets = {parse_target("latency_ns<=100")};
  return std::make_unique<Env>("flaky", space, std::make_shared<Flaky>(), reward, 1);
}

TEST(Envs, InvalidAndFailedDesignsGetAFinitePenalty) {
  auto env = flaky_env();
  env->reset(0);
  const double penalty = env->reward_config().invalid_penalty();
  const auto invalid = env->step({1, 0});
  EXPECT_FALSE(invalid.info.valid);
  EXPECT_EQ(invalid.info.status, v1::Evaluation::INVALID);
  EXPECT_EQ(invalid.reward, penalty);
  EXPECT_NE(invalid.info.reason.find("cannot be built"), std::string::npos);
  const auto failed = env->step({2, 0});
  EXPECT_EQ(failed.info.status, v1::Evaluation::FAILED);
  EXPECT_EQ(failed.reward, penalty);
  const auto constrained = env->step({4, 0});
  EXPECT_EQ(constrained.info.status, v1::Evaluation::INVALID);
  EXPECT_NE(constrained.info.reason.find("x_not_4"), std::string::npos);
  const auto ok = env->step({3, 1});
  EXPECT_TRUE(ok.info.valid);
  EXPECT_DOUBLE_EQ(ok.reward, -2.0);  // (300 - 100) / 100
  EXPECT_TRUE(env->observation_space().contains(invalid.observation));
}

TEST(MultiAgent, GroupsAndKnobsJoinIntoOneDesign) {
  MultiAgentEnv groups(make_env("accel-v0", {{"workload", "conv_test"}}),
                       MultiAgentEnv::Split::kGroups);
  EXPECT_EQ(groups.agents(), (std::vector<std::string>{"compute", "memory", "dram"}));
  EXPECT_EQ(groups.action_nvec("memory"), (std::vector<uint32_t>{7, 7, 7, 2, 4}));
  groups.reset(3);
  std::map<std::string, IndexVector> actions = {
      {"compute", {2, 2, 1, 0}}, {"memory", {1, 1, 1, 0, 0}}, {"dram", {2, 1, 1, 2, 0}}};
  const auto step = groups.step(actions);
  EXPECT_EQ(step.rewards.at("compute"), step.rewards.at("dram"));  // shared reward
  const auto direct = make_env("accel-v0", {{"workload", "conv_test"}});
  direct->reset(3);
  const auto joined = direct->step({2, 2, 1, 1, 1, 1, 0, 2, 1, 1, 2, 0, 0, 0});
  EXPECT_TRUE(same_bits(joined.reward, step.rewards.at("memory")));
  actions.erase("dram");
  EXPECT_THROW(groups.step(actions), InputError);
  actions["dram"] = {0};
  EXPECT_THROW(groups.step(actions), InputError);

  MultiAgentEnv knobs(make_env("dram-v0", quick_options("dram-v0")), MultiAgentEnv::Split::kKnobs);
  EXPECT_EQ(knobs.agents().size(), 10u);  // the MARL paper's one agent per knob
  EXPECT_EQ(knobs.action_nvec("RequestBufferSize"), (std::vector<uint32_t>{8}));
}

TEST(Records, EveryEvaluationIsAppendedAndReadBack) {
  const testing_scratch::ScratchDir scratch;
  const std::string path = scratch.path("records.pb");
  auto env = flaky_env();
  env->record_to(std::make_shared<RecordWriter>(path));
  env->reset(9);
  env->step({0, 0});
  env->step({1, 1});
  env->step({0, 0});
  std::vector<v1::Evaluation> records;
  read_records(path, [&](const v1::Evaluation& e) { records.push_back(e); });
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].status(), v1::Evaluation::OK);
  EXPECT_EQ(records[1].status(), v1::Evaluation::INVALID);
  EXPECT_EQ(records[0].seed(), 9u);
  EXPECT_EQ(records[0].env(), "flaky");
  EXPECT_EQ(records[0].point().values().at("x").number_value(), 0);
  EXPECT_EQ(records[0].key(), records[2].key());  // same design, workload, version, seed
  EXPECT_NE(records[0].key(), records[1].key());
  EXPECT_FALSE(records[0].simulator_version().empty());
  // A writer killed mid-record leaves a truncated tail, which readers skip.
  {
    std::ofstream tail(path, std::ios::app | std::ios::binary);
    tail << '\x40' << "partial";
  }
  size_t count = 0;
  read_records(path, [&](const v1::Evaluation&) { ++count; });
  EXPECT_EQ(count, 3u);
}

}  // namespace
}  // namespace accelgym::env
