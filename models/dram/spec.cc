#include "models/dram/spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <mutex>
#include <vector>

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/core/resources.h"

namespace accelgym::dram {
namespace {

// The data files are read-only resources: each parsed once per process, when first asked for
// (a run uses one standard: parsing the others would add a third to its start-up).
const v1::DramStandardFile& read_file(const StandardFamily& family) {
  struct Parsed {
    std::once_flag once;
    v1::DramStandardFile file;
  };
  static std::vector<Parsed> parsed(standard_families().size());
  Parsed& p = parsed[static_cast<size_t>(&family - standard_families().data())];
  std::call_once(p.once, [&] {
    load_json_file(resource_path(std::string("models/dram/data/") + family.file), &p.file);
  });
  return p.file;
}

// Non-zero scalar fields of `overrides` replace the spec's; supplies replace as a whole.
void apply(v1::DramSpec* spec, const v1::DramSpec& overrides) {
  v1::DramSpec o = overrides;
  const bool replace_supplies = o.supplies_size() > 0;
  auto supplies = o.supplies();
  o.clear_supplies();
  const std::string source = spec->source();
  spec->MergeFrom(o);
  if (!o.source().empty()) spec->set_source(source + "; " + o.source());
  if (replace_supplies) *spec->mutable_supplies() = supplies;
}

const v1::DramVariant* find_variant(
    const google::protobuf::RepeatedPtrField<v1::DramVariant>& variants, const std::string& name) {
  for (const auto& v : variants) {
    if (v.name() == name) return &v;
  }
  return nullptr;
}

std::string variant_names(const google::protobuf::RepeatedPtrField<v1::DramVariant>& variants) {
  std::string out;
  for (const auto& v : variants) out += (out.empty() ? "" : ", ") + v.name();
  return out;
}

void apply_variant(v1::DramSpec* spec,
                   const google::protobuf::RepeatedPtrField<v1::DramVariant>& variants,
                   const std::string& wanted, const std::string& fallback, const char* what) {
  const std::string name = wanted.empty() ? fallback : wanted;
  if (variants.empty()) {
    if (!wanted.empty()) {
      throw InputError(spec->name() + " has no " + what + " variants (got '" + wanted + "')");
    }
    return;
  }
  const v1::DramVariant* v = find_variant(variants, name);
  if (!v) {
    throw InputError(spec->name() + " has no " + what + " '" + name +
                     "' (available: " + variant_names(variants) + ")");
  }
  apply(spec, v->overrides());
}

bool pow2(uint64_t x) { return x && !(x & (x - 1)); }

}  // namespace

const std::vector<StandardFamily>& standard_families() {
  static const std::vector<StandardFamily> families = {
      {"ddr4-2400.json", "DDR4-2400", {"P", "R", "T", "U"}, {"4Gb", "8Gb", "16Gb"}, {"x8", "x16"}},
      {"ddr3-1600.json", "DDR3-1600", {}, {}, {}},
      {"lpddr4-3200.json", "LPDDR4-3200", {}, {}, {}},
      {"hbm2-2000.json", "HBM2-2000", {}, {}, {}},
  };
  return families;
}

void check_standard_table() {
  auto names = [](const google::protobuf::RepeatedPtrField<v1::DramVariant>& variants) {
    std::vector<std::string> out;
    for (const auto& v : variants) out.push_back(v.name());
    return out;
  };
  for (const auto& family : standard_families()) {
    const auto& file = read_file(family);
    const std::pair<const char*, bool> checks[] = {
        {"base.name", file.base().name() == family.base_name},
        {"speed_bins", names(file.speed_bins()) == family.speed_bins},
        {"densities", names(file.densities()) == family.densities},
        {"widths", names(file.widths()) == family.widths}};
    for (const auto& [field, same] : checks) {
      if (!same) {
        throw InternalError(std::string("models/dram/data/") + family.file + ": " + field +
                            " differs from standard_families() in models/dram/spec.cc");
      }
    }
  }
}

std::vector<std::string> standard_names() {
  std::vector<std::string> names;
  for (const auto& f : standard_families()) {
    if (f.speed_bins.empty()) names.push_back(f.base_name);
    for (const auto& bin : f.speed_bins) names.push_back(f.base_name + bin);
  }
  return names;
}

v1::DramSpec load_standard(const std::string& name, const std::string& density,
                           const std::string& width) {
  for (const auto& f : standard_families()) {
    const std::string& base = f.base_name;
    if (name.rfind(base, 0) != 0) continue;
    const std::string bin = name.substr(base.size());
    const auto& file = read_file(f);
    if (!bin.empty() && !find_variant(file.speed_bins(), bin)) continue;
    v1::DramSpec spec = file.base();
    apply_variant(&spec, file.speed_bins(), bin, file.default_speed_bin(), "speed bin");
    apply_variant(&spec, file.densities(), density, file.default_density(), "density");
    apply_variant(&spec, file.widths(), width, file.default_width(), "width");
    spec.set_name(
        name == base && !file.default_speed_bin().empty() ? base + file.default_speed_bin() : name);
    return spec;
  }
  std::string known;
  for (const auto& n : standard_names()) known += (known.empty() ? "" : ", ") + n;
  throw InputError("unknown DRAM standard '" + name + "' (known: " + known + ")");
}

uint64_t Device::capacity_bytes() const {
  return uint64_t{channels} * ranks * banks * rows * column_slots * access_bytes;
}

Device make_device(const v1::DramSpec& spec, const std::string& source) {
  auto fail = [&](const std::string& field, const std::string& what) {
    return InputError::at(source, 0, field, what);
  };
  const auto& o = spec.org();
  Device d;
  d.spec = spec;
  d.family = spec.family();
  d.tck_ns = spec.tck_ns();
  if (d.tck_ns <= 0) throw fail("tck_ns", "must be > 0");
  const std::pair<const char*, uint32_t> pow2_fields[] = {
      {"org.channels", o.channels()},
      {"org.ranks", o.ranks()},
      {"org.bankgroups", o.bankgroups()},
      {"org.banks_per_group", o.banks_per_group()},
      {"org.rows", o.rows()},
      {"org.columns", o.columns()},
      {"org.burst_length", o.burst_length()}};
  for (const auto& [field, value] : pow2_fields) {
    if (!pow2(value)) throw fail(field, fmt::format("must be a power of two, got {}", value));
  }
  if (o.device_width_bits() == 0 || o.bus_width_bits() % o.device_width_bits() != 0) {
    throw fail("org.bus_width_bits", "must be a multiple of device_width_bits");
  }
  if (o.columns() < o.burst_length()) throw fail("org.columns", "fewer columns than a burst");
  d.channels = o.channels();
  d.ranks = o.ranks();
  d.bankgroups = o.bankgroups();
  d.banks_per_group = o.banks_per_group();
  d.banks = d.bankgroups * d.banks_per_group;
  d.rows = o.rows();
  d.column_slots = o.columns() / o.burst_length();
  d.burst_cycles = o.burst_length() / 2;  // double data rate
  d.access_bytes = o.bus_width_bits() * o.burst_length() / 8;
  d.devices_per_rank = o.bus_width_bits() / o.device_width_bits();
  d.t = spec.timing();
  auto& t = d.t;
  const std::pair<const char*, uint32_t> required[] = {
      {"timing.cl", t.cl()},       {"timing.cwl", t.cwl()},     {"timing.rcd", t.rcd()},
      {"timing.rp", t.rp()},       {"timing.ras", t.ras()},     {"timing.rc", t.rc()},
      {"timing.rrd_s", t.rrd_s()}, {"timing.ccd_s", t.ccd_s()}, {"timing.wr", t.wr()},
      {"timing.wtr_s", t.wtr_s()}, {"timing.rtp", t.rtp()},     {"timing.rfc", t.rfc()},
      {"timing.refi", t.refi()}};
  for (const auto& [field, value] : required) {
    if (value == 0) throw fail(field, "missing (must be > 0 cycles)");
  }
  if (t.rrd_l() == 0) t.set_rrd_l(t.rrd_s());
  if (t.ccd_l() == 0) t.set_ccd_l(t.ccd_s());
  if (t.wtr_l() == 0) t.set_wtr_l(t.wtr_s());
  if (t.rcd_wr() == 0) t.set_rcd_wr(t.rcd());
  if (t.rp_ab() == 0) t.set_rp_ab(t.rp());
  const bool lpddr = d.family.rfind("LPDDR", 0) == 0;
  auto cycles = [&](double ns) { return static_cast<uint32_t>(std::ceil(ns / d.tck_ns - 1e-9)); };
  if (t.xs() == 0) t.set_xs(t.rfc() + cycles(lpddr ? 7.5 : 10.0));
  if (t.ckesr() == 0) t.set_ckesr(lpddr ? std::max(cycles(15.0), 3u) : t.cke() + 1);
  if (t.rtw() == 0)
    t.set_rtw(t.cl() + d.burst_cycles + 2 - std::min(t.cwl(), t.cl() + d.burst_cycles + 2));
  if (t.rc() < t.ras() + t.rp()) throw fail("timing.rc", "tRC must be at least tRAS + tRP");
  d.per_bank_refresh = t.rfc_pb() > 0 && t.refi_pb() > 0;
  if (spec.supplies_size() == 0) throw fail("supplies", "no supply currents (needed for energy)");
  return d;
}

}  // namespace accelgym::dram
