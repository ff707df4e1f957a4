#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <iostream>

#include "agents/runner.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/point_options.h"
#include "sim/cli/progress.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/core/records.h"
#include "sim/env/registry.h"

namespace accelgym::cli {
namespace {

using Clock = std::chrono::steady_clock;

void print_table(const v1::SearchSummary& s, const DesignSpace& space, std::ostream& out) {
  out << "search " << s.searcher() << " on " << s.env() << " (seed " << s.seed() << "), targets:";
  for (const auto& t : s.targets()) out << " " << t;
  out << "\n"
      << s.evaluations() << " evaluations: " << s.valid() << " valid, " << s.invalid()
      << " invalid, " << s.failed() << " failed; "
      << (s.evaluations_to_target()
              ? "targets met after " + std::to_string(s.evaluations_to_target()) + " evaluations"
              : std::string("targets not met"))
      << "\n\nbest design (reward " << s.best_reward() << "):\n";
  for (size_t d = 0; d < space.num_dimensions(); ++d) {  // in the space's order
    const auto it = s.best_point().values().find(space.dimension(d).name());
    if (it == s.best_point().values().end()) continue;
    const auto& v = it->second;
    fmt::print(out, "  {:<24}{}{}\n", it->first,
               v.has_string_value() ? v.string_value() : to_string(ParamValue(v.number_value())),
               space.dimension(d).unit().empty() ? "" : " " + space.dimension(d).unit());
  }
  out << "best metrics:\n";
  const auto& m = s.best_metrics();
  out << "  cycles " << m.cycles() << ", latency_ns " << m.latency_ns() << ", energy_pj "
      << m.energy_pj() << ", avg_power_mw " << m.avg_power_mw() << ", area_mm2 " << m.area_mm2()
      << "\n";
  out << "Pareto front over the targets' metrics: " << s.pareto_front_size() << " designs\n";
  out << "host time " << s.host_time_s() << " s\n";
}

}  // namespace

int cmd_search(int argc, char** argv) {
  Args args("accelgym search --env NAME --agent NAME [options]",
            fmt::format("Search an env's design space with a searcher: {}.\n",
                        fmt::join(agents::searcher_names(), ", ")) +
                "Every evaluation can be recorded (--records); the searcher's state can be saved\n"
                "after every batch (--checkpoint).");
  args.option("env", "NAME", fmt::format("an env: {}", fmt::join(env::user_env_names(), ", ")));
  args.option("agent", "NAME", "a searcher (docs/SEARCH.md)");
  args.option("budget", "N", "evaluations", "100");
  args.option("seed", "S", "seed of the searcher and of the env", "0");
  args.option("batch", "B", "designs asked and evaluated per round", "1");
  args.repeated("set", "agent.KEY=VALUE", "a searcher hyperparameter, e.g. agent.population=64");
  declare_env_options(args);
  args.option("records", "FILE", "append every evaluation to FILE");
  args.option("checkpoint", "FILE", "write the searcher's checkpoint to FILE after every batch");
  args.option("format", "FORMAT", "table or json", "table");
  args.flag("stop-at-target", "end the search once a design meets every target");
  args.flag("quiet", "no progress on stderr");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  if (!args.has("env") || !args.has("agent")) throw InputError("--env and --agent are required");
  const std::string format = args.choice("format", {"table", "json"});
  agents::SearchOptions options;
  options.budget = parse_count(args.get("budget"), "--budget", 1);
  options.seed = parse_count(args.get("seed"), "--seed");
  options.batch = static_cast<size_t>(parse_count(args.get("batch"), "--batch", 1));
  options.checkpoint_path = args.get("checkpoint");
  options.stop_at_target = args.has("stop-at-target");
  agents::Options agent_options;
  for (const auto& kv : args.all("set")) {
    auto [key, value] = key_value(kv, "--set");
    if (key.rfind("agent.", 0) != 0) {
      throw InputError("--set " + key + ": searcher hyperparameters are given as agent.KEY=VALUE");
    }
    agent_options[key.substr(6)] = value;
  }
  auto env = env::make_env(args.get("env"), env_options(args));
  if (args.has("records")) env->record_to(std::make_shared<RecordWriter>(args.get("records")));
  agents::CheckpointedSearcher searcher(args.get("agent"), env->space(), options.seed,
                                        agent_options);
  Progress progress(options.budget);
  if (!args.has("quiet")) {
    options.progress = [&](uint64_t done, double best) {
      progress.update(done, fmt::format("best {:.4g}", best));
    };
  }

  const auto start = Clock::now();
  const agents::SearchResult result = agents::run_search(*env, searcher, options);
  v1::SearchSummary s;
  s.set_env(env->name());
  s.set_searcher(args.get("agent"));
  s.set_seed(options.seed);
  for (const auto& t : env->reward_config().targets) s.add_targets(env::describe(t));
  if (result.have_best) {
    *s.mutable_best_point() = result.best.point();
    s.set_best_reward(result.best.reward());
    *s.mutable_best_metrics() = result.best.metrics();
  } else {
    s.set_best_reward(env->reward_config().invalid_penalty());
  }
  s.set_evaluations(result.evaluations);
  s.set_valid(result.valid);
  s.set_invalid(result.invalid);
  s.set_failed(result.failed);
  s.set_evaluations_to_target(result.evaluations_to_target);
  for (const auto& e : result.pareto_front) *s.add_pareto_front() = e;
  for (double b : result.best_so_far) s.add_best_so_far(b);
  s.set_host_time_s(std::chrono::duration<double>(Clock::now() - start).count());
  if (format == "json") {
    std::cout << to_report_json(s) << "\n";
  } else {
    print_table(s, env->space(), std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
