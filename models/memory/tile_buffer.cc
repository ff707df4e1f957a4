#include "models/memory/tile_buffer.h"

#include <bit>

namespace accelgym::memory {

uint64_t TileBuffer::fetch(uint64_t tile, uint64_t words) {
  if (!table_.empty()) {
    if (const uint32_t held = slot_of(tile); held != 0) {
      unlink(held - 1);
      link_newest(held - 1);
      return 0;
    }
  }
  if (words > capacity_) return words;  // streamed through
  while (used_ + words > capacity_) evict_oldest();
  if (2 * (size_t{held_} + 1) > table_.size()) grow_table();
  uint32_t node = free_;
  if (node != kNone) {
    free_ = nodes_[node].older;
  } else {
    node = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  nodes_[node].tile = tile;
  nodes_[node].words = words;
  slot_of(tile) = node + 1;  // the empty slot where it goes (evictions have moved others)
  link_newest(node);
  ++held_;
  used_ += words;
  return words;
}

void TileBuffer::clear() {
  nodes_.clear();
  table_.assign(table_.size(), 0);
  free_ = newest_ = oldest_ = kNone;
  held_ = 0;
  used_ = 0;
}

uint32_t& TileBuffer::slot_of(uint64_t tile) {
  const size_t mask = table_.size() - 1;
  for (size_t s = home(tile);; s = (s + 1) & mask) {
    if (table_[s] == 0 || nodes_[table_[s] - 1].tile == tile) return table_[s];
  }
}

void TileBuffer::unlink(uint32_t node) {
  const Node& n = nodes_[node];
  (n.newer == kNone ? newest_ : nodes_[n.newer].older) = n.older;
  (n.older == kNone ? oldest_ : nodes_[n.older].newer) = n.newer;
}

void TileBuffer::link_newest(uint32_t node) {
  Node& n = nodes_[node];
  n.newer = kNone;
  n.older = newest_;
  (newest_ == kNone ? oldest_ : nodes_[newest_].newer) = node;
  newest_ = node;
}

void TileBuffer::evict_oldest() {
  const uint32_t node = oldest_;
  used_ -= nodes_[node].words;
  erase_slot(slot_of(nodes_[node].tile));
  unlink(node);
  nodes_[node].older = free_;
  free_ = node;
  --held_;
}

// Linear probing's deletion without tombstones: entries after the hole that could sit in it
// (their home lies cyclically at or before it) move back into it, and the hole moves on.
void TileBuffer::erase_slot(uint32_t& slot) {
  const size_t mask = table_.size() - 1;
  size_t hole = static_cast<size_t>(&slot - table_.data());
  for (size_t s = (hole + 1) & mask; table_[s] != 0; s = (s + 1) & mask) {
    const size_t wanted = home(nodes_[table_[s] - 1].tile);
    // The entry stays if its home lies cyclically in (hole, s].
    const bool stays = hole < s ? (hole < wanted && wanted <= s) : (hole < wanted || wanted <= s);
    if (stays) continue;
    table_[hole] = table_[s];
    hole = s;
  }
  table_[hole] = 0;
}

void TileBuffer::grow_table() {
  const size_t size = table_.empty() ? 16 : 2 * table_.size();
  table_.assign(size, 0);
  shift_ = 64 - std::countr_zero(size);
  for (uint32_t node = newest_; node != kNone; node = nodes_[node].older) {
    slot_of(nodes_[node].tile) = node + 1;
  }
}

}  // namespace accelgym::memory
