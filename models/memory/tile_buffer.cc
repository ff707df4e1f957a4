#include "models/memory/tile_buffer.h"

namespace accelgym::memory {

uint64_t TileBuffer::fetch(uint64_t tile, uint64_t words) {
  if (const auto held = where_.find(tile); held != where_.end()) {
    tiles_.splice(tiles_.begin(), tiles_, held->second);
    return 0;
  }
  if (words > capacity_) return words;  // streamed through
  while (used_ + words > capacity_) {
    used_ -= tiles_.back().second;
    where_.erase(tiles_.back().first);
    tiles_.pop_back();
  }
  tiles_.emplace_front(tile, words);
  where_.emplace(tile, tiles_.begin());
  used_ += words;
  return words;
}

}  // namespace accelgym::memory
