// Transformer stacks (BERT, GPT-2, ViT) expanded into the GEMMs a systolic array runs.
#pragma once

#include "accelgym/v1/workload.pb.h"

namespace accelgym::workloads {

// `seq_len` 0 keeps the spec's default. Per block: QKV projection, Q K^T and A V per head
// (as `repeat` instances), output projection, two MLP GEMMs; ViT adds its patch embedding.
v1::Network expand_transformer(const v1::TransformerSpec& spec, uint32_t seq_len = 0);

}  // namespace accelgym::workloads
