#include "models/compute/systolic_params.h"

#include "sim/core/param.h"

namespace accelgym::compute {

std::vector<v1::Dimension> systolic_parameters() {
  return {
      Param::pow2("rows", 4, 512)
          .group("compute")
          .unit("PEs")
          .def(32)
          .doc("Systolic array rows (R)"),
      Param::pow2("cols", 4, 512)
          .group("compute")
          .unit("PEs")
          .def(32)
          .doc("Systolic array columns (C)"),
      Param::categorical("dataflow", {"os", "ws", "is"})
          .group("compute")
          .def("os")
          .doc("Output-, weight- or input-stationary (docs/reference/systolic.md)"),
      Param::categorical("precision", {"int8", "int16", "fp16", "bf16", "fp32"})
          .group("compute")
          .def("int8")
          .doc("Operand precision: sets MAC energy/area and the scratchpad word width"),
      Param::integer_set("clock_mhz", {250, 500, 750, 1000, 1250, 1500})
          .group("compute")
          .unit("MHz")
          .def(1000)
          .doc("Array clock; latency_ns = cycles * 1000 / clock_mhz"),
      Param::integer("ifmap_sram_kb", 1, 4096)
          .group("memory")
          .unit("KiB")
          .def(64)
          .doc("Ifmap scratchpad (double-buffered: half active, half prefetch)"),
      Param::integer("filter_sram_kb", 1, 4096)
          .group("memory")
          .unit("KiB")
          .def(64)
          .doc("Filter scratchpad (double-buffered)"),
      Param::integer("ofmap_sram_kb", 1, 4096)
          .group("memory")
          .unit("KiB")
          .def(64)
          .doc("Ofmap scratchpad (double-buffered drain)"),
      Param::integer_set("tech_node_nm", {7, 10, 14, 16, 22, 28, 32, 40, 45, 65})
          .group("technology")
          .unit("nm")
          .def(45)
          .doc("Process node for energy and area (docs/reference/energy.md node scaling)"),
  };
}

std::vector<v1::Dimension> dram_backed_memory_parameters() {
  return {
      Param::pow2("sram_banks", 1, 256)
          .group("memory")
          .unit("banks")
          .def(64)
          .doc("Banks of each scratchpad, word-interleaved (memory modes ideal and dram)"),
      Param::integer_set("sram_ports", {1, 2})
          .group("memory")
          .unit("ports")
          .def(2)
          .doc("Ports per scratchpad bank: banks x ports words per cycle"),
      Param::integer_set("global_buffer_kb", {0, 128, 256, 512, 1024, 2048, 4096, 8192})
          .group("memory")
          .unit("KiB")
          .def(0)
          .doc("Global buffer shared by the scratchpads, in front of the DRAM (0 = none; "
               "memory mode dram)"),
      Param::pow2("global_buffer_words_per_cycle", 8, 512)
          .group("memory")
          .unit("words/cycle")
          .def(64)
          .doc("Bandwidth of the global buffer's port"),
      Param::categorical("layer_overlap", {"off", "on"})
          .group("memory")
          .def("off")
          .doc("Fetch the next layer's first tiles from DRAM during the last fold of the "
               "current one, and let its last drain run on (memory mode dram)"),
  };
}

SystolicConfig systolic_config(const ParamMap& p) {
  SystolicConfig c;
  c.array = {static_cast<uint64_t>(p.get_int("rows")), static_cast<uint64_t>(p.get_int("cols"))};
  c.dataflow = parse_dataflow(p.get_string("dataflow"));
  c.ifmap_sram_kib = static_cast<uint64_t>(p.get_int("ifmap_sram_kb"));
  c.filter_sram_kib = static_cast<uint64_t>(p.get_int("filter_sram_kb"));
  c.ofmap_sram_kib = static_cast<uint64_t>(p.get_int("ofmap_sram_kb"));
  c.precision = p.get_string("precision");
  c.clock_mhz = static_cast<uint64_t>(p.get_int("clock_mhz"));
  c.tech_node_nm = static_cast<uint64_t>(p.get_int("tech_node_nm"));
  c.overlap_layers = p.has("layer_overlap") && p.get_string("layer_overlap") == "on";
  if (p.has("sram_banks")) c.sram_banks = static_cast<uint64_t>(p.get_int("sram_banks"));
  if (p.has("sram_ports")) c.sram_ports = static_cast<uint64_t>(p.get_int("sram_ports"));
  if (p.has("global_buffer_kb")) {
    c.global_buffer_kib = static_cast<uint64_t>(p.get_int("global_buffer_kb"));
    c.global_buffer_words_per_cycle =
        static_cast<uint64_t>(p.get_int("global_buffer_words_per_cycle"));
  }
  return c;
}

}  // namespace accelgym::compute
