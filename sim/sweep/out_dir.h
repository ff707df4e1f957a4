// A sweep's output directory (docs/SWEEP.md):
//   DIR/sweep.json                 the spec the sweep started with (a resume must match it)
//   DIR/run<k>-<who>.records       append-only records, one file per worker / rank and run
//   DIR/summary.json               written when a run finishes
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "accelgym/v1/sweep.pb.h"
#include "sim/sweep/coordinator.h"

namespace accelgym::sweep {

class OutDir {
 public:
  // Creates DIR for a new sweep (InputError when it already holds records, unless `resume`),
  // or checks that a resumed sweep's spec matches the one saved there. Holds DIR/lock (an
  // exclusive flock) while this object and its copies live: a second coordinator on the same
  // directory, fresh or resuming, is refused until this one ends.
  OutDir(std::string dir, const v1::SweepSpec& spec, bool resume);
  // A directory another process (the coordinator) prepared, for run `run`.
  OutDir(std::string dir, int run) : dir_(std::move(dir)), run_(run) {}

  const std::string& path() const { return dir_; }
  int run() const { return run_; }
  std::string prefix(const std::string& who) const;  // DIR/run<k>-<who>
  // Feeds every record already in DIR to the coordinator; returns how many.
  uint64_t load_previous(Coordinator& coordinator, bool retry_failed) const;
  void write_summary(const v1::SweepSummary& summary) const;

 private:
  std::string dir_;
  int run_ = 1;
  std::shared_ptr<const int> lock_;  // the lock file's descriptor (coordinator side only)
};

}  // namespace accelgym::sweep
