// Runs a `<time_ns> <R|W> <addr>` trace (accelgym's ns format) on DRAMsim3 until every request
// has returned, and prints the cycle of the last return. DRAMsim3's own trace CPU runs a fixed
// number of cycles, which says nothing about when a trace ends; bench/dram_peers.py builds this
// against a DRAMsim3 checkout of the user's (it is not part of accelgym's build).
//
//   dramsim3_run CONFIG.ini TRACE OUTPUT_DIR
//
// A request enters DRAMsim3 at the first cycle not before its time (cycles of the config's
// tCK) and once WillAcceptTransaction allows, in trace order.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dramsim3.h"

namespace {

struct Request {
  double time_ns;
  bool is_write;
  uint64_t address;
};

std::vector<Request> read_trace(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    std::exit(2);
  }
  std::vector<Request> out;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    Request r{};
    std::string kind, address;
    if (!(fields >> r.time_ns >> kind >> address) || (kind != "R" && kind != "W")) {
      std::cerr << path << ":" << number << ": expected `<time_ns> <R|W> <addr>`\n";
      std::exit(2);
    }
    r.is_write = kind == "W";
    r.address = std::stoull(address, nullptr, 0);
    out.push_back(r);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: dramsim3_run CONFIG.ini TRACE OUTPUT_DIR\n";
    return 2;
  }
  const std::vector<Request> trace = read_trace(argv[2]);
  uint64_t returned = 0, cycle = 0, last_return = 0;
  auto on_return = [&](uint64_t) {
    ++returned;
    last_return = cycle;
  };
  // The factory, not the constructor: dramsim3.h declares the class without its members.
  std::unique_ptr<dramsim3::MemorySystem> owned(
      dramsim3::GetMemorySystem(argv[1], argv[3], on_return, on_return));
  dramsim3::MemorySystem& memory = *owned;
  const double tck_ns = memory.GetTCK();
  size_t next = 0;
  while (returned < trace.size()) {
    while (next < trace.size() &&
           static_cast<double>(cycle) >= std::ceil(trace[next].time_ns / tck_ns - 1e-9) &&
           memory.WillAcceptTransaction(trace[next].address, trace[next].is_write)) {
      memory.AddTransaction(trace[next].address, trace[next].is_write);
      ++next;
    }
    memory.ClockTick();
    ++cycle;
  }
  memory.PrintStats();
  std::printf("requests %zu last_return_cycle %llu tck_ns %.4f\n", trace.size(),
              static_cast<unsigned long long>(last_return), tck_ns);
  return 0;
}
