// Address mapping: bit fields from MSB to LSB above the access offset, e.g.
// row | rank | bank | bankgroup | column | channel (reference/dram.md "Address mapping").
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

  // Nothing when the address lies beyond the memory's capacity.
  std::optional<Location> decode(uint64_t address) const;
  std::string describe()
      const;  // e.g. "row:16 | rank:0 | bank:2 | bankgroup:2 | column:7 | channel:0 | offset:6"

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
  uint32_t address_bits_ = 0;  // offset and every field
  uint32_t offset_bits_ = 0;
  uint32_t bank_bits_ = 0, group_bits_ = 0;
  uint32_t banks_per_group_ = 1;
  bool xor_ = false;
};

}  // namespace accelgym::dram
