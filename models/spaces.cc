#include "models/spaces.h"

#include <functional>

#include "models/compute/systolic_params.h"
#include "models/dram/dram_params.h"
#include "sim/core/errors.h"

namespace accelgym {
namespace {

struct Entry {
  SpaceInfo info;
  std::function<std::vector<v1::Dimension>()> parameters;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      {{"systolic", "One systolic-array accelerator: array, dataflow, precision, scratchpads"},
       compute::systolic_parameters},
      {{"dram", "A DRAM subsystem: standard, organisation, address mapping, controller knobs"},
       dram::dram_parameters},
      {{"accel", "A systolic-array accelerator with its DRAM subsystem (compute, memory, dram)"},
       [] {
         auto dims = compute::systolic_parameters();
         for (auto& d : compute::dram_backed_memory_parameters()) dims.push_back(std::move(d));
         for (auto& d : dram::dram_parameters()) dims.push_back(std::move(d));
         return dims;
       }},
  };
  return all;
}

}  // namespace

std::vector<SpaceInfo> builtin_spaces() {
  std::vector<SpaceInfo> out;
  for (const auto& e : entries()) out.push_back(e.info);
  return out;
}

DesignSpace make_space(const std::string& name) {
  for (const auto& e : entries()) {
    if (e.info.name != name) continue;
    v1::DesignSpaceSpec spec;
    spec.set_name(e.info.name);
    spec.set_doc(e.info.doc);
    for (const auto& d : e.parameters()) *spec.add_dimensions() = d;
    return DesignSpace(std::move(spec), "space '" + name + "'");
  }
  std::string names;
  for (const auto& e : entries()) names += (names.empty() ? "" : ", ") + e.info.name;
  throw InputError("unknown space '" + name + "' (known: " + names + ")");
}

}  // namespace accelgym
