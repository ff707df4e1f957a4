// The active half of a double-buffered scratchpad, holding whole operand tiles with LRU
// replacement: fetch() says how many words must come from DRAM for a tile to be resident.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace accelgym::memory {

// Planning a layer's moves calls fetch() once or twice per fold, for every fold (hundreds of
// thousands on small arrays), so nothing here allocates once it has grown: the tiles held are
// nodes of a vector linked in recency order, found through an open-addressing table of node
// indices (a std::list and std::unordered_map allocated and freed a node per miss, 30 % of
// such a design's instructions).
class TileBuffer {
 public:
  explicit TileBuffer(uint64_t capacity_words) : capacity_(capacity_words) {}

  // Words to load so that `tile` (of `words`) is resident: 0 when it already is. A tile
  // larger than the buffer is streamed: loaded every time and never kept.
  uint64_t fetch(uint64_t tile, uint64_t words);
  uint64_t capacity() const { return capacity_; }
  void clear();

 private:
  static constexpr uint32_t kNone = ~uint32_t{0};
  struct Node {
    uint64_t tile, words;
    uint32_t newer, older;  // neighbours in recency order (kNone at the ends)
  };
  // The table slot holding `tile`'s node, or the empty slot where it would go.
  uint32_t& slot_of(uint64_t tile);
  void unlink(uint32_t node);
  void link_newest(uint32_t node);
  void evict_oldest();
  void erase_slot(uint32_t& slot);
  void grow_table();
  size_t home(uint64_t tile) const {
    return static_cast<size_t>((tile * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  uint64_t capacity_;
  uint64_t used_ = 0;
  std::vector<Node> nodes_;
  uint32_t free_ = kNone;  // freed nodes, linked through `older`
  uint32_t newest_ = kNone, oldest_ = kNone;
  uint32_t held_ = 0;
  // Node index + 1 per slot (0: empty), linear probing, at most half full.
  std::vector<uint32_t> table_;
  int shift_ = 64;
};

}  // namespace accelgym::memory
