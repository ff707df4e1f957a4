// Every JSON schema a user hands accelgym (the first byte picks one), parsed strictly and then
// used as its command would: design points and restrictions against the accel space,
// technology tables built into a Technology, networks and transformer specs lowered, sweep specs
// printed back.
#include "accelgym/v1/design.pb.h"
#include "accelgym/v1/space.pb.h"
#include "accelgym/v1/sweep.pb.h"
#include "accelgym/v1/technology.pb.h"
#include "accelgym/v1/workload.pb.h"
#include "models/energy/technology.h"
#include "models/spaces.h"
#include "sim/core/proto_io.h"
#include "tests/fuzz/fuzz_common.h"
#include "workloads/layer.h"
#include "workloads/transformer.h"

using namespace accelgym;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const DesignSpace space = make_space("accel");
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  return fuzz::only_input_errors([&] {
    switch (data[0] % 6) {
      case 0: {
        v1::DesignPoint point;
        parse_json(text, "point.json", &point);
        space.decode(space.from_proto(point, "point.json"));
        break;
      }
      case 1: {
        v1::SpaceRestriction restriction;
        parse_json(text, "restrict.json", &restriction);
        space.restricted(restriction, "restrict.json").size();
        break;
      }
      case 2: {
        v1::TechnologyTable table;
        parse_json(text, "tech.json", &table);
        const energy::Technology technology(table, "tech.json");
        for (const auto& mac : table.macs()) {
          for (const uint32_t node : {7u, 45u, 90u}) {
            technology.mac_energy_pj(mac.precision(), node);
            technology.mac_area_um2(mac.precision(), node);
            technology.sram_read_pj(64, mac.bits(), node);
            technology.sram_area_um2(64, node);
          }
        }
        break;
      }
      case 3: {
        v1::Network network;
        parse_json(text, "network.json", &network);
        for (const auto& layer : network.layers()) {
          workloads::lower(layer, workloads::LoweringRule::kStandard);
        }
        break;
      }
      case 4: {
        v1::TransformerSpec spec;
        parse_json(text, "transformer.json", &spec);
        const v1::Network network = workloads::expand_transformer(spec, 0);
        for (const auto& layer : network.layers()) {
          workloads::lower(layer, workloads::LoweringRule::kStandard);
        }
        break;
      }
      default: {
        v1::SweepSpec spec;
        parse_json(text, "spec.json", &spec);
        to_json(spec);
        break;
      }
    }
  });
}
