#include "workloads/layer.h"

#include <fmt/format.h>

#include <initializer_list>

#include "sim/core/errors.h"
#include "sim/core/limits.h"

namespace accelgym::workloads {
namespace {

uint64_t at_least_one(uint32_t x) { return x == 0 ? 1 : x; }

InputError layer_error(const v1::Layer& layer, const std::string& field, const std::string& what) {
  return InputError("layer '" + layer.name() + "': field '" + field + "': " + what);
}

// The product of a layer's sizes; a layer whose sizes overflow 64 bits is refused (every model
// counts words, cycles and energy from these products).
uint64_t product(const v1::Layer& layer, std::initializer_list<uint64_t> factors) {
  uint64_t out = 1;
  for (const uint64_t f : factors) {
    if (__builtin_mul_overflow(out, f, &out)) {
      throw layer_error(layer, "shape", "sizes whose product overflows 64 bits");
    }
  }
  return out;
}

// Refuses a layer of more multiply-accumulates than limits().max_layer_macs.
GemmShape checked(const v1::Layer& layer, const GemmShape& g) {
  const uint64_t macs = product(layer, {g.m, g.n, g.k, g.instances});
  const uint64_t most = limits().max_layer_macs;
  if (macs > most) {
    throw layer_error(layer, "shape",
                      fmt::format("{} multiply-accumulates, more than {} ({})", macs, most,
                                  limit_hint("max_layer_macs")));
  }
  return g;
}

uint64_t out_dim(const v1::Layer& layer, uint64_t in, uint64_t filter, uint64_t stride,
                 uint64_t pad, const char* field, LoweringRule rule) {
  if (stride == 0) throw layer_error(layer, "stride", "must be at least 1");
  if (filter == 0) throw layer_error(layer, field, "filter size must be at least 1");
  const uint64_t padded = in + 2 * pad;
  if (padded < filter) {
    throw layer_error(
        layer, field,
        fmt::format("filter ({}) is larger than the padded input ({})", filter, padded));
  }
  if (rule == LoweringRule::kScaleSim) return (padded - filter + stride + stride - 1) / stride;
  return (padded - filter) / stride + 1;
}

}  // namespace

std::pair<uint64_t, uint64_t> output_size(const v1::Layer& layer, LoweringRule rule) {
  const uint64_t stride_w = layer.stride_w() ? layer.stride_w() : layer.stride_h();
  return {
      out_dim(layer, layer.ifmap_h(), layer.filter_h(), layer.stride_h(), layer.pad_h(), "filter_h",
              rule),
      out_dim(layer, layer.ifmap_w(), layer.filter_w(), stride_w, layer.pad_w(), "filter_w", rule)};
}

GemmShape lower(const v1::Layer& layer, LoweringRule rule) {
  GemmShape g;
  const uint64_t repeat = at_least_one(layer.repeat());
  if (layer.kind() == v1::Layer::GEMM) {
    if (layer.m() == 0 || layer.n() == 0 || layer.k() == 0) {
      throw layer_error(layer, "m/n/k", "GEMM dimensions must be at least 1");
    }
    const uint64_t batch = rule == LoweringRule::kStandard ? at_least_one(layer.batch()) : 1;
    g.m = product(layer, {layer.m(), batch});
    g.n = layer.n();
    g.k = layer.k();
    g.instances = repeat;
    g.ifmap_words = product(layer, {g.m, g.k});
    return checked(layer, g);
  }
  if (layer.channels() == 0) throw layer_error(layer, "channels", "must be at least 1");
  if (layer.num_filters() == 0) throw layer_error(layer, "num_filters", "must be at least 1");
  const auto [eh, ew] = output_size(layer, rule);
  if (rule == LoweringRule::kScaleSim) {
    g.m = product(layer, {eh, ew});
    g.k = product(layer, {layer.filter_h(), layer.filter_w(), layer.channels()});
    g.n = layer.num_filters();
    g.instances = repeat;
    g.ifmap_words = product(layer, {layer.ifmap_h(), layer.ifmap_w(), layer.channels()});
    g.out_w = ew;
    g.filter_h = layer.filter_h();
    return checked(layer, g);
  }
  uint64_t groups = at_least_one(layer.groups());
  if (layer.kind() == v1::Layer::DEPTHWISE) groups = layer.channels();
  if (layer.channels() % groups != 0) {
    throw layer_error(
        layer, "groups",
        fmt::format("channels ({}) are not divisible by groups ({})", layer.channels(), groups));
  }
  // A depthwise layer written SCALE-Sim style has num_filters = 1 (one filter per channel).
  uint64_t filters = layer.num_filters();
  if (layer.kind() == v1::Layer::DEPTHWISE && filters < groups) filters = groups;
  if (filters % groups != 0) {
    throw layer_error(layer, "num_filters", fmt::format("not divisible by groups ({})", groups));
  }
  g.m = product(layer, {eh, ew, at_least_one(layer.batch())});
  g.k = product(layer, {layer.filter_h(), layer.filter_w(), layer.channels() / groups});
  g.n = filters / groups;
  g.instances = product(layer, {groups, repeat});
  g.ifmap_words = product(layer, {at_least_one(layer.batch()), layer.ifmap_h(), layer.ifmap_w(),
                                  layer.channels() / groups});
  g.out_w = ew;
  g.filter_h = layer.filter_h();
  return checked(layer, g);
}

}  // namespace accelgym::workloads
