// The active half of a double-buffered scratchpad, holding whole operand tiles with LRU
// replacement: fetch() says how many words must come from DRAM for a tile to be resident.
#pragma once

#include <cstdint>
#include <list>
#include <unordered_map>
#include <utility>

namespace accelgym::memory {

class TileBuffer {
 public:
  explicit TileBuffer(uint64_t capacity_words) : capacity_(capacity_words) {}

  // Words to load so that `tile` (of `words`) is resident: 0 when it already is. A tile
  // larger than the buffer is streamed: loaded every time and never kept.
  uint64_t fetch(uint64_t tile, uint64_t words);
  uint64_t capacity() const { return capacity_; }
  void clear() {
    tiles_.clear();
    where_.clear();
    used_ = 0;
  }

 private:
  uint64_t capacity_;
  uint64_t used_ = 0;
  std::list<std::pair<uint64_t, uint64_t>> tiles_;  // (tile, words), most recent first
  std::unordered_map<uint64_t, std::list<std::pair<uint64_t, uint64_t>>::iterator> where_;
};

}  // namespace accelgym::memory
