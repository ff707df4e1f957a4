#include "workloads/network_zoo.h"

#include "sim/core/errors.h"
#include "sim/core/resources.h"
#include "workloads/topology_reader.h"

namespace accelgym::workloads {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const std::vector<BuiltinNetwork>& builtin_networks() {
  static const std::vector<BuiltinNetwork> networks = {
      {"alexnet", "scalesim/alexnet.csv", "SCALE-Sim v2 topologies/conv_nets/alexnet.csv"},
      {"resnet18", "scalesim/Resnet18.csv", "SCALE-Sim v2 topologies (ResNet-18 conv layers)"},
      {"resnet50", "scalesim/Resnet50.csv", "SCALE-Sim v2 topologies/conv_nets/Resnet50.csv"},
      {"mobilenet", "scalesim/mobilenet.csv", "SCALE-Sim v2 topologies/conv_nets/mobilenet.csv"},
      {"gpt2", "scalesim/gpt2.csv", "SCALE-Sim v2 topologies (GPT-2 GEMMs)"},
      {"transformer_partial", "scalesim/transformer_partial.csv",
       "SCALE-Sim v2 topologies (transformer GEMMs)"},
      {"conv_test", "scalesim/conv_test.csv", "SCALE-Sim v2 topologies/conv_nets/test.csv"},
      {"gemm_test", "scalesim/gemm_test_mnk.csv", "SCALE-Sim v2 topologies/GEMM_mnk/test.csv"},
  };
  return networks;
}

v1::Network load_network(const std::string& name_or_path, bool force_gemm) {
  for (const auto& b : builtin_networks()) {
    if (b.name == name_or_path) {
      v1::Network net = read_topology_csv(resource_path("workloads/data/" + b.file), force_gemm);
      net.set_name(b.name);
      net.set_source(b.source);
      return net;
    }
  }
  if (ends_with(name_or_path, ".json")) return read_network_json(name_or_path);
  if (ends_with(name_or_path, ".csv")) return read_topology_csv(name_or_path, force_gemm);
  std::string names;
  for (const auto& b : builtin_networks()) names += (names.empty() ? "" : ", ") + b.name;
  throw InputError("unknown workload '" + name_or_path + "': give a .csv topology, a .json "
                   "network, or one of: " + names);
}

}  // namespace accelgym::workloads
