#include <cstdio>
#include <iostream>
#include <thread>

#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/plugins.h"
#include "sim/cli/point_options.h"
#include "sim/cli/progress.h"
#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/sweep/sweep.h"

namespace accelgym::cli {
namespace {

void print_table(const v1::SweepSummary& s, std::ostream& out) {
  out << "sweep " << (s.name().empty() ? "(unnamed)" : s.name()) << " on " << s.env() << ": "
      << s.evaluations() << " evaluations (" << s.ok() << " ok, " << s.invalid() << " invalid, "
      << s.failed() << " failed); " << s.simulated() << " simulated in this run, " << s.reused()
      << " reused from records; workers: " << s.workers() << ", " << s.host_time_s() << " s\n";
  for (const auto& j : s.jobs()) {
    const std::string workload =
        j.workload().name().empty() ? j.workload().path() : j.workload().name();
    out << "  " << (workload.empty() ? "default workload" : workload) << ", seed " << j.seed()
        << ": best reward " << j.best_reward()
        << (j.evaluations_to_target()
                ? ", targets met after " + std::to_string(j.evaluations_to_target())
                : std::string(", targets not met"))
        << "\n";
  }
  out << "records in " << s.out_dir() << " (accelgym records merge " << s.out_dir()
      << " --out FILE)\n";
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  Args args("accelgym sweep --spec FILE --out DIR [options]",
            "Run a sweep (docs/SWEEP.md): a searcher or a list of points over an env, for every\n"
            "workload and seed of the spec, on local worker processes, or across MPI ranks when\n"
            "started by mpirun / srun (rank 0 coordinates, the others evaluate). Records are\n"
            "appended per worker in DIR; --resume continues a killed sweep without losing or\n"
            "repeating an evaluation.");
  args.option("spec", "FILE", "the sweep spec (JSON, accelgym.v1.SweepSpec)");
  args.option("out", "DIR", "output directory: records, sweep.json, summary.json");
  args.option("workers", "N", "local worker processes (default: the spec's, else one per core)");
  args.flag("resume", "continue the sweep already in DIR");
  args.flag("retry-failed", "with --resume: evaluate again what failed before (crash, timeout)");
  args.option("format", "FORMAT", "table or json", "table");
  args.flag("quiet", "no progress on stderr");
  if (args.parse_or_help(argc, argv, 2)) return 0;
  if (!args.has("spec") || !args.has("out")) throw InputError("--spec and --out are required");
  const std::string format = args.choice("format", {"table", "json"});
  const std::string spec_path = args.get("spec");
  const sweep::SweepSetup setup(sweep::load_spec(spec_path), spec_path);

  std::unique_ptr<Progress> bar;
  sweep::RunOptions options;
  options.retry_failed = args.has("retry-failed");
  if (!args.has("quiet")) {
    options.progress = [&](const sweep::Coordinator& c) {
      if (!bar) bar = std::make_unique<Progress>(c.total());
      bar->update(c.answered(), std::to_string(c.failures()) + " failed");
    };
  }
  std::optional<v1::SweepSummary> summary;
  if (sweep::launched_by_mpi()) {
    summary = mpi_plugin().run_mpi(setup, args.get("out"), args.has("resume"), options);
    if (!summary) return 0;  // an evaluating rank: rank 0 reports
  }
  if (!summary) {
    size_t workers = setup.spec().workers();
    if (args.has("workers"))
      workers = static_cast<size_t>(parse_count(args.get("workers"), "--workers", 1));
    if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
    const sweep::OutDir dir(args.get("out"), setup.spec(), args.has("resume"));
    summary = sweep::run_local(setup, dir, workers, options);
  }
  if (format == "json") {
    std::cout << to_report_json(*summary) << "\n";
  } else {
    print_table(*summary, std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
