// Readers for DNN workloads: SCALE-Sim topology CSVs and accelgym's Network JSON.
#pragma once

#include <string>
#include <string_view>

#include "accelgym/v1/workload.pb.h"

namespace accelgym::workloads {

// SCALE-Sim topology CSV. Conv form: `Layer name, IFMAP Height, IFMAP Width, Filter Height,
// Filter Width, Channels, Num Filter, Strides,`; GEMM form: `Layer, M, N, K,`. The header row
// is skipped and picks the form (or `force_gemm`); trailing commas, spaces and blank lines are
// accepted. A name starting with "DP" marks a depthwise layer. Errors name `source`:line.
v1::Network parse_topology_csv(std::string_view text, const std::string& source, bool force_gemm);
v1::Network read_topology_csv(const std::string& path, bool force_gemm = false);

// InputError naming `where` when a network of `layers` layers exceeds
// limits().max_network_layers.
void check_layer_count(uint64_t layers, const std::string& where);

// accelgym.v1.Network in protobuf's JSON mapping.
v1::Network read_network_json(const std::string& path);

}  // namespace accelgym::workloads
