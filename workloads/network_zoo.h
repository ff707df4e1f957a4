// Built-in workloads by name, and loading a workload by name or file.
#pragma once

#include <string>
#include <vector>

#include "accelgym/v1/workload.pb.h"

namespace accelgym::workloads {

struct BuiltinNetwork {
  std::string name;
  std::string file;    // relative to workloads/data
  std::string source;  // where the shapes come from
};

const std::vector<BuiltinNetwork>& builtin_networks();

// A built-in name (e.g. "resnet50"), a .csv topology or a .json Network. `seq_len` sets the
// sequence length of transformer workloads (0 = their default) and is an error for others.
v1::Network load_network(const std::string& name_or_path, bool force_gemm = false,
                         uint32_t seq_len = 0);

}  // namespace accelgym::workloads
