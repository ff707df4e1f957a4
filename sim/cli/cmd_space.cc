#include <google/protobuf/struct.pb.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "models/spaces.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/point_options.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/env/registry.h"

namespace accelgym::cli {
namespace {

const char* kind_name(v1::Dimension::Kind kind) {
  switch (kind) {
    case v1::Dimension::INT:
      return "int";
    case v1::Dimension::POW2:
      return "pow2";
    case v1::Dimension::CATEGORICAL:
      return "categorical";
    case v1::Dimension::REAL:
      return "real";
    default:
      return "?";
  }
}

std::string values_text(const DesignSpace& space, size_t d) {
  const size_t n = space.cardinality(d);
  if (n <= 6 || space.dimension(d).kind() == v1::Dimension::CATEGORICAL) {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      out += (i ? "," : "") + to_string(space.value(d, static_cast<uint32_t>(i)));
    }
    return out;
  }
  return to_string(space.value(d, 0)) + ".." +
         to_string(space.value(d, static_cast<uint32_t>(n - 1))) + " (" + std::to_string(n) +
         " values)";
}

std::string size_text(double size) {
  return size < 1e15 ? fmt::format("{:.0f}", size) : fmt::format("{:.3e}", size);
}

void print_table(const DesignSpace& space, std::ostream& out) {
  out << "space '" << space.name() << "': " << space.spec().doc() << "\n\n";
  size_t name_w = 10, values_w = 7, default_w = 8;
  for (size_t d = 0; d < space.num_dimensions(); ++d) {
    name_w = std::max(name_w, space.dimension(d).name().size() + 2);
    values_w = std::max(values_w, values_text(space, d).size() + 2);
    default_w = std::max(default_w, to_string(space.value(d, space.default_index(d))).size() + 2);
  }
  const auto row = [&](const std::string& name, const std::string& group, const std::string& kind,
                       const std::string& values, const std::string& default_value,
                       const std::string& unit) {
    fmt::print(out, "{:<{}}{:<12}{:<13}{:<{}}{:<{}}{}", name, name_w, group, kind, values, values_w,
               default_value, default_w, unit);
  };
  row("dimension", "group", "kind", "values", "default", "unit\n");
  for (size_t d = 0; d < space.num_dimensions(); ++d) {
    const auto& dim = space.dimension(d);
    row(dim.name(), dim.group(), kind_name(dim.kind()), values_text(space, d),
        to_string(space.value(d, space.default_index(d))), dim.unit());
    if (dim.has_condition()) out << "  (when " << dim.condition().dimension() << " matches)";
    out << "\n";
  }
  for (const auto& c : space.spec().constraints()) {
    out << "constraint " << c.name() << ": " << c.doc() << "\n";
  }
  out << "\nsize: " << size_text(space.size()) << " design points\n";
}

// The env's targets and where they come from (sim/env/targets.h).
void print_targets(const v1::DefaultTargets& t, std::ostream& out) {
  std::string targets;
  for (const auto& target : t.targets()) targets += (targets.empty() ? "" : ", ") + target;
  if (targets.empty()) return;  // an env with a fixed rule of its own (synthetic-v0)
  out << "targets: " << targets << "\n";
  if (t.source() == "table") {
    out << fmt::format(
        "  default for these options: {} of {} random designs (seed {}) meet them all "
        "({:.2f} %; accelgym targets --list)\n",
        t.meeting(), t.sample_size(), t.sample_seed(), 100 * t.difficulty());
  } else if (t.source() == "relative") {
    out << "  relative to the default design: no default for these env options in the table,\n"
           "  so their difficulty is unknown (accelgym targets --env ... derives it)\n";
  } else {
    out << "  given as an option\n";
  }
}

v1::SpaceSummary summary(const DesignSpace& space) {
  v1::SpaceSummary s;
  s.set_name(space.name());
  s.set_doc(space.spec().doc());
  s.set_size(space.size());
  for (size_t d = 0; d < space.num_dimensions(); ++d) {
    v1::Dimension* dim = s.add_dimensions();
    *dim = space.dimension(d);
    dim->clear_values();
    for (uint32_t i = 0; i < space.cardinality(d); ++i)
      *dim->add_values() = to_proto(space.value(d, i));
  }
  *s.mutable_constraints() = space.spec().constraints();
  return s;
}

}  // namespace

int cmd_space(int argc, char** argv) {
  Args args("accelgym space [--space NAME | --env NAME] [--restrict FILE] [--format table|json]",
            "Print a design space: each dimension (group, kind, values, default, unit) and the\n"
            "total number of design points. --env prints a registered env's action space and\n"
            "its targets with their difficulty (the fraction of random designs meeting them).");
  std::vector<std::string> spaces;
  for (const auto& s : builtin_spaces()) spaces.push_back(s.name);
  args.option("space", "NAME", fmt::format("a component space: {}", fmt::join(spaces, ", ")),
              "systolic");
  args.option("env", "NAME", fmt::format("an env: {}", fmt::join(env::user_env_names(), ", ")));
  declare_env_option(args);
  args.option("restrict", "FILE", "a SpaceRestriction JSON file narrowing the space");
  args.option("format", "FORMAT", "table or json", "table");
  args.flag("list", "list the built-in spaces");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  if (args.has("list")) {
    for (const auto& s : builtin_spaces()) std::cout << "space " << s.name << "  " << s.doc << "\n";
    for (const auto& e : env::registered_envs()) {
      if (!e.for_testing) std::cout << "env " << e.name << "  " << e.doc << "\n";
    }
    return 0;
  }
  if (args.has("env") && args.has("space")) throw InputError("give --space or --env, not both");
  if (args.has("env-option") && !args.has("env")) throw InputError("--env-option needs --env");
  const std::string format = args.choice("format", {"table", "json"});
  const auto env =
      args.has("env") ? env::make_env(args.get("env"), env_option_values(args)) : nullptr;
  DesignSpace space = env ? env->space() : make_space(args.get("space"));
  if (args.has("restrict")) {
    v1::SpaceRestriction restriction;
    load_json_file(args.get("restrict"), &restriction);
    space = space.restricted(restriction, args.get("restrict"));
  }
  if (format == "json") {
    v1::SpaceSummary s = summary(space);
    if (env) *s.mutable_targets() = env->target_origin();
    std::cout << to_json(s) << "\n";
  } else {
    print_table(space, std::cout);
    if (env) print_targets(env->target_origin(), std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
