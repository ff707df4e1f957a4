// The pagmo plugin (sim/cli/plugins.h): hypervolumes of Pareto fronts for `accelgym compare`.
#include "agents/hypervolume.h"
#include "sim/cli/plugins.h"

extern "C" [[gnu::visibility("default")]] const accelgym::cli::PagmoPlugin*
accelgym_pagmo_plugin() {
  static const accelgym::cli::PagmoPlugin plugin{&accelgym::agents::hypervolume};
  return &plugin;
}
