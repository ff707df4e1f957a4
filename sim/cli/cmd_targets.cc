#include <iostream>

#include <fmt/format.h>

#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/point_options.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/env/registry.h"
#include "sim/env/targets.h"

namespace accelgym::cli {
namespace {

std::string options_text(const v1::DefaultTargets& e) {
  std::string out;
  for (const auto& [key, value] :
       std::map<std::string, std::string>(e.options().begin(), e.options().end())) {
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", key, value);
  }
  return out;
}

std::string targets_text(const v1::DefaultTargets& e) {
  std::string out;
  for (const auto& t : e.targets()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

std::string rule_text(const v1::DefaultTargets& e) {
  std::string out;
  for (const auto& q : e.quantiles()) {
    out += fmt::format("{}{} q{:g}", out.empty() ? "" : ", ", q.metric(), 100 * q.quantile());
  }
  return out;
}

void print_entry(const v1::DefaultTargets& e, std::ostream& out) {
  out << fmt::format(
      "{} ({})\n  targets: {}\n  rule: {}, each over the valid designs meeting "
      "the targets before it, in a sample of {} (seed {}; {} valid)\n  difficulty: "
      "{} of {} sampled designs meet every target ({:.2f} %)\n",
      e.env(), options_text(e), targets_text(e), rule_text(e), e.sample_size(), e.sample_seed(),
      e.valid(), e.meeting(), e.sample_size(), 100 * e.difficulty());
}

void print_markdown(const v1::DefaultTargetTable& table, std::ostream& out) {
  out << "| env | workload options | targets | rule (quantiles) | difficulty |\n"
         "|---|---|---|---|---|\n";
  for (const auto& e : table.entries()) {
    out << fmt::format("| {} | {} | {} | {} | {:.2f} % ({} of {}) |\n", e.env(), options_text(e),
                       targets_text(e), rule_text(e), 100 * e.difficulty(), e.meeting(),
                       e.sample_size());
  }
}

}  // namespace

int cmd_targets(int argc, char** argv) {
  Args args(
      "accelgym targets (--env NAME [--env-option K=V]... [--sample N] [--seed S] [--update]"
      " | --list) [--format FORMAT]",
      "An env's default targets (docs/ENVS.md): every target metric <= its quantile over a\n"
      "seeded random sample of the env's designs. --env derives them by evaluating the\n"
      "sample; --update stores them in the shipped table; --list prints the table.");
  args.option("env", "NAME", "the env");
  declare_env_option(args);
  args.option("sample", "N", "random designs to evaluate", "1000");
  args.option("seed", "S", "the sample's seed", "1");
  args.flag("update", "store the derived entry in the shipped table (sim/env/data)");
  args.flag("list", "print the shipped table");
  args.option("format", "FORMAT", "table, json or markdown", "table");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  const std::string format = args.choice("format", {"table", "json", "markdown"});
  if (args.has("list") == args.has("env")) throw InputError("give --env NAME or --list");
  if (args.has("list")) {
    const auto& table = env::default_target_table();
    if (format == "json") {
      std::cout << to_json(table) << "\n";
    } else if (format == "markdown") {
      print_markdown(table, std::cout);
    } else {
      for (const auto& e : table.entries()) print_entry(e, std::cout);
    }
    return 0;
  }
  const auto options = env_option_values(args);
  const auto sample =
      static_cast<uint32_t>(parse_count(args.get("sample"), "--sample", 1, 1000000));
  const uint64_t seed = parse_count(args.get("seed"), "--seed");
  const v1::DefaultTargets entry =
      env::derive_default_targets(args.get("env"), options, sample, seed);
  if (args.has("update")) {
    env::store_default_targets(entry, env::default_target_table_path());
    std::cerr << "stored in " << env::default_target_table_path() << "\n";
  }
  if (format == "json") {
    std::cout << to_json(entry) << "\n";
  } else if (format == "markdown") {
    v1::DefaultTargetTable one;
    *one.add_entries() = entry;
    print_markdown(one, std::cout);
  } else {
    print_entry(entry, std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
