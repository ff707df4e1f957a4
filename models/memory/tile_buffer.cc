#include "models/memory/tile_buffer.h"

namespace accelgym::memory {

uint64_t TileBuffer::fetch(uint64_t tile, uint64_t words) {
  for (auto it = tiles_.begin(); it != tiles_.end(); ++it) {
    if (it->first == tile) {
      tiles_.splice(tiles_.begin(), tiles_, it);
      return 0;
    }
  }
  if (words > capacity_) return words;  // streamed through
  while (used_ + words > capacity_) {
    used_ -= tiles_.back().second;
    tiles_.pop_back();
  }
  tiles_.emplace_front(tile, words);
  used_ += words;
  return words;
}

}  // namespace accelgym::memory
