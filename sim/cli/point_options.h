// Building a design point from the command line, the same way for every command:
// declared defaults, then --config FILE, then command shorthands (--array, --standard, ...),
// then --set KEY=VALUE. Every value is checked against the space.
#pragma once

#include <string>
#include <vector>

#include "sim/cli/args.h"
#include "sim/core/design_space.h"

namespace accelgym::cli {

struct ShorthandValue {
  std::string name;    // parameter
  std::string text;    // value as typed
  std::string source;  // the option it came from, for errors
};
using PointOptions = std::vector<ShorthandValue>;

// Needs the options "config" and "set" declared in `args`.
IndexVector build_point(const DesignSpace& space, const Args& args, const PointOptions& shorthand);

std::vector<std::string> split(const std::string& text, char sep);

}  // namespace accelgym::cli
