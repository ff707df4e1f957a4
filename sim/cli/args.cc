#include "sim/cli/args.h"

#include <boost/program_options.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "sim/core/errors.h"

namespace accelgym::cli {

Args::Args(std::string usage, std::string summary)
    : usage_(std::move(usage)), summary_(std::move(summary)) {}

void Args::option(const std::string& name, const std::string& value_name, const std::string& help,
                  const std::string& default_value) {
  order_.push_back(name);
  specs_[name] = Spec{value_name, help, default_value, false};
}

void Args::repeated(const std::string& name, const std::string& value_name,
                    const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{value_name, help, "", true};
}

void Args::flag(const std::string& name, const std::string& help) {
  order_.push_back(name);
  specs_[name] = Spec{"", help, "", false};
}

namespace {

namespace po = boost::program_options;

// Long options only (`--name value`, `--name=value`), and -h; no abbreviations.
constexpr int kStyle =
    po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
    po::command_line_style::long_allow_next | po::command_line_style::allow_short |
    po::command_line_style::short_allow_next | po::command_line_style::allow_dash_for_short;

}  // namespace

void Args::parse(int argc, char** argv, int first) {
  po::options_description described;
  for (const auto& name : order_) {
    const Spec& spec = specs_.at(name);
    if (spec.value_name.empty()) {
      described.add_options()(name.c_str(), po::bool_switch());
    } else {
      described.add_options()(name.c_str(), po::value<std::string>());
    }
  }
  described.add_options()("help,h", po::bool_switch());
  po::parsed_options parsed(&described);
  try {
    // The parser skips its argv[0]: start one before the first argument.
    parsed = po::command_line_parser(argc - first + 1, argv + first - 1)
                 .options(described)
                 .style(kStyle)
                 .allow_unregistered()
                 .run();
  } catch (const po::invalid_command_line_syntax& e) {
    std::string name = e.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    if (e.kind() == po::invalid_syntax::extra_parameter) {
      throw InputError("option '--" + name + "' takes no value");
    }
    const auto spec = specs_.find(name);
    throw InputError("option '--" + name + "' needs a value <" +
                     (spec == specs_.end() ? std::string("value") : spec->second.value_name) + ">");
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + " (see --help)");
  }
  for (const po::option& o : parsed.options) {
    if (o.position_key >= 0) {
      throw InputError("unexpected argument '" + o.value.front() + "' (see --help)");
    }
    if (o.unregistered) {
      throw InputError("unknown option '" + o.original_tokens.front() + "' (see --help)");
    }
    if (o.string_key == "help") {
      help_ = true;
      continue;
    }
    const Spec& spec = specs_.at(o.string_key);
    auto& slot = values_[o.string_key];
    if (spec.value_name.empty()) {  // a flag: given is given, once or more
      slot = {"true"};
      continue;
    }
    if (!spec.repeated && !slot.empty()) {
      throw InputError("option '--" + o.string_key + "' given more than once");
    }
    slot.push_back(o.value.front());
  }
}

std::string Args::help() const {
  std::ostringstream out;
  out << "usage: " << usage_ << "\n\n" << summary_ << "\n\noptions:\n";
  for (const auto& name : order_) {
    const Spec& s = specs_.at(name);
    std::string left = "  --" + name + (s.value_name.empty() ? "" : " <" + s.value_name + ">");
    out << left;
    out << std::string(left.size() < 30 ? 30 - left.size() : 1, ' ') << s.help;
    if (!s.default_value.empty()) out << " (default: " << s.default_value << ")";
    if (s.repeated) out << " (repeatable)";
    out << "\n";
  }
  out << "  --help                      this text\n";
  return out.str();
}

bool Args::has(const std::string& name) const { return values_.count(name) != 0; }

std::string Args::get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it != values_.end()) return it->second.front();
  return specs_.at(name).default_value;
}

bool Args::parse_or_help(int argc, char** argv, int first) {
  parse(argc, argv, first);
  if (help_) std::cout << help();
  return help_;
}

std::string Args::choice(const std::string& name, const std::vector<std::string>& allowed) const {
  const std::string value = get(name);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string list;
  for (size_t i = 0; i < allowed.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + allowed[i];
  }
  throw InputError("--" + name + " must be " + list + ", got '" + value + "'");
}

const std::vector<std::string>& Args::all(const std::string& name) const {
  static const std::vector<std::string> none;
  const auto it = values_.find(name);
  return it == values_.end() ? none : it->second;
}

}  // namespace accelgym::cli
