#include "sim/cli/point_options.h"

#include "sim/core/errors.h"
#include "sim/core/parse.h"
#include "sim/core/proto_io.h"

namespace accelgym::cli {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const auto pos = text.find(sep, start);
    out.push_back(text.substr(start, pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

uint64_t parse_count(const std::string& text, const std::string& option, uint64_t min,
                     uint64_t max) {
  return parse_unsigned(text, option, min, max);
}

double parse_number(const std::string& text, const std::string& option) {
  return parse_finite(text, option);
}

std::pair<std::string, std::string> key_value(const std::string& text, const std::string& option) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(option + ": expected KEY=VALUE, got '" + text + "'");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

void declare_env_option(Args& args) {
  args.repeated("env-option", "KEY=VALUE", "an env option, e.g. trace=cloud-1 or workload=vgg16");
}

std::map<std::string, std::string> env_option_values(const Args& args) {
  std::map<std::string, std::string> options;
  for (const auto& kv : args.all("env-option")) options.insert(key_value(kv, "--env-option"));
  return options;
}

void declare_env_options(Args& args) {
  declare_env_option(args);
  args.repeated("target", "METRIC<=VALUE",
                "a target (replaces the env's defaults), e.g. latency_ns<=5e4");
}

std::map<std::string, std::string> env_options(const Args& args) {
  std::map<std::string, std::string> options = env_option_values(args);
  std::string targets;
  for (const auto& t : args.all("target")) targets += (targets.empty() ? "" : ";") + t;
  if (!targets.empty()) options["targets"] = targets;
  return options;
}

IndexVector build_point(const DesignSpace& space, const Args& args, const PointOptions& shorthand) {
  ParamMap values;
  if (args.has("config")) {
    v1::DesignPoint file_point;
    load_json_file(args.get("config"), &file_point);
    values = space.decode(space.from_proto(file_point, args.get("config")));
  }
  std::vector<DesignSpace::Assignment> assignments = shorthand;
  for (const auto& assignment : args.all("set")) {
    const auto [name, text] = key_value(assignment, "--set");
    assignments.push_back({name, text, "--set " + name});
  }
  return space.assign(std::move(values), assignments);
}

}  // namespace accelgym::cli
