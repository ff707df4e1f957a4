#include "models/accel/engine.h"

#include <fmt/format.h>

#include <mutex>
#include <optional>

#include "sim/core/errors.h"

namespace accelgym::accel {
namespace {

// The one piece of process state the engines need: how to reach the SystemC engine, provided
// by the program (the binary's plugin loader, the Python module) and resolved once.
struct SystemcEngineSlot {
  std::mutex mutex;
  std::function<SystemcEngine()> find;
  std::optional<SystemcEngine> engine;
};

SystemcEngineSlot& slot() {
  static SystemcEngineSlot s;
  return s;
}

const SystemcEngine& systemc_engine(const std::string& what) {
  SystemcEngineSlot& s = slot();
  std::lock_guard lock(s.mutex);
  if (!s.engine && s.find) s.engine = s.find();
  if (!s.engine || !s.engine->systolic || !s.engine->hetero) {
    throw InputError(what +
                     ": engine 'systemc' is not available in this program (the accelgym "
                     "binary, its Python module and its tests provide it)");
  }
  return *s.engine;
}

}  // namespace

Engine parse_engine(const std::string& text, const std::string& what) {
  if (text == "direct") return Engine::kDirect;
  if (text == "systemc") return Engine::kSystemc;
  throw InputError(fmt::format("{}: expected direct or systemc, got '{}'", what, text));
}

const char* engine_name(Engine engine) { return engine == Engine::kSystemc ? "systemc" : "direct"; }

void provide_systemc_engine(std::function<SystemcEngine()> find) {
  SystemcEngineSlot& s = slot();
  std::lock_guard lock(s.mutex);
  if (!s.engine) s.find = std::move(find);
}

void check_engine_available(Engine engine, const std::string& what) {
  // Available here, or a clear error now rather than at the first run.
  if (engine == Engine::kSystemc) systemc_engine(what);
}

void check_engine(Engine engine, const MemoryModel& memory, const std::string& what) {
  if (engine != Engine::kSystemc) return;
  if (memory.mode != MemoryMode::kDram) {
    throw InputError(what +
                     ": engine systemc needs memory dram or dram-exact (the other modes have no "
                     "DRAM; the SystemC engine simulates every fold)");
  }
  check_engine_available(engine, what);
}

v1::SimReport simulate_systolic_on(Engine engine, const v1::Network& network,
                                   const compute::SystolicConfig& config, const MemoryModel& memory,
                                   const energy::Technology& technology,
                                   const dram::DramConfig& dram) {
  if (engine == Engine::kDirect)
    return simulate_systolic(network, config, memory, technology, &dram);
  check_engine(engine, memory, "engine");
  return systemc_engine("engine").systolic(network, config, technology, dram);
}

HeteroResult simulate_hetero_on(Engine engine, const std::vector<SubAccelerator>& subs,
                                const dram::DramConfig& dram, const energy::Technology& technology,
                                bool sample_folds) {
  if (engine == Engine::kDirect) return simulate_hetero(subs, dram, technology, sample_folds);
  return systemc_engine("engine").hetero(subs, dram, technology);
}

}  // namespace accelgym::accel
