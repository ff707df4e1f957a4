// accelgym: simulate accelerators and search their design spaces.
// Exit codes: 0 success, 2 usage or input error (one line on stderr), 1 internal error.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "sim/cli/commands.h"
#include "sim/core/errors.h"
#include "sim/core/version.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"space", "print a design space: its dimensions and total size", accelgym::cli::cmd_space},
    {"sim", "simulate a DNN workload on a systolic-array accelerator", accelgym::cli::cmd_sim},
    {"dram", "simulate a DRAM trace on a memory controller and device", accelgym::cli::cmd_dram},
    {"search", "search an env's design space with a searcher", accelgym::cli::cmd_search},
    {"compare", "compare searchers fairly over seeds", accelgym::cli::cmd_compare},
    {"sweep", "run a resumable sweep on local workers or MPI ranks", accelgym::cli::cmd_sweep},
    {"plot", "plot records: best reward so far, or a Pareto front (--x, --y)",
     accelgym::cli::cmd_plot},
    {"records", "export evaluation records (records export FILE --format csv)",
     accelgym::cli::cmd_records},
};

void print_usage(std::ostream& out) {
  out << "usage: accelgym <command> [options]   (accelgym <command> --help for details)\n\n"
         "accelgym: cycle-approximate accelerator simulation and design-space exploration.\n\n"
         "commands:\n";
  for (const auto& c : kCommands) {
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  }
  out << "\noptions:\n  --version  print the version\n  --help     this text\n";
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (first == "--version") {
    std::cout << "accelgym " << accelgym::version() << "\n";
    return 0;
  }
  for (const auto& c : kCommands) {
    if (first == c.name) return c.run(argc, argv);
  }
  throw accelgym::InputError("unknown command '" + first + "' (see accelgym --help)");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const accelgym::InputError& e) {
    std::cerr << "accelgym: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "accelgym: internal error: " << e.what() << "\n";
    return 1;
  }
}
