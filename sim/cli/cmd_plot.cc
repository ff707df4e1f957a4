#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "sim/cli/commands.h"
#include "sim/core/errors.h"

namespace accelgym::cli {

// `accelgym plot RECORDS [--x METRIC --y METRIC] [--out PNG]`: hands over to the Python package's
// plotter (matplotlib) under the Python the package was built for (ACCELGYM_PYTHON, Debian's
// /usr/bin/python3 by default), with the package built next to this binary on PYTHONPATH.
int cmd_plot(int argc, char** argv) {
  if (argc < 3) throw InputError("plot: give a records file or --compare DIR (see --help)");
  std::string path = ACCELGYM_PYTHON_DIR;
  if (const char* existing = std::getenv("PYTHONPATH"); existing && *existing) {
    path += ":" + std::string(existing);
  }
  setenv("PYTHONPATH", path.c_str(), 1);
  std::vector<char*> args = {const_cast<char*>("python3"), const_cast<char*>("-m"),
                             const_cast<char*>("accelgym.plot")};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(ACCELGYM_PYTHON, args.data());
  throw InternalError(std::string("cannot run ") + ACCELGYM_PYTHON +
                      " for plotting (install python3-matplotlib)");
}

}  // namespace accelgym::cli
