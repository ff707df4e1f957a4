// SCALE-Sim topology CSVs: parsed, lowered both ways, and simulated in closed form.
#include "models/accel/systolic_evaluator.h"
#include "models/compute/systolic_params.h"
#include "models/energy/technology.h"
#include "models/spaces.h"
#include "tests/fuzz/fuzz_common.h"
#include "workloads/layer.h"
#include "workloads/topology_reader.h"

using namespace accelgym;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const DesignSpace space = make_space("accel");
  static const auto config = compute::systolic_config(space.decode(space.default_point()));
  static const auto technology = energy::Technology::builtin();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  return fuzz::only_input_errors([&] {
    const v1::Network net = workloads::parse_topology_csv(text, "fuzz.csv", size % 2 == 1);
    for (const auto& layer : net.layers()) {
      workloads::lower(layer, workloads::LoweringRule::kScaleSim);
      workloads::lower(layer, workloads::LoweringRule::kStandard);
    }
    accel::simulate_systolic(net, config, accel::MemoryMode::kIdeal, technology, nullptr);
  });
}
