#include "sim/sweep/coordinator.h"

#include <fmt/format.h>

#include "agents/runner.h"
#include "sim/core/errors.h"

namespace accelgym::sweep {
namespace {

// A sweep over explicit points: asks return them in order, tells are ignored.
class PointList final : public agents::Searcher {
 public:
  explicit PointList(const std::vector<IndexVector>& points) : points_(points) {}
  std::vector<IndexVector> ask(size_t n) override {
    std::vector<IndexVector> out;
    while (out.size() < n && next_ < points_.size()) out.push_back(points_[next_++]);
    return out;
  }
  void tell(const std::vector<agents::Told>&) override {}

 private:
  const std::vector<IndexVector>& points_;
  size_t next_ = 0;
};

}  // namespace

struct Coordinator::JobState {
  std::unique_ptr<agents::Searcher> searcher;
  uint64_t asked = 0;
  bool exhausted = false;  // budget used up or the searcher has nothing more
  std::vector<Slot> round;
  size_t unresolved = 0;
  v1::SweepSummary::Job summary;
  bool have_best = false;
};

Coordinator::Coordinator(const SweepSetup& setup) : setup_(setup) {
  for (size_t j = 0; j < setup_.num_jobs(); ++j) {
    auto state = std::make_unique<JobState>();
    if (setup_.searches()) {
      const v1::SearcherSpec& s = setup_.searchers()[setup_.job(j).searcher];
      const agents::Options options(s.options().begin(), s.options().end());
      state->searcher =
          agents::make_searcher(s.name(), setup_.env(j).space(), setup_.job(j).seed, options);
      *state->summary.mutable_searcher() = s;
    } else {
      state->searcher = std::make_unique<PointList>(setup_.points());
    }
    const auto& spec = setup_.spec();
    if (spec.workloads_size()) {
      *state->summary.mutable_workload() = spec.workloads(static_cast<int>(setup_.job(j).workload));
    }
    state->summary.set_seed(setup_.job(j).seed);
    state->summary.set_best_reward(setup_.env(j).reward_config().invalid_penalty());
    jobs_.push_back(std::move(state));
  }
}

Coordinator::~Coordinator() = default;

void Coordinator::add_previous(const v1::Evaluation& previous, bool retry_failed) {
  if (previous.key().empty()) return;
  if (retry_failed && previous.status() == v1::Evaluation::FAILED) return;
  v1::Evaluation record = previous;  // an older key scheme's record answers under today's key
  if (record.key_scheme() != kEvaluationKeyScheme) set_evaluation_key(record);
  auto [it, inserted] = done_.try_emplace(record.key(), record);
  // The same key twice (a worker killed between writing and reporting): prefer a success.
  if (!inserted && it->second.status() != v1::Evaluation::OK &&
      record.status() == v1::Evaluation::OK) {
    it->second = record;
  }
}

std::optional<v1::SweepTask> Coordinator::next() {
  for (size_t k = 0; ready_.empty() && k < jobs_.size(); ++k) {
    open_rounds((round_robin_ + k) % jobs_.size());
  }
  round_robin_ = (round_robin_ + 1) % std::max<size_t>(1, jobs_.size());
  if (ready_.empty()) return std::nullopt;
  v1::SweepTask task = std::move(ready_.front());
  ready_.pop_front();
  return task;
}

// Opens the job's next round when it has none; rounds answered entirely from earlier records
// finish at once, so a resumed sweep fast-forwards to where it stopped.
void Coordinator::open_rounds(size_t j) {
  JobState& job = *jobs_[j];
  while (job.round.empty() && !job.exhausted) {
    const uint64_t budget = setup_.budget_per_job();
    const size_t n = static_cast<size_t>(std::min<uint64_t>(setup_.batch(), budget - job.asked));
    std::vector<IndexVector> designs = n ? job.searcher->ask(n) : std::vector<IndexVector>{};
    if (designs.empty()) {
      job.exhausted = true;
      return;
    }
    job.asked += designs.size();
    job.unresolved = designs.size();
    const env::Env& env = setup_.env(j);
    for (auto& design : designs) {
      std::string key = env.identity(design, setup_.job(j).seed).key();
      job.round.push_back({std::move(design), std::move(key), false});
    }
    for (size_t i = 0; i < job.round.size(); ++i) {
      const std::string& key = job.round[i].key;
      if (done_.count(key)) {
        ++reused_;
        resolve(j, i);
        continue;
      }
      auto& waiters = waiting_[key];
      waiters.emplace_back(j, i);
      if (waiters.size() > 1) continue;  // the same design is already on its way
      v1::SweepTask task;
      task.set_id(next_id_++);
      task.set_job(static_cast<uint32_t>(j));
      for (uint32_t x : job.round[i].design) task.add_design(x);
      in_flight_.emplace(task.id(), key);
      ready_.push_back(std::move(task));
    }
    if (job.unresolved == 0) finish_round(j);
  }
}

void Coordinator::complete(uint64_t task_id, v1::Evaluation record) {
  const auto it = in_flight_.find(task_id);
  if (it == in_flight_.end()) throw InternalError(fmt::format("sweep: unknown task {}", task_id));
  const std::string key = it->second;
  in_flight_.erase(it);
  if (record.key() != key) {
    throw InternalError(fmt::format(
        "sweep: task {} came back with key {}, expected {} (workers built from a different spec "
        "or version?)",
        task_id, record.key(), key));
  }
  ++simulated_;
  done_[key] = std::move(record);
  const auto waiters = std::move(waiting_[key]);
  waiting_.erase(key);
  for (size_t w = 0; w < waiters.size(); ++w) {
    if (w > 0) ++reused_;  // a repeated ask of a design in flight
    resolve(waiters[w].first, waiters[w].second);
  }
  for (const auto& [j, slot] : waiters) {
    if (!jobs_[j]->round.empty() && jobs_[j]->unresolved == 0) finish_round(j);
  }
}

void Coordinator::resolve(size_t j, size_t slot) {
  JobState& job = *jobs_[j];
  if (job.round[slot].resolved) return;
  job.round[slot].resolved = true;
  --job.unresolved;
}

// Tells the searcher the round's results in ask order and updates the job's statistics.
void Coordinator::finish_round(size_t j) {
  JobState& job = *jobs_[j];
  const env::RewardConfig& reward = setup_.env(j).reward_config();
  std::vector<agents::Told> told;
  auto& s = job.summary;
  for (auto& slot : job.round) {
    const v1::Evaluation& e = done_.at(slot.key);
    const bool ok = e.status() == v1::Evaluation::OK;
    s.set_evaluations(s.evaluations() + 1);
    s.set_ok(s.ok() + ok);
    s.set_invalid(s.invalid() + (e.status() == v1::Evaluation::INVALID));
    s.set_failed(s.failed() + (e.status() == v1::Evaluation::FAILED));
    if (ok && (!job.have_best || e.reward() > s.best_reward())) {
      job.have_best = true;
      s.set_best_reward(e.reward());
      *s.mutable_best_point() = e.point();
      *s.mutable_best_metrics() = e.metrics();
    }
    if (ok && s.evaluations_to_target() == 0 && reward.all_met(e.metrics())) {
      s.set_evaluations_to_target(s.evaluations());
    }
    told.push_back(agents::told_from(std::move(slot.design), e, reward));
  }
  job.round.clear();
  job.searcher->tell(told);
  if (job.asked >= setup_.budget_per_job()) job.exhausted = true;
}

bool Coordinator::finished() const {
  for (const auto& job : jobs_) {
    if (!job->exhausted || !job->round.empty()) return false;
  }
  return in_flight_.empty();
}

uint64_t Coordinator::total() const { return setup_.budget_per_job() * jobs_.size(); }

uint64_t Coordinator::answered() const {
  uint64_t n = 0;
  for (const auto& job : jobs_) n += job->summary.evaluations();
  return n;
}

uint64_t Coordinator::failures() const {
  uint64_t n = 0;
  for (const auto& job : jobs_) n += job->summary.failed();
  return n;
}

v1::SweepSummary Coordinator::summary() const {
  v1::SweepSummary s;
  s.set_name(setup_.spec().name());
  s.set_env(setup_.spec().env());
  s.set_simulated(simulated_);
  s.set_reused(reused_);
  for (const auto& job : jobs_) {
    const auto& j = job->summary;
    s.set_evaluations(s.evaluations() + j.evaluations());
    s.set_ok(s.ok() + j.ok());
    s.set_invalid(s.invalid() + j.invalid());
    s.set_failed(s.failed() + j.failed());
    *s.add_jobs() = j;
  }
  return s;
}

}  // namespace accelgym::sweep
