// A SystemC top of the user's own: a generator with a TLM-2.0 initiator socket streams reads
// and writes into accelgym's DRAM target (models/dram/dram_tlm.h) by b_transport, then prints
// the DRAM report. Exit code 0 when every request was answered with the expected data size.
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdio>
#include <systemc>
#include <tlm>
#include <vector>

#include "models/dram/dram_params.h"
#include "models/dram/dram_tlm.h"
#include "models/spaces.h"

namespace {

class Generator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<Generator> socket{"socket"};
  unsigned answered = 0;

  Generator(sc_core::sc_module_name name, unsigned requests)
      : sc_module(name), requests_(requests) {
    SC_HAS_PROCESS(Generator);
    SC_THREAD(run);
  }

 private:
  void run() {
    std::vector<unsigned char> data(64);
    for (unsigned i = 0; i < requests_; ++i) {
      tlm::tlm_generic_payload payload;
      payload.set_command(i % 4 == 3 ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
      payload.set_address(static_cast<uint64_t>(i) * 64 * 17);  // strided: some row misses
      payload.set_data_ptr(data.data());
      payload.set_data_length(64);
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      socket->b_transport(payload, delay);
      if (payload.get_response_status() == tlm::TLM_OK_RESPONSE) ++answered;
      wait(2, sc_core::SC_NS);
    }
    sc_core::sc_stop();  // the DRAM keeps refreshing: end the simulation here
  }

  unsigned requests_;
};

}  // namespace

int sc_main(int, char**) {
  // The DRAM subsystem's design space: defaults (DDR4-2400R), then one controller knob.
  const accelgym::DesignSpace space = accelgym::make_space("dram");
  accelgym::ParamMap values = space.decode(space.default_point());
  values.set("PagePolicy", std::string("Closed"));
  const auto config = accelgym::dram::dram_config(space.decode(space.encode(values)));

  accelgym::dram::DramTarget dram("dram", accelgym::dram::make_device(config), config);
  constexpr unsigned kRequests = 1000;
  Generator generator("generator", kRequests);
  generator.socket.bind(dram.socket);
  sc_core::sc_start();

  const auto report = dram.report();
  std::printf(
      "%s: %llu reads, %llu writes answered in %.1f ns; average read latency %.2f ns, "
      "row hit rate %.3f, energy %.1f pJ\n",
      report.standard().c_str(), static_cast<unsigned long long>(report.reads()),
      static_cast<unsigned long long>(report.writes()), report.total_time_ns(),
      report.avg_read_latency_ns(), report.row_hit_rate(), report.energy_pj());
  const bool ok = generator.answered == kRequests && report.reads() + report.writes() == kRequests;
  return ok ? 0 : 1;
}
