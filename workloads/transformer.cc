#include "workloads/transformer.h"

#include "sim/core/errors.h"
#include "workloads/topology_reader.h"

namespace accelgym::workloads {
namespace {

void gemm(v1::Network& net, const std::string& name, uint64_t m, uint64_t k, uint64_t n,
          uint32_t repeat = 1) {
  v1::Layer* l = net.add_layers();
  l->set_name(name);
  l->set_kind(v1::Layer::GEMM);
  l->set_m(m);
  l->set_k(k);
  l->set_n(n);
  if (repeat > 1) l->set_repeat(repeat);
}

}  // namespace

v1::Network expand_transformer(const v1::TransformerSpec& spec, uint32_t seq_len) {
  const uint32_t s = seq_len ? seq_len : spec.seq_len();
  const uint32_t d = spec.d_model(), h = spec.heads(), f = spec.d_ff();
  if (s == 0 || d == 0 || h == 0 || f == 0 || spec.layers() == 0) {
    throw InputError("transformer '" + spec.name() +
                     "': d_model, heads, d_ff, seq_len and layers must be >= 1");
  }
  if (d % h != 0) {
    throw InputError("transformer '" + spec.name() + "': d_model is not divisible by heads");
  }
  check_layer_count(uint64_t{spec.layers()} * 6 + (spec.patch() > 0 ? 1 : 0),
                    "transformer '" + spec.name() + "'");
  const uint32_t dh = d / h;
  v1::Network net;
  net.set_name(spec.name());
  net.set_source(spec.source() + " (sequence " + std::to_string(s) + ")");
  if (spec.patch() > 0) {
    v1::Layer* p = net.add_layers();
    p->set_name("patch_embed");
    p->set_kind(v1::Layer::CONV);
    p->set_ifmap_h(spec.image());
    p->set_ifmap_w(spec.image());
    p->set_filter_h(spec.patch());
    p->set_filter_w(spec.patch());
    p->set_channels(spec.image_channels());
    p->set_num_filters(d);
    p->set_stride_h(spec.patch());
    p->set_stride_w(spec.patch());
  }
  for (uint32_t b = 0; b < spec.layers(); ++b) {
    const std::string prefix = spec.layers() > 1 ? "block" + std::to_string(b) + "." : "";
    gemm(net, prefix + "qkv_proj", s, d, 3ull * d);
    gemm(net, prefix + "qk_t", s, dh, s, h);
    gemm(net, prefix + "attn_v", s, s, dh, h);
    gemm(net, prefix + "out_proj", s, d, d);
    gemm(net, prefix + "mlp_up", s, d, f);
    gemm(net, prefix + "mlp_down", s, f, d);
  }
  return net;
}

}  // namespace accelgym::workloads
