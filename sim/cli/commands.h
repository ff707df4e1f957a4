// The `accelgym` subcommands. Each returns the process exit code; InputError escaping one
// becomes exit code 2 in main().
#pragma once

namespace accelgym::cli {

int cmd_space(int argc, char** argv);
int cmd_sim(int argc, char** argv);
int cmd_dram(int argc, char** argv);
int cmd_records(int argc, char** argv);
int cmd_search(int argc, char** argv);
int cmd_compare(int argc, char** argv);
int cmd_plot(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_limits(int argc, char** argv);
int cmd_targets(int argc, char** argv);

}  // namespace accelgym::cli
