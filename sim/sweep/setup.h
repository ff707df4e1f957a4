// A sweep's static part (docs/SWEEP.md): the spec, checked; its jobs, one per (searcher,
// workload, seed); and one env per workload over the sweep's space. The coordinator and every
// worker build it from the same spec, so a task (job, design) means the same in every process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "accelgym/v1/sweep.pb.h"
#include "sim/env/env.h"

namespace accelgym::sweep {

// Reads a sweep spec (JSON); InputError naming the file and the field on anything wrong.
v1::SweepSpec load_spec(const std::string& path);

struct Job {
  size_t searcher = 0;  // index into searchers() (0 when the sweep evaluates points)
  size_t workload = 0;  // index into the spec's workloads (0 for the env's default one)
  uint64_t seed = 0;
};

class SweepSetup {
 public:
  // Checks the spec (InputError naming `source` and the field) and builds the envs.
  SweepSetup(v1::SweepSpec spec, const std::string& source);

  const v1::SweepSpec& spec() const { return spec_; }
  size_t num_jobs() const { return jobs_.size(); }
  const Job& job(size_t j) const { return jobs_[j]; }
  const env::Env& env(size_t job) const { return *envs_[jobs_[job].workload]; }
  // The spec's explicit points, encoded; empty when the sweep searches.
  const std::vector<IndexVector>& points() const { return points_; }
  bool searches() const { return points_.empty(); }
  // The searcher configurations: `searchers`, or `searcher` alone (empty with points).
  const std::vector<v1::SearcherSpec>& searchers() const { return searchers_; }
  uint64_t budget_per_job() const;
  size_t batch() const;  // designs per round per job (all the points when there is no searcher)
  // "workload 'random', seed 3"; with several searchers "searcher 2 (ga population=8), ..."
  std::string describe(size_t job) const;

  // Runs one task in this process (the workers' inner loop).
  v1::Evaluation evaluate(const v1::SweepTask& task) const;
  // The record of a task that ended without a result (crash, timeout): FAILED, with `why`.
  v1::Evaluation failed(const v1::SweepTask& task, const std::string& why,
                        double wall_time_s) const;

 private:
  v1::SweepSpec spec_;
  std::vector<v1::SearcherSpec> searchers_;
  std::vector<Job> jobs_;
  std::vector<std::unique_ptr<env::Env>> envs_;
  std::vector<IndexVector> points_;
};

}  // namespace accelgym::sweep
