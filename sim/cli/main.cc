// accelgym: simulate accelerators and search their design spaces.
// Exit codes: 0 success, 2 usage or input error (one line on stderr), 1 internal error.
#include <google/protobuf/stubs/logging.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "models/accel/engine.h"
#include "sim/cli/commands.h"
#include "sim/cli/plugins.h"
#include "sim/core/errors.h"
#include "sim/core/limits.h"
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
    {"targets", "an env's default targets and their difficulty (derive, list)",
     accelgym::cli::cmd_targets},
    {"limits", "print the resource limits on inputs (change them with --limit NAME=VALUE)",
     accelgym::cli::cmd_limits},
};

void print_usage(std::ostream& out) {
  out << "usage: accelgym <command> [options]   (accelgym <command> --help for details)\n\n"
         "accelgym: cycle-approximate accelerator simulation and design-space exploration.\n\n"
         "commands:\n";
  for (const auto& c : kCommands) {
    out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  }
  out << "\noptions:\n  --version             print the version\n"
         "  --limit NAME=VALUE    raise or lower a resource limit (any command; accelgym limits)\n"
         "  --help                this text\n";
}

// Takes every `--limit NAME=VALUE` (or --limit=NAME=VALUE) out of argv, anywhere on the line,
// into ACCELGYM_LIMITS, which sim/core/limits.h reads once; worker processes inherit it.
// Returns the new argc.
int take_limit_options(int argc, char** argv) {
  std::string given;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--limit") {
      if (i + 1 >= argc) throw accelgym::InputError("option '--limit' needs a value <NAME=VALUE>");
      given += std::string(given.empty() ? "" : ",") + argv[++i];
    } else if (arg.rfind("--limit=", 0) == 0) {
      given += (given.empty() ? "" : ",") + arg.substr(8);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argv[kept] = nullptr;
  if (given.empty()) return kept;
  accelgym::parse_limits(given, "--limit");  // fail here, naming the option
  const char* before = std::getenv("ACCELGYM_LIMITS");
  const std::string all = before && *before ? std::string(before) + "," + given : given;
  setenv("ACCELGYM_LIMITS", all.c_str(), 1);
  return kept;
}

int dispatch(int argc, char** argv) {
  argc = take_limit_options(argc, argv);
  accelgym::limits();  // a bad ACCELGYM_LIMITS is reported before any work
  // The SystemC engine, for `sim --engine systemc` and envs with engine=systemc: the plugin is
  // loaded only if one of them runs.
  accelgym::accel::provide_systemc_engine([] {
    const auto& plugin = accelgym::cli::systemc_plugin();
    return accelgym::accel::SystemcEngine{plugin.simulate_systolic_tlm, plugin.simulate_hetero_tlm};
  });
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
  // Protobuf would print "[libprotobuf ERROR ...]" lines of its own before errors that
  // accelgym reports in one line anyway.
  google::protobuf::SetLogHandler(nullptr);
  try {
    const int code = dispatch(argc, argv);
    if (!(std::cout << std::flush)) {
      throw accelgym::InputError("standard output: write failed");
    }
    return code;
  } catch (const accelgym::InputError& e) {
    std::cerr << "accelgym: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "accelgym: internal error: " << e.what() << "\n";
    return 1;
  }
}
