#include "workloads/topology_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "sim/core/parse.h"
#include "sim/core/proto_io.h"

namespace accelgym::workloads {
namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Splits on commas, trims each field and drops the empty trailing fields SCALE-Sim writes.
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (!fields.empty() && fields.back().empty()) fields.pop_back();
  return fields;
}

uint64_t parse_count(const std::string& text, const std::string& source, int line,
                     const char* field) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw InputError::at(source, line, field,
                         quoted_excerpt(text) + " is not a non-negative integer");
  }
  if (value == 0) throw InputError::at(source, line, field, "must be at least 1");
  if (value > 0xffffffffULL) throw InputError::at(source, line, field, "value too large");
  return value;
}

}  // namespace

void check_layer_count(uint64_t layers, const std::string& where) {
  const uint64_t most = limits().max_network_layers;
  if (layers > most) {
    throw InputError(
        fmt::format("{}: more than {} layers ({})", where, most, limit_hint("max_network_layers")));
  }
}

namespace {

constexpr const char* kConvFields[] = {"IFMAP Height", "IFMAP Width", "Filter Height",
                                       "Filter Width", "Channels",    "Num Filter",
                                       "Strides",      "Stride Width"};
constexpr const char* kGemmFields[] = {"M", "N", "K"};

}  // namespace

v1::Network parse_topology_csv(std::string_view text, const std::string& source, bool force_gemm) {
  v1::Network net;
  int line_no = 0;
  bool header_seen = false;
  bool gemm = force_gemm;
  for (size_t start = 0; start < text.size();) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string line(text.substr(start, end - start));
    start = end + 1;
    ++line_no;
    if (trim(line).empty()) continue;
    const auto fields = split_fields(line);
    if (!header_seen) {
      header_seen = true;
      if (fields.size() == 4) {
        gemm = true;
      } else if ((fields.size() != 8 && fields.size() != 9) || force_gemm) {
        throw InputError::at(source, line_no, "header",
                             fmt::format("expected the SCALE-Sim conv header (8 columns, or 9 "
                                         "with a separate stride width) or the GEMM header "
                                         "`Layer, M, N, K` (4 columns), found {} columns",
                                         fields.size()));
      }
      continue;
    }
    // SCALE-Sim reads each conv row alone: a 9th value is the stride along the width, without
    // it the stride applies to both.
    if (gemm ? fields.size() != 4 : fields.size() != 8 && fields.size() != 9) {
      throw InputError::at(
          source, line_no, "",
          fmt::format("expected {} columns, found {}", gemm ? "4" : "8 or 9", fields.size()));
    }
    if (fields[0].empty()) throw InputError::at(source, line_no, "Layer name", "is empty");
    if (gemm) {
      check_layer_count(static_cast<uint64_t>(net.layers_size()) + 1,
                        fmt::format("{}:{}", source, line_no));
      v1::Layer* layer = net.add_layers();
      layer->set_name(fields[0]);
      layer->set_kind(v1::Layer::GEMM);
      layer->set_m(parse_count(fields[1], source, line_no, kGemmFields[0]));
      layer->set_n(parse_count(fields[2], source, line_no, kGemmFields[1]));
      layer->set_k(parse_count(fields[3], source, line_no, kGemmFields[2]));
      continue;
    }
    uint32_t v[8];
    for (size_t i = 0; i + 1 < fields.size(); ++i) {
      v[i] = static_cast<uint32_t>(parse_count(fields[i + 1], source, line_no, kConvFields[i]));
    }
    if (fields.size() == 8) v[7] = v[6];
    if (v[2] > v[0] || v[3] > v[1]) {
      throw InputError::at(source, line_no, v[2] > v[0] ? "Filter Height" : "Filter Width",
                           "filter is larger than the ifmap");
    }
    // A row whose name contains "DP" is, as SCALE-Sim runs it (topology_utils.py), one
    // single-channel layer per channel, each with all the row's filters, named
    // <name>Channel_<i>. (The zoo's MobileNets use true depthwise layers: Layer.DEPTHWISE.)
    const bool per_channel = fields[0].find("DP") != std::string::npos;
    const uint32_t instances = per_channel ? v[4] : 1;
    check_layer_count(static_cast<uint64_t>(net.layers_size()) + instances,
                      fmt::format("{}:{}", source, line_no));
    for (uint32_t i = 0; i < instances; ++i) {
      v1::Layer* layer = net.add_layers();
      layer->set_name(per_channel ? fields[0] + "Channel_" + std::to_string(i) : fields[0]);
      layer->set_kind(v1::Layer::CONV);
      layer->set_ifmap_h(v[0]);
      layer->set_ifmap_w(v[1]);
      layer->set_filter_h(v[2]);
      layer->set_filter_w(v[3]);
      layer->set_channels(per_channel ? 1 : v[4]);
      layer->set_num_filters(v[5]);
      layer->set_stride_h(v[6]);
      layer->set_stride_w(v[7]);
    }
  }
  if (!header_seen) throw InputError::at(source, 0, "", "empty topology file");
  if (net.layers_size() == 0)
    throw InputError::at(source, line_no, "", "no layers after the header");
  return net;
}

v1::Network read_topology_csv(const std::string& path, bool force_gemm) {
  v1::Network net = parse_topology_csv(read_text_file(path), path, force_gemm);
  const auto slash = path.find_last_of('/');
  std::string base = path.substr(slash == std::string::npos ? 0 : slash + 1);
  net.set_name(base.substr(0, base.find_last_of('.')));
  net.set_source(path);
  return net;
}

v1::Network read_network_json(const std::string& path) {
  v1::Network net;
  load_json_file(path, &net);
  if (net.layers_size() == 0) throw InputError(path + ": field 'layers': no layers");
  check_layer_count(static_cast<uint64_t>(net.layers_size()), path);
  for (int i = 0; i < net.layers_size(); ++i) {
    const auto& layer = net.layers(i);
    if (layer.kind() == v1::Layer::KIND_UNSPECIFIED) {
      throw InputError(
          fmt::format("{}: field 'layers[{}].kind': missing (CONV, DEPTHWISE or GEMM)", path, i));
    }
  }
  return net;
}

}  // namespace accelgym::workloads
