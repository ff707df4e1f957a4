#include "sim/cli/args.h"

#include <iostream>

#include <algorithm>

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

void Args::parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      throw InputError("unexpected argument '" + arg + "' (see --help)");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const auto it = specs_.find(name);
    if (it == specs_.end()) throw InputError("unknown option '--" + name + "' (see --help)");
    const Spec& spec = it->second;
    if (spec.value_name.empty()) {
      if (value) throw InputError("option '--" + name + "' takes no value");
      values_[name] = {"true"};
      continue;
    }
    if (!value) {
      if (i + 1 >= argc)
        throw InputError("option '--" + name + "' needs a value <" + spec.value_name + ">");
      value = argv[++i];
    }
    auto& slot = values_[name];
    if (!spec.repeated && !slot.empty()) {
      throw InputError("option '--" + name + "' given more than once");
    }
    slot.push_back(*value);
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
