// The command line of `accelgym <command> [options]`: each command declares its options here
// (the one list its --help prints); Boost.Program_options reads them: long options only,
// `--name value` or `--name=value`, repeatable options, `--help` (or -h) on every command, and
// clear errors naming the option.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accelgym::cli {

class Args {
 public:
  Args(std::string usage, std::string summary);

  void option(const std::string& name, const std::string& value_name, const std::string& help,
              const std::string& default_value = "");
  void repeated(const std::string& name, const std::string& value_name, const std::string& help);
  void flag(const std::string& name, const std::string& help);

  // Parses argv[first..]; throws InputError for an unknown option or a missing value.
  void parse(int argc, char** argv, int first);
  // parse(), then with --help prints the help on stdout: true when the command should end.
  bool parse_or_help(int argc, char** argv, int first);

  bool help_requested() const { return help_; }
  std::string help() const;
  bool has(const std::string& name) const;         // given on the command line (or a flag set)
  std::string get(const std::string& name) const;  // the value, or the default
  // get(), which must be one of `allowed` (InputError naming the option otherwise).
  std::string choice(const std::string& name, const std::vector<std::string>& allowed) const;
  const std::vector<std::string>& all(const std::string& name) const;

 private:
  struct Spec {
    std::string value_name;  // empty for flags
    std::string help;
    std::string default_value;
    bool repeated = false;
  };
  std::string usage_;
  std::string summary_;
  std::vector<std::string> order_;
  std::map<std::string, Spec> specs_;
  std::map<std::string, std::vector<std::string>> values_;
  bool help_ = false;
};

}  // namespace accelgym::cli
