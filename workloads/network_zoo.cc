#include "workloads/network_zoo.h"

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/core/resources.h"
#include "workloads/topology_reader.h"
#include "workloads/transformer.h"

namespace accelgym::workloads {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const std::vector<BuiltinNetwork>& builtin_networks() {
  // SCALE-Sim v2's topologies keep their names and shapes (no padding), for 1:1 comparisons;
  // the others are full models with padding, groups and true depthwise layers.
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
      {"vgg16", "networks/vgg16.json", ""},
      {"resnet18-tv", "networks/resnet18.json", ""},
      {"mobilenet-v1", "networks/mobilenet_v1.json", ""},
      {"mobilenet-v2", "networks/mobilenet_v2.json", ""},
      {"bert-base", "networks/bert_base.json", ""},
      {"gpt2-small", "networks/gpt2_small.json", ""},
      {"vit-b16", "networks/vit_b16.json", ""},
  };
  return networks;
}

namespace {

bool is_transformer_file(const std::string& path) {
  const std::string text = read_text_file(path);
  return text.find("\"d_model\"") != std::string::npos;
}

v1::Network load_json(const std::string& path, uint32_t seq_len) {
  if (is_transformer_file(path)) {
    v1::TransformerSpec spec;
    load_json_file(path, &spec);
    return expand_transformer(spec, seq_len);
  }
  if (seq_len) throw InputError(path + ": --seq-len applies only to transformer workloads");
  return read_network_json(path);
}

}  // namespace

v1::Network load_network(const std::string& name_or_path, bool force_gemm, uint32_t seq_len) {
  for (const auto& b : builtin_networks()) {
    if (b.name != name_or_path) continue;
    const std::string path = resource_path("workloads/data/" + b.file);
    if (ends_with(b.file, ".json")) {
      v1::Network net = load_json(path, seq_len);
      net.set_name(b.name);
      return net;
    }
    if (seq_len) throw InputError("--seq-len applies only to transformer workloads");
    v1::Network net = read_topology_csv(path, force_gemm);
    net.set_name(b.name);
    net.set_source(b.source);
    return net;
  }
  if (ends_with(name_or_path, ".json")) return load_json(name_or_path, seq_len);
  if (ends_with(name_or_path, ".csv")) {
    if (seq_len) throw InputError("--seq-len applies only to transformer workloads");
    return read_topology_csv(name_or_path, force_gemm);
  }
  std::string names;
  for (const auto& b : builtin_networks()) names += (names.empty() ? "" : ", ") + b.name;
  throw InputError("unknown workload '" + name_or_path +
                   "': give a .csv topology, a .json "
                   "network, or one of: " +
                   names);
}

}  // namespace accelgym::workloads
