// The sweep's coordinator: asks each job's searcher for designs, hands them out as tasks,
// and tells the searcher the results in ask order (so a sweep's records do not depend on
// how many workers ran it or in which order they finished). Finished work is looked up by
// evaluation key: records of earlier runs answer repeated asks without re-evaluating, which
// is what makes a sweep resumable (docs/SWEEP.md).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "accelgym/v1/sweep.pb.h"
#include "agents/searcher.h"
#include "sim/sweep/setup.h"

namespace accelgym::sweep {

class Coordinator {
 public:
  explicit Coordinator(const SweepSetup& setup);
  ~Coordinator();

  // A record of an earlier run (resume). With `retry_failed`, FAILED records are not reused.
  void add_previous(const v1::Evaluation& record, bool retry_failed = false);

  // The next task to run, or nothing: wait for a completion (or the sweep is finished).
  std::optional<v1::SweepTask> next();
  // A task's record, from whichever worker ran it.
  void complete(uint64_t task_id, v1::Evaluation record);

  bool finished() const;
  uint64_t total() const;     // asks the sweep will answer at most
  uint64_t answered() const;  // asks answered so far (told to searchers)
  uint64_t failures() const;  // FAILED among them
  size_t in_flight() const { return in_flight_.size(); }
  v1::SweepSummary summary() const;

 private:
  struct Slot {
    IndexVector design;
    std::string key;
    bool resolved = false;
  };
  struct JobState;

  void open_rounds(size_t job);
  void resolve(size_t job, size_t slot);
  void finish_round(size_t job);

  const SweepSetup& setup_;
  std::vector<std::unique_ptr<JobState>> jobs_;
  std::unordered_map<std::string, v1::Evaluation> done_;  // by key: this run and earlier ones
  std::unordered_map<std::string, std::vector<std::pair<size_t, size_t>>> waiting_;  // key -> slots
  std::deque<v1::SweepTask> ready_;
  std::unordered_map<uint64_t, std::string> in_flight_;  // task id -> key
  uint64_t next_id_ = 1;
  size_t round_robin_ = 0;
  uint64_t simulated_ = 0, reused_ = 0;
};

}  // namespace accelgym::sweep
