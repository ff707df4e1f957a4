// Address mapping: bit fields from MSB to LSB above the access offset, e.g.
// row | rank | bank | bankgroup | column | channel (docs/reference/dram.md "Address mapping").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/dram/spec.h"

namespace accelgym::dram {

enum class Field : uint8_t { kRow, kRank, kBank, kBankGroup, kColumn, kChannel };

struct Location {
  uint32_t channel = 0, rank = 0, bankgroup = 0, bank = 0;  // bank: flat index within the rank
  uint32_t row = 0, column = 0;
};

// Preset names, and what they mean (MSB to LSB).
std::vector<std::pair<std::string, std::string>> mapping_presets();

class AddressMap {
 public:
  // `mapping`: a preset name or a field list such as "row,rank,bank,bankgroup,column,channel"
  // (every field exactly once). `xor_banks` XORs bank and bank-group bits with the low row
  // bits (permutation-based interleaving) to spread row conflicts.
  AddressMap(const Device& device, const std::string& mapping, bool xor_banks);

  // Nothing when the address lies beyond the memory's capacity. Inline: runs per request.
  std::optional<Location> decode(uint64_t address) const {
    if (address_bits_ < 64 && address >> address_bits_ != 0) return std::nullopt;
    auto field = [&](Field f) {
      const Extract& e = extract_[static_cast<size_t>(f)];
      return static_cast<uint32_t>((address >> e.shift) & e.mask);
    };
    Location loc;
    loc.row = field(Field::kRow);
    loc.rank = field(Field::kRank);
    loc.column = field(Field::kColumn);
    loc.channel = field(Field::kChannel);
    uint32_t bank = field(Field::kBank), group = field(Field::kBankGroup);
    if (xor_) {
      bank ^= loc.row & ((1u << bank_bits_) - 1);
      group ^= (loc.row >> bank_bits_) & ((1u << group_bits_) - 1);
    }
    loc.bankgroup = group;
    loc.bank = group * banks_per_group_ + bank;
    return loc;
  }
  std::string describe()
      const;  // e.g. "row:16 | rank:0 | bank:2 | bankgroup:2 | column:7 | channel:0 | offset:6"
  // The distance between addresses that differ only in the most significant field (the row,
  // with the presets that put it on top): a sequential stream visits the same channels, ranks,
  // banks and columns again every this many bytes.
  uint64_t repeat_bytes() const { return uint64_t{1} << top_field_shift_; }

 private:
  struct Slice {
    Field field;
    uint32_t bits;
  };
  std::vector<Slice> fields_;  // MSB to LSB
  // Per field: where it starts in the address and its mask (decode without a loop).
  struct Extract {
    uint32_t shift = 0;
    uint64_t mask = 0;
  };
  std::array<Extract, 6> extract_{};
  uint32_t address_bits_ = 0;     // offset and every field
  uint32_t top_field_shift_ = 0;  // where the most significant field with any bits starts
  uint32_t offset_bits_ = 0;
  uint32_t bank_bits_ = 0, group_bits_ = 0;
  uint32_t banks_per_group_ = 1;
  bool xor_ = false;
};

}  // namespace accelgym::dram
