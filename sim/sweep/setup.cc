#include "sim/sweep/setup.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

#include "agents/searcher.h"
#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "sim/core/proto_io.h"
#include "sim/env/registry.h"

namespace accelgym::sweep {
namespace {

constexpr size_t kDefaultBatch = 8;

const env::EnvInfo& env_info(const std::string& name, const std::string& source) {
  static const std::vector<env::EnvInfo> envs = env::registered_envs();
  for (const auto& e : envs) {
    if (e.name == name) return e;
  }
  std::string known;
  for (const auto& e : envs) known += (known.empty() ? "" : ", ") + e.name;
  throw InputError::at(source, 0, "env", "unknown env '" + name + "' (registered: " + known + ")");
}

// make_env options for one workload: the spec's env_options, the workload's name (or path)
// under the env's workload option, then the workload's own options.
std::map<std::string, std::string> env_options(const v1::SweepSpec& spec, const env::EnvInfo& info,
                                               const v1::WorkloadRef* workload) {
  std::map<std::string, std::string> options(spec.env_options().begin(), spec.env_options().end());
  if (workload == nullptr) return options;
  options[info.workload_option] = workload->name().empty() ? workload->path() : workload->name();
  for (const auto& [k, v] : workload->options()) options[k] = v;
  return options;
}

void check(const v1::SweepSpec& spec, const std::string& source) {
  if (spec.env().empty()) throw InputError::at(source, 0, "env", "is required");
  const bool searches = spec.points().empty();
  const bool has_searcher = !spec.searcher().name().empty() || spec.searchers_size() > 0;
  if (searches && !has_searcher) {
    throw InputError::at(source, 0, "searcher",
                         "give a searcher (with a budget), searchers, or a list of points");
  }
  if (!searches && has_searcher) {
    throw InputError::at(source, 0, "points", "give either points or searchers, not both");
  }
  if (!spec.searcher().name().empty() && spec.searchers_size() > 0) {
    throw InputError::at(source, 0, "searchers", "give either searcher or searchers, not both");
  }
  if (searches && spec.budget() == 0)
    throw InputError::at(source, 0, "budget", "must be at least 1");
  if (!(spec.timeout_s() >= 0)) throw InputError::at(source, 0, "timeoutS", "must be >= 0");
  if (spec.workers() > limits().max_workers) {
    throw InputError::at(source, 0, "workers",
                         fmt::format("{} is more than {} ({})", spec.workers(),
                                     limits().max_workers, limit_hint("max_workers")));
  }
  for (int i = 0; i < spec.workloads_size(); ++i) {
    const auto& w = spec.workloads(i);
    if (w.name().empty() == w.path().empty()) {
      throw InputError::at(source, 0, fmt::format("workloads[{}]", i), "give a name or a path");
    }
  }
}

}  // namespace

v1::SweepSpec load_spec(const std::string& path) {
  v1::SweepSpec spec;
  load_json_file(path, &spec);
  return spec;
}

SweepSetup::SweepSetup(v1::SweepSpec spec, const std::string& source) : spec_(std::move(spec)) {
  check(spec_, source);
  const env::EnvInfo& info = env_info(spec_.env(), source);
  if (spec_.workloads_size() > 0 && info.workload_option.empty()) {
    throw InputError::at(source, 0, "workloads", "env '" + info.name + "' takes no workload");
  }
  const int workloads = std::max(1, spec_.workloads_size());
  for (int w = 0; w < workloads; ++w) {
    const v1::WorkloadRef* ref = spec_.workloads_size() ? &spec_.workloads(w) : nullptr;
    const std::string where = fmt::format("{} (workload {})", source, w);
    std::unique_ptr<env::Env> made;
    try {
      made = env::make_env(spec_.env(), env_options(spec_, info, ref));
    } catch (const InputError& e) {
      throw InputError::at(source, 0, ref ? fmt::format("workloads[{}]", w) : "envOptions",
                           e.what());
    }
    envs_.push_back(made->restricted(spec_.space(), source + ": space"));
  }
  const std::vector<uint64_t> seeds =
      spec_.seeds().empty() ? std::vector<uint64_t>{0}
                            : std::vector<uint64_t>(spec_.seeds().begin(), spec_.seeds().end());
  if (!spec_.searcher().name().empty()) searchers_.push_back(spec_.searcher());
  for (const auto& s : spec_.searchers()) searchers_.push_back(s);
  for (size_t a = 0; a < std::max<size_t>(1, searchers_.size()); ++a) {
    for (size_t w = 0; w < envs_.size(); ++w) {
      for (uint64_t s : seeds) jobs_.push_back({a, w, s});
    }
  }
  for (int i = 0; i < spec_.points_size(); ++i) {
    const std::string field = fmt::format("points[{}]", i);
    try {
      points_.push_back(envs_[0]->space().from_proto(spec_.points(i), source + ": " + field));
    } catch (const InputError& e) {
      throw InputError::at(source, 0, field, e.what());
    }
  }
  // An unknown searcher or option fails now, not in the middle of the sweep.
  for (size_t a = 0; a < searchers_.size(); ++a) {
    const auto& searcher = searchers_[a];
    const agents::Options options(searcher.options().begin(), searcher.options().end());
    try {
      agents::make_searcher(searcher.name(), envs_[0]->space(), 0, options);
    } catch (const InputError& e) {
      const std::string field =
          spec_.searchers_size() ? fmt::format("searchers[{}]", a) : std::string("searcher");
      throw InputError::at(source, 0, field, e.what());
    }
  }
}

uint64_t SweepSetup::budget_per_job() const { return searches() ? spec_.budget() : points_.size(); }

size_t SweepSetup::batch() const {
  if (!searches()) return std::max<size_t>(1, points_.size());  // nothing adapts: one round
  return spec_.batch() ? spec_.batch() : kDefaultBatch;
}

std::string SweepSetup::describe(size_t j) const {
  const auto& job = jobs_[j];
  std::string workload = "default workload";
  if (spec_.workloads_size()) {
    const auto& w = spec_.workloads(static_cast<int>(job.workload));
    workload = "workload '" + (w.name().empty() ? w.path() : w.name()) + "'";
  }
  std::string searcher;
  if (searchers_.size() > 1) {
    const auto& s = searchers_[job.searcher];
    std::vector<std::string> options;
    for (const auto& [k, v] :
         std::map<std::string, std::string>(s.options().begin(), s.options().end())) {
      options.push_back(k + "=" + v);
    }
    searcher = fmt::format("searcher {} ({}{}{}), ", job.searcher, s.name(),
                           options.empty() ? "" : " ", fmt::join(options, " "));
  }
  return fmt::format("{}{}, seed {}", searcher, workload, job.seed);
}

v1::Evaluation SweepSetup::evaluate(const v1::SweepTask& task) const {
  if (task.job() >= jobs_.size())
    throw InternalError(fmt::format("sweep task names job {}", task.job()));
  const IndexVector design(task.design().begin(), task.design().end());
  return env(task.job()).evaluate(design, jobs_[task.job()].seed);
}

v1::Evaluation SweepSetup::failed(const v1::SweepTask& task, const std::string& why,
                                  double wall_time_s) const {
  const IndexVector design(task.design().begin(), task.design().end());
  const env::Env& e = env(task.job());
  v1::Evaluation record = e.identity(design, jobs_[task.job()].seed);
  record.set_status(v1::Evaluation::FAILED);
  record.set_message(why);
  record.set_reward(e.reward_config().invalid_penalty());
  record.set_wall_time_s(wall_time_s);
  return record;
}

}  // namespace accelgym::sweep
