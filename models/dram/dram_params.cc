#include "models/dram/dram_params.h"

#include <algorithm>

#include "models/dram/spec.h"
#include "sim/core/errors.h"
#include "sim/core/param.h"

namespace accelgym::dram {
namespace {

template <class E>
E pick(const std::string& value, const std::vector<std::pair<const char*, E>>& table,
       const char* key) {
  for (const auto& [name, e] : table) {
    if (value == name) return e;
  }
  throw InputError(std::string("parameter '") + key + "': unknown value '" + value + "'");
}

// The standards (models/dram/spec.h's table) with device variants, and those variants.
struct DeviceVariants {
  std::vector<std::string> standards, densities, widths;
};
DeviceVariants device_variants() {
  DeviceVariants out;
  for (const auto& family : standard_families()) {
    if (family.densities.empty() && family.widths.empty()) continue;
    for (const auto& bin : family.speed_bins) out.standards.push_back(family.base_name + bin);
    for (const auto& d : family.densities) {
      if (std::find(out.densities.begin(), out.densities.end(), d) == out.densities.end()) {
        out.densities.push_back(d);
      }
    }
    for (const auto& w : family.widths) {
      if (std::find(out.widths.begin(), out.widths.end(), w) == out.widths.end()) {
        out.widths.push_back(w);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<v1::Dimension> dram_parameters() {
  std::vector<std::string> mappings;
  for (const auto& [name, fields] : mapping_presets()) mappings.push_back(name);
  const DeviceVariants variants = device_variants();
  return {
      Param::categorical("standard", standard_names())
          .group("dram")
          .def("DDR4-2400R")
          .doc("DRAM standard and speed bin (models/dram/data)"),
      Param::categorical("density", variants.densities)
          .group("dram")
          .def("8Gb")
          .when("standard", variants.standards)
          .doc("Device density (DDR4)"),
      Param::categorical("device_width", variants.widths)
          .group("dram")
          .def("x8")
          .when("standard", variants.standards)
          .doc("Device width (DDR4)"),
      Param::pow2("channels", 1, 16)
          .group("dram")
          .def(1)
          .doc("Independent channels (pseudo-channels for HBM2)"),
      Param::pow2("ranks", 1, 4).group("dram").def(1).doc("Ranks per channel"),
      Param::categorical("address_mapping", mappings)
          .group("dram")
          .def("RoRaBaBgCoCh")
          .doc("Address bit fields, MSB to LSB"),
      Param::categorical("address_xor", {"off", "on"})
          .group("dram")
          .def("off")
          .doc("XOR bank bits with low row bits (permutation interleaving)"),
      Param::categorical("PagePolicy", {"Open", "OpenAdaptive", "Closed", "ClosedAdaptive"})
          .group("dram")
          .def("Open")
          .doc("Row-buffer policy (DRAMSys semantics)"),
      Param::categorical("Scheduler", {"Fifo", "FrFcfsGrp", "FrFcfs"})
          .group("dram")
          .def("FrFcfs")
          .doc("Per-bank request scheduler"),
      Param::categorical("SchedulerBuffer", {"Bankwise", "ReadWrite", "Shared"})
          .group("dram")
          .def("Bankwise")
          .doc("How the request buffer is partitioned"),
      Param::pow2("RequestBufferSize", 1, 128)
          .group("dram")
          .def(8)
          .unit("requests")
          .doc("Depth of each request buffer"),
      Param::categorical("RespQueue", {"Fifo", "Reorder"})
          .group("dram")
          .def("Fifo")
          .doc("Reorder returns responses in request order"),
      Param::categorical("RefreshPolicy", {"NoRefresh", "AllBank", "PerBank", "SameBank"})
          .group("dram")
          .def("AllBank")
          .doc("Refresh granularity"),
      Param::integer_set("RefreshMaxPostponed", {0, 1, 2, 4, 8})
          .group("dram")
          .def(0)
          .unit("REFs")
          .doc("REFs that may be postponed while the rank is busy"),
      Param::integer_set("RefreshMaxPulledin", {0, 1, 2, 4, 8})
          .group("dram")
          .def(0)
          .unit("REFs")
          .doc("REFs that may be issued early while the rank is idle"),
      Param::categorical("Arbiter", {"Simple", "Fifo", "Reorder"})
          .group("dram")
          .def("Simple")
          .doc("Front end: forward, FIFO per initiator, or FIFO with per-initiator order"),
      Param::pow2("MaxActiveTransactions", 1, 128)
          .group("dram")
          .def(128)
          .unit("requests")
          .doc("Outstanding requests per initiator (Fifo/Reorder arbiters)"),
      Param::categorical("PowerDownPolicy", {"NoPowerDown", "Staggered"})
          .group("dram")
          .def("NoPowerDown")
          .doc("Enter power-down when a rank idles"),
      Param::categorical("CmdMux", {"Oldest", "Strict"})
          .group("dram")
          .def("Oldest")
          .doc("Strict issues reads/writes in request order"),
      Param::integer("controller_delay_cycles", 0, 32)
          .group("dram")
          .def(0)
          .unit("tCK")
          .doc("Front-end + controller delay on the request path"),
      Param::integer("phy_delay_cycles", 0, 32)
          .group("dram")
          .def(0)
          .unit("tCK")
          .doc("PHY delay on the response path"),
  };
}

DramConfig dram_config(const ParamMap& p) {
  DramConfig c;
  c.standard = p.get_string("standard");
  if (p.has("density")) c.density = p.get_string("density");
  if (p.has("device_width")) c.width = p.get_string("device_width");
  c.channels = static_cast<uint32_t>(p.get_int("channels"));
  c.ranks = static_cast<uint32_t>(p.get_int("ranks"));
  c.mapping = p.get_string("address_mapping");
  c.mapping_xor = p.get_string("address_xor") == "on";
  ControllerConfig& k = c.controller;
  k.page_policy = pick<PagePolicy>(p.get_string("PagePolicy"),
                                   {{"Open", PagePolicy::kOpen},
                                    {"OpenAdaptive", PagePolicy::kOpenAdaptive},
                                    {"Closed", PagePolicy::kClosed},
                                    {"ClosedAdaptive", PagePolicy::kClosedAdaptive}},
                                   "PagePolicy");
  k.scheduler = pick<Scheduler>(p.get_string("Scheduler"),
                                {{"Fifo", Scheduler::kFifo},
                                 {"FrFcfs", Scheduler::kFrFcfs},
                                 {"FrFcfsGrp", Scheduler::kFrFcfsGrp}},
                                "Scheduler");
  k.scheduler_buffer = pick<SchedulerBuffer>(p.get_string("SchedulerBuffer"),
                                             {{"Bankwise", SchedulerBuffer::kBankwise},
                                              {"ReadWrite", SchedulerBuffer::kReadWrite},
                                              {"Shared", SchedulerBuffer::kShared}},
                                             "SchedulerBuffer");
  k.request_buffer_size = static_cast<uint32_t>(p.get_int("RequestBufferSize"));
  k.resp_queue =
      pick<RespQueue>(p.get_string("RespQueue"),
                      {{"Fifo", RespQueue::kFifo}, {"Reorder", RespQueue::kReorder}}, "RespQueue");
  k.refresh_policy = pick<RefreshPolicy>(p.get_string("RefreshPolicy"),
                                         {{"NoRefresh", RefreshPolicy::kNoRefresh},
                                          {"AllBank", RefreshPolicy::kAllBank},
                                          {"PerBank", RefreshPolicy::kPerBank},
                                          {"SameBank", RefreshPolicy::kSameBank}},
                                         "RefreshPolicy");
  k.refresh_max_postponed = static_cast<uint32_t>(p.get_int("RefreshMaxPostponed"));
  k.refresh_max_pulledin = static_cast<uint32_t>(p.get_int("RefreshMaxPulledin"));
  k.arbiter = pick<Arbiter>(
      p.get_string("Arbiter"),
      {{"Simple", Arbiter::kSimple}, {"Fifo", Arbiter::kFifo}, {"Reorder", Arbiter::kReorder}},
      "Arbiter");
  k.max_active_transactions = static_cast<uint32_t>(p.get_int("MaxActiveTransactions"));
  k.power_down = pick<PowerDownPolicy>(
      p.get_string("PowerDownPolicy"),
      {{"NoPowerDown", PowerDownPolicy::kNoPowerDown}, {"Staggered", PowerDownPolicy::kStaggered}},
      "PowerDownPolicy");
  k.cmd_mux = pick<CmdMux>(p.get_string("CmdMux"),
                           {{"Oldest", CmdMux::kOldest}, {"Strict", CmdMux::kStrict}}, "CmdMux");
  k.controller_delay_cycles = static_cast<uint32_t>(p.get_int("controller_delay_cycles"));
  k.phy_delay_cycles = static_cast<uint32_t>(p.get_int("phy_delay_cycles"));
  return c;
}

Device make_device(const DramConfig& c) {
  v1::DramSpec spec = load_standard(c.standard, c.density, c.width);
  spec.mutable_org()->set_channels(c.channels);
  spec.mutable_org()->set_ranks(c.ranks);
  if (c.refresh_timing.rfc_cycles > 0) spec.mutable_timing()->set_rfc(c.refresh_timing.rfc_cycles);
  if (c.refresh_timing.refi_cycles > 0) {
    spec.mutable_timing()->set_refi(c.refresh_timing.refi_cycles);
  }
  Device d = make_device(spec, c.standard);
  if (c.controller.refresh_policy == RefreshPolicy::kPerBank && !d.per_bank_refresh) {
    throw InputError(
        "parameter 'RefreshPolicy': PerBank refresh needs a standard with per-bank "
        "refresh (LPDDR4, HBM2); " +
        c.standard + " has none");
  }
  if (c.controller.refresh_policy == RefreshPolicy::kSameBank) {
    throw InputError(
        "parameter 'RefreshPolicy': SameBank refresh is a DDR5 feature; no "
        "supported standard has it");
  }
  if (c.controller.request_buffer_size == 0) {
    throw InputError("parameter 'RequestBufferSize': must be at least 1");
  }
  return d;
}

}  // namespace accelgym::dram
