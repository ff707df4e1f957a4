#include "models/dram/address_map.h"

#include <algorithm>
#include <bit>

#include "sim/core/errors.h"

namespace accelgym::dram {
namespace {

const char* field_name(Field f) {
  switch (f) {
    case Field::kRow:
      return "row";
    case Field::kRank:
      return "rank";
    case Field::kBank:
      return "bank";
    case Field::kBankGroup:
      return "bankgroup";
    case Field::kColumn:
      return "column";
    case Field::kChannel:
      return "channel";
  }
  return "?";
}

std::vector<Field> parse_fields(const std::string& text) {
  std::vector<Field> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",|", start);
    if (end == std::string::npos) end = text.size();
    const std::string name = text.substr(start, end - start);
    bool found = false;
    for (Field f : {Field::kRow, Field::kRank, Field::kBank, Field::kBankGroup, Field::kColumn,
                    Field::kChannel}) {
      if (name == field_name(f)) {
        if (std::find(out.begin(), out.end(), f) != out.end()) {
          throw InputError("address mapping '" + text + "': field '" + name + "' given twice");
        }
        out.push_back(f);
        found = true;
      }
    }
    if (!found) {
      throw InputError("address mapping '" + text + "': unknown field '" + name +
                       "' (fields: row, rank, bank, bankgroup, column, channel)");
    }
    start = end + 1;
  }
  if (out.size() != 6) {
    throw InputError("address mapping '" + text +
                     "': give all six fields row, rank, bank, bankgroup, column, channel");
  }
  return out;
}

uint32_t log2u(uint64_t x) { return static_cast<uint32_t>(std::countr_zero(x)); }

}  // namespace

std::vector<std::pair<std::string, std::string>> mapping_presets() {
  return {
      {"RoRaBaBgCoCh", "row,rank,bank,bankgroup,column,channel"},  // docs/reference/dram.md default
      {"RoRaCoBaBgCh", "row,rank,column,bank,bankgroup,channel"},  // consecutive lines across banks
      {"ChRaBaBgRoCo", "channel,rank,bank,bankgroup,row,column"},  // large contiguous partitions
  };
}

AddressMap::AddressMap(const Device& d, const std::string& mapping, bool xor_banks)
    : xor_(xor_banks) {
  std::string fields = mapping;
  for (const auto& [name, list] : mapping_presets()) {
    if (name == mapping) fields = list;
  }
  for (Field f : parse_fields(fields)) {
    uint32_t bits = 0;
    switch (f) {
      case Field::kRow:
        bits = log2u(d.rows);
        break;
      case Field::kRank:
        bits = log2u(d.ranks);
        break;
      case Field::kBank:
        bits = log2u(d.banks_per_group);
        break;
      case Field::kBankGroup:
        bits = log2u(d.bankgroups);
        break;
      case Field::kColumn:
        bits = log2u(d.column_slots);
        break;
      case Field::kChannel:
        bits = log2u(d.channels);
        break;
    }
    fields_.push_back({f, bits});
  }
  offset_bits_ = log2u(d.access_bytes);
  uint32_t shift = offset_bits_;  // from the LSB up
  for (auto it = fields_.rbegin(); it != fields_.rend(); ++it) {
    extract_[static_cast<size_t>(it->field)] = {shift, (uint64_t{1} << it->bits) - 1};
    if (it->bits > 0) top_field_shift_ = shift;
    shift += it->bits;
  }
  address_bits_ = shift;
  bank_bits_ = log2u(d.banks_per_group);
  group_bits_ = log2u(d.bankgroups);
  banks_per_group_ = d.banks_per_group;
}

std::string AddressMap::describe() const {
  std::string out;
  for (const auto& s : fields_) {
    out += std::string(field_name(s.field)) + ":" + std::to_string(s.bits) + " | ";
  }
  return out + "offset:" + std::to_string(offset_bits_) + (xor_ ? " (bank xor row)" : "");
}

}  // namespace accelgym::dram
