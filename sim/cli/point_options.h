// Building a design point from the command line, the same way for every command:
// declared defaults, then --config FILE, then command shorthands (--array, --standard, ...),
// then --set KEY=VALUE. Every value is checked against the space.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/cli/args.h"
#include "sim/core/design_space.h"

namespace accelgym::cli {

// A shorthand's parameter, its value as typed and the option it came from.
using PointOptions = std::vector<DesignSpace::Assignment>;

// Needs the options "config" and "set" declared in `args`.
IndexVector build_point(const DesignSpace& space, const Args& args, const PointOptions& shorthand);

std::vector<std::string> split(const std::string& text, char sep);

// Option values, checked (sim/core/parse.h): InputError naming the option on anything else.
uint64_t parse_count(const std::string& text, const std::string& option, uint64_t min = 0,
                     uint64_t max = UINT64_MAX);
double parse_number(const std::string& text, const std::string& option);  // finite
std::pair<std::string, std::string> key_value(const std::string& text, const std::string& option);

// Declares --env-option alone, and reads its KEY=VALUE pairs (InputError naming the option).
void declare_env_option(Args& args);
std::map<std::string, std::string> env_option_values(const Args& args);

// Declares --env-option and --target, and turns them into make_env options.
void declare_env_options(Args& args);
std::map<std::string, std::string> env_options(const Args& args);

}  // namespace accelgym::cli
