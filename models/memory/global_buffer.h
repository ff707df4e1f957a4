// A global buffer shared by the three scratchpads, between them and the DRAM: it keeps
// operand tiles (least recently used out) and, when they fit, a layer's outputs for the next
// layer, so those moves stay on chip. One port of `words_per_cycle`: on-chip moves queue on it.
#pragma once

#include <algorithm>
#include <cstdint>

#include "models/memory/tile_buffer.h"

namespace accelgym::memory {

// The buffer's one port: moves queue on it, `words_per_cycle` a cycle. Apart from the contents
// because the two live in different places in a SystemC composition: what the buffer holds is
// decided when a layer's moves are planned (the accelerator's LayerTraffic), the port's timing
// where the moves arrive (accel::GlobalBufferModule).
class GlobalBufferPort {
 public:
  GlobalBufferPort(uint64_t words_per_cycle, double cycle_ns)
      : words_per_cycle_(words_per_cycle), cycle_ns_(cycle_ns) {}
  // Moves `words` over the port from `at_ns`; returns when the move ends.
  double move(uint64_t words, double at_ns) {
    const double start = std::max(at_ns, free_ns_);
    free_ns_ =
        start + static_cast<double>((words + words_per_cycle_ - 1) / words_per_cycle_) * cycle_ns_;
    return free_ns_;
  }

 private:
  uint64_t words_per_cycle_;
  double cycle_ns_;
  double free_ns_ = 0;
};

class GlobalBuffer {
 public:
  GlobalBuffer(uint64_t capacity_words, uint64_t words_per_cycle, double cycle_ns)
      : tiles_(capacity_words), port_(words_per_cycle, cycle_ns) {}

  uint64_t capacity() const { return tiles_.capacity(); }
  // Moves `words` over the buffer's port from `at_ns`; returns when the move ends.
  double move(uint64_t words, double at_ns) { return port_.move(words, at_ns); }
  // Whether `tile` is held (and now most recently used); holds it from now on if it fits.
  bool hit_or_insert(uint64_t tile, uint64_t words) { return tiles_.fetch(tile, words) == 0; }

 private:
  TileBuffer tiles_;
  GlobalBufferPort port_;
};

}  // namespace accelgym::memory
