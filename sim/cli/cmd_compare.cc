#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>

#include "agents/runner.h"
#include "agents/statistics.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/plugins.h"
#include "sim/cli/point_options.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/env/registry.h"

namespace accelgym::cli {
namespace {

using Front = std::vector<std::vector<double>>;

// A run's Pareto front as objective vectors, each objective divided by its target's magnitude
// (minimised; a maximised metric negated).
Front scaled_front(const std::vector<v1::Evaluation>& front, const env::RewardConfig& reward) {
  Front points;
  for (const auto& e : front) {
    auto objectives = reward.objectives(e.metrics());
    for (size_t i = 0; i < objectives.size(); ++i) {
      const double magnitude = std::fabs(reward.targets[i].value);
      objectives[i] /= magnitude > 0 ? magnitude : 1;
    }
    points.push_back(std::move(objectives));
  }
  return points;
}

// One reference point for every run of a comparison (so their hypervolumes compare): 10 % of
// each objective's range beyond its worst value on any run's front (pagmo's usual choice of a
// nadir point pushed out a little).
std::vector<double> reference_point(const std::vector<const Front*>& fronts, size_t objectives) {
  std::vector<double> worst(objectives, -1e300), best(objectives, 1e300);
  for (const Front* front : fronts) {
    for (const auto& p : *front) {
      for (size_t i = 0; i < objectives; ++i) {
        worst[i] = std::max(worst[i], p[i]);
        best[i] = std::min(best[i], p[i]);
      }
    }
  }
  std::vector<double> reference(objectives);
  for (size_t i = 0; i < objectives; ++i) {
    if (worst[i] < best[i]) return {};  // no front at all
    reference[i] = worst[i] + std::max(0.1 * (worst[i] - best[i]), 1e-9);
  }
  return reference;
}

// "N" or "> B" for a value censored at budget + 1.
std::string evaluations(double value, uint64_t budget) {
  return value > static_cast<double>(budget) ? fmt::format("> {}", budget)
                                             : fmt::format("{:g}", value);
}

void print_table(const v1::CompareSummary& s, std::ostream& out) {
  std::string targets;
  for (const auto& t : s.targets()) targets += " " + t;
  out << fmt::format("compare on {}: budget {} evaluations, {} seeds, targets:{}\n\n", s.env(),
                     s.budget(), s.seeds(), targets);
  out << fmt::format("{:<8}{:>30}{:>10}{:>35}{:>9}{:>13}\n", "agent",
                     "best reward: median [95% CI]", "reached", "evals to target: median [95% CI]",
                     "speedup", "p vs random");
  for (const auto& a : s.agents()) {
    const std::string best =
        fmt::format("{:.4f} [{:.4f}, {:.4f}]", a.median_best(), a.best_ci_low(), a.best_ci_high());
    const std::string etr =
        fmt::format("{} [{}, {}]", evaluations(a.median_evaluations_to_target(), s.budget()),
                    evaluations(a.evaluations_to_target_ci_low(), s.budget()),
                    evaluations(a.evaluations_to_target_ci_high(), s.budget()));
    out << fmt::format("{:<8}{:>30}{:>7}/{:<2}{:>35}{:>9.2f}{:>13.2g}\n", a.agent(), best,
                       a.seeds_reaching_target(), s.seeds(), etr, a.speedup_over_random(),
                       a.p_value_vs_random());
  }
  if (s.targets_size() > 1) {
    out << fmt::format("\n{:<8}{:>42}{:>13}\n", "agent",
                       "Pareto front hypervolume: median [95% CI]", "p vs random");
    for (const auto& a : s.agents()) {
      out << fmt::format("{:<8}{:>42}{:>13.2g}\n", a.agent(),
                         fmt::format("{:.4f} [{:.4f}, {:.4f}]", a.median_hypervolume(),
                                     a.hypervolume_ci_low(), a.hypervolume_ci_high()),
                         a.p_value_hypervolume_vs_random());
    }
  }
  out << "\nSeeds that never met the targets count as budget + 1 (\"> budget\": censored); the\n"
         "intervals are 95 % percentile bootstraps of the median; p: two-sided Mann-Whitney U\n"
         "test against random's. Hypervolumes (several targets, pagmo): objectives over their\n"
         "targets' magnitudes, one reference point 10 % beyond the worst front value of any run.\n";
  out << fmt::format("host time {:.1f} s\n", s.host_time_s());
}

}  // namespace

int cmd_compare(int argc, char** argv) {
  Args args(
      "accelgym compare --env NAME --agents a,b,c [--seeds N] [--budget N] [options]",
      "Compare searchers fairly (docs/reference/gyms.md): one encoded space, the same budget in\n"
      "evaluations and the same seeds for every searcher; reports the median and IQR of the\n"
      "best reward, the improvement over random search (which is always included), and the\n"
      "evaluations needed to meet every target, with 95 % bootstrap intervals of the medians\n"
      "and a rank test against random. --out DIR writes curves.csv (agent, seed,\n"
      "evaluation, best_so_far) and summary.json.");
  args.option("env", "NAME", fmt::format("an env: {}", fmt::join(env::user_env_names(), ", ")));
  args.option(
      "agents", "LIST",
      fmt::format("comma-separated searchers ({})", fmt::join(agents::searcher_names(), ", ")),
      "random,walk,ga,nsga2,aco,bo,tpe,marl,ppo");
  args.option("seeds", "N", "seeds 1..N per searcher", "30");
  args.option("budget", "N", "evaluations per run", "100");
  declare_env_options(args);
  args.option("out", "DIR", "write curves.csv and summary.json here");
  args.option("format", "FORMAT", "table or json", "table");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  if (!args.has("env")) throw InputError("--env is required");
  const std::string format = args.choice("format", {"table", "json"});
  const uint64_t budget = parse_count(args.get("budget"), "--budget", 1);
  const uint32_t seeds = static_cast<uint32_t>(parse_count(args.get("seeds"), "--seeds", 1));
  std::vector<std::string> agent_names = split(args.get("agents"), ',');
  if (std::find(agent_names.begin(), agent_names.end(), "random") == agent_names.end()) {
    agent_names.insert(agent_names.begin(), "random");  // the baseline is always measured
  }
  auto env = env::make_env(args.get("env"), env_options(args));
  for (const auto& a : agent_names) agents::make_searcher(a, env->space(), 0);  // fail early
  const bool multi_objective = env->reward_config().targets.size() > 1;
  if (multi_objective) pagmo_plugin();  // a missing plugin fails now, not after the runs

  const auto start = std::chrono::steady_clock::now();
  std::optional<OutputFile> curves;
  if (args.has("out")) {
    std::error_code error;
    std::filesystem::create_directories(args.get("out"), error);
    if (error) throw InputError("--out " + args.get("out") + ": " + error.message());
    curves.emplace(args.get("out") + "/curves.csv");
    curves->write("agent,seed,evaluation,best_so_far\n");
  }
  struct Runs {
    std::vector<double> best, evaluations_to_target, hypervolume;
    std::vector<Front> fronts;  // several targets only
  };
  std::map<std::string, Runs> stats;
  for (const auto& name : agent_names) {
    for (uint32_t seed = 1; seed <= seeds; ++seed) {
      agents::CheckpointedSearcher searcher(name, env->space(), seed, {});
      agents::SearchOptions o;
      o.budget = budget;
      o.seed = seed;
      o.batch = 1;  // every searcher told each result before its next ask
      const auto r = agents::run_search(*env, searcher, o);
      Runs& runs = stats[name];
      runs.best.push_back(r.best_so_far.empty() ? env->reward_config().invalid_penalty()
                                                : r.best_so_far.back());
      runs.evaluations_to_target.push_back(r.evaluations_to_target
                                               ? static_cast<double>(r.evaluations_to_target)
                                               : static_cast<double>(budget + 1));
      if (multi_objective)
        runs.fronts.push_back(scaled_front(r.pareto_front, env->reward_config()));
      if (curves) {
        for (size_t i = 0; i < r.best_so_far.size(); ++i) {
          curves->write(fmt::format("{},{},{},{}\n", name, seed, i + 1, r.best_so_far[i]));
        }
      }
      std::cerr << "." << std::flush;
    }
  }
  std::cerr << "\n";
  v1::CompareSummary s;
  s.set_env(env->name());
  s.set_budget(budget);
  s.set_seeds(seeds);
  for (const auto& t : env->reward_config().targets) s.add_targets(env::describe(t));
  if (multi_objective) {  // hypervolumes by pagmo, through its plugin
    std::vector<const Front*> fronts;
    for (const auto& [name, runs] : stats) {
      for (const auto& f : runs.fronts) fronts.push_back(&f);
    }
    const auto reference = reference_point(fronts, env->reward_config().targets.size());
    for (auto& [name, runs] : stats) {
      for (const auto& f : runs.fronts) {
        runs.hypervolume.push_back(reference.empty() ? 0
                                                     : pagmo_plugin().hypervolume(f, reference));
      }
    }
  }
  using agents::quantile;
  const double random_median = quantile(stats["random"].best, 0.5);
  const double random_etr = quantile(stats["random"].evaluations_to_target, 0.5);
  for (const auto& name : agent_names) {
    const auto& best = stats[name].best;
    const auto& etr = stats[name].evaluations_to_target;
    auto* a = s.add_agents();
    a->set_agent(name);
    a->set_median_best(quantile(best, 0.5));
    a->set_q25_best(quantile(best, 0.25));
    a->set_q75_best(quantile(best, 0.75));
    const auto best_ci = agents::bootstrap_median_interval(best);
    a->set_best_ci_low(best_ci.low);
    a->set_best_ci_high(best_ci.high);
    a->set_median_improvement_over_random(a->median_best() - random_median);
    a->set_seeds_reaching_target(static_cast<uint32_t>(std::count_if(
        etr.begin(), etr.end(), [&](double e) { return e <= static_cast<double>(budget); })));
    a->set_censored_seeds(seeds - a->seeds_reaching_target());
    a->set_median_evaluations_to_target(quantile(etr, 0.5));
    const auto etr_ci = agents::bootstrap_median_interval(etr);
    a->set_evaluations_to_target_ci_low(etr_ci.low);
    a->set_evaluations_to_target_ci_high(etr_ci.high);
    a->set_speedup_over_random(random_etr / a->median_evaluations_to_target());
    a->set_p_value_vs_random(
        name == "random" ? 1.0
                         : agents::mann_whitney_p(etr, stats["random"].evaluations_to_target));
    if (multi_objective) {
      const auto& hv = stats[name].hypervolume;
      a->set_median_hypervolume(quantile(hv, 0.5));
      const auto hv_ci = agents::bootstrap_median_interval(hv);
      a->set_hypervolume_ci_low(hv_ci.low);
      a->set_hypervolume_ci_high(hv_ci.high);
      a->set_p_value_hypervolume_vs_random(
          name == "random" ? 1.0 : agents::mann_whitney_p(hv, stats["random"].hypervolume));
    }
  }
  s.set_host_time_s(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (args.has("out")) {
    curves->close();
    write_text_file_atomically(args.get("out") + "/summary.json", to_report_json(s) + "\n");
  }
  if (format == "json") {
    std::cout << to_report_json(s) << "\n";
  } else {
    print_table(s, std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
