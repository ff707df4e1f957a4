// The DRAM subsystem's parameters, declared once: device (standard, organisation, mapping) and
// controller knobs with DRAMSys names and semantics (docs/reference/dram.md,
// docs/reference/gyms.md).
#pragma once

#include <string>
#include <vector>

#include "accelgym/v1/space.pb.h"
#include "models/dram/address_map.h"
#include "models/dram/spec.h"
#include "sim/core/value.h"

namespace accelgym::dram {

std::vector<v1::Dimension> dram_parameters();

enum class PagePolicy { kOpen, kOpenAdaptive, kClosed, kClosedAdaptive };
enum class Scheduler { kFifo, kFrFcfs, kFrFcfsGrp };
enum class SchedulerBuffer { kBankwise, kReadWrite, kShared };
enum class RespQueue { kFifo, kReorder };
enum class RefreshPolicy { kNoRefresh, kAllBank, kPerBank, kSameBank };
enum class Arbiter { kSimple, kFifo, kReorder };
enum class PowerDownPolicy { kNoPowerDown, kStaggered };
enum class CmdMux { kOldest, kStrict };
// When a write is answered: once its data is written (DRAMSys), or on admission into the
// controller's buffer (posted: Ramulator 2, DRAMsim3). Not a search parameter: set by a peer
// preset (peer_presets.h).
enum class WriteResponse { kAfterData, kPosted };

struct ControllerConfig {
  PagePolicy page_policy = PagePolicy::kOpen;
  Scheduler scheduler = Scheduler::kFrFcfs;
  SchedulerBuffer scheduler_buffer = SchedulerBuffer::kBankwise;
  uint32_t request_buffer_size = 8;
  RespQueue resp_queue = RespQueue::kFifo;
  RefreshPolicy refresh_policy = RefreshPolicy::kAllBank;
  uint32_t refresh_max_postponed = 0;
  uint32_t refresh_max_pulledin = 0;
  Arbiter arbiter = Arbiter::kSimple;
  uint32_t max_active_transactions = 128;
  PowerDownPolicy power_down = PowerDownPolicy::kNoPowerDown;
  CmdMux cmd_mux = CmdMux::kOldest;
  uint32_t controller_delay_cycles = 0;  // request path: arbiter + controller
  uint32_t phy_delay_cycles = 0;         // response path: PHY
  WriteResponse write_response = WriteResponse::kAfterData;
  // DRAMsim3's transaction queues ahead of the request buffers: a read queue and a write
  // buffer of this many requests, from which one request a cycle moves into its buffer
  // (0: none, requests enter their buffer directly). Not a search parameter: peer preset.
  uint32_t transaction_queue_size = 0;
};

// Refresh timing in place of the standard's (0: the standard's); peer presets set them to the
// values a peer simulator derives.
struct RefreshTimingOverride {
  uint32_t rfc_cycles = 0;
  uint32_t refi_cycles = 0;
};

struct DramConfig {
  std::string standard;
  std::string density;  // "" = the standard's default
  std::string width;
  uint32_t channels = 1;
  uint32_t ranks = 1;
  std::string mapping;  // preset name or field list (address_map.h)
  bool mapping_xor = false;
  ControllerConfig controller;
  RefreshTimingOverride refresh_timing;
};

// From decoded parameters (every dram_parameters() name present where active).
DramConfig dram_config(const ParamMap& params);

// The device for a configuration: the standard's spec with channels and ranks applied;
// InputError when the configuration is impossible (e.g. PerBank refresh on DDR4).
Device make_device(const DramConfig& config);

}  // namespace accelgym::dram
