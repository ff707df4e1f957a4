// accelgym._core's sweep classes, for sweeps driven from Python (accelgym.sweep on Dask):
// the same coordinator and worker pool as `accelgym sweep`, with Python moving the tasks.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <optional>

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"
#include "sim/sweep/process_pool.h"
#include "sim/sweep/sweep.h"

namespace py = pybind11;
using namespace accelgym;

namespace {

v1::SweepSpec parse_spec(const std::string& json, const std::string& source) {
  v1::SweepSpec spec;
  parse_json(json, source, &spec);
  return spec;
}

// Coordinator side: prepares DIR (resume rules of OutDir), hands out tasks, takes records.
class PySweepCoordinator {
 public:
  PySweepCoordinator(const std::string& spec_json, const std::string& source,
                     const std::string& out_dir, bool resume, bool retry_failed)
      : setup_(parse_spec(spec_json, source), source),
        dir_(out_dir, setup_.spec(), resume),
        coordinator_(setup_) {
    dir_.load_previous(coordinator_, retry_failed);
  }

  std::optional<py::tuple> next() {
    auto task = coordinator_.next();
    if (!task) return std::nullopt;
    return py::make_tuple(task->id(), task->job(),
                          std::vector<uint32_t>(task->design().begin(), task->design().end()));
  }
  void complete(uint64_t id, const py::bytes& record_bytes) {
    v1::Evaluation record;
    if (!record.ParseFromString(std::string(record_bytes)))
      throw InputError("complete: malformed record");
    coordinator_.complete(id, std::move(record));
  }
  // A task that ended without a record (its worker raised or was lost): recorded FAILED here.
  void fail(uint64_t id, uint32_t job, const std::vector<uint32_t>& design,
            const std::string& why) {
    v1::SweepTask task;
    task.set_id(id);
    task.set_job(job);
    for (uint32_t x : design) task.add_design(x);
    v1::Evaluation record = setup_.failed(task, why, 0);
    if (!failures_)
      failures_ = std::make_unique<RecordWriter>(dir_.prefix("coordinator-failures") + ".records");
    failures_->append(record);
    coordinator_.complete(id, std::move(record));
  }
  std::string finish(uint32_t workers) {
    v1::SweepSummary s = coordinator_.summary();
    s.set_host_time_s(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    s.set_workers(workers);
    s.set_out_dir(dir_.path());
    dir_.write_summary(s);
    return to_report_json(s);
  }

  const sweep::Coordinator& coordinator() const { return coordinator_; }
  int run() const { return dir_.run(); }

 private:
  sweep::SweepSetup setup_;
  sweep::OutDir dir_;
  sweep::Coordinator coordinator_;
  std::unique_ptr<RecordWriter> failures_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Worker side: evaluates tasks in a forked child (crash and timeout isolation), appending to
// DIR/run<k>-<who>-w0.records.
class PySweepWorker {
 public:
  PySweepWorker(const std::string& spec_json, const std::string& source, const std::string& out_dir,
                int run, const std::string& who)
      : setup_(parse_spec(spec_json, source), source),
        pool_(setup_, 1, setup_.spec().timeout_s(), sweep::OutDir(out_dir, run).prefix(who)) {}

  py::bytes run(uint64_t id, uint32_t job, const std::vector<uint32_t>& design) {
    v1::SweepTask task;
    task.set_id(id);
    task.set_job(job);
    for (uint32_t x : design) task.add_design(x);
    std::string bytes;
    {
      py::gil_scoped_release release;
      pool_.submit(task);
      pool_.wait().second.SerializeToString(&bytes);
    }
    return py::bytes(bytes);
  }

 private:
  sweep::SweepSetup setup_;
  sweep::ProcessPool pool_;
};

}  // namespace

void bind_sweep(py::module_& m) {
  py::class_<PySweepCoordinator>(m, "SweepCoordinator")
      .def(py::init<const std::string&, const std::string&, const std::string&, bool, bool>(),
           py::arg("spec_json"), py::arg("source"), py::arg("out_dir"), py::arg("resume") = false,
           py::arg("retry_failed") = false)
      .def("next", &PySweepCoordinator::next, "(task id, job, design) to run now, or None")
      .def("complete", &PySweepCoordinator::complete, py::arg("task_id"), py::arg("record"))
      .def("fail", &PySweepCoordinator::fail, py::arg("task_id"), py::arg("job"), py::arg("design"),
           py::arg("why"))
      .def("finish", &PySweepCoordinator::finish, py::arg("workers"),
           "writes DIR/summary.json; returns it")
      .def_property_readonly("run", &PySweepCoordinator::run)
      .def_property_readonly("finished",
                             [](const PySweepCoordinator& c) { return c.coordinator().finished(); })
      .def_property_readonly("total",
                             [](const PySweepCoordinator& c) { return c.coordinator().total(); })
      .def_property_readonly("answered",
                             [](const PySweepCoordinator& c) { return c.coordinator().answered(); })
      .def_property_readonly(
          "failures", [](const PySweepCoordinator& c) { return c.coordinator().failures(); });
  py::class_<PySweepWorker>(m, "SweepWorker")
      .def(py::init<const std::string&, const std::string&, const std::string&, int,
                    const std::string&>(),
           py::arg("spec_json"), py::arg("source"), py::arg("out_dir"), py::arg("run"),
           py::arg("who"))
      .def("run", &PySweepWorker::run, py::arg("task_id"), py::arg("job"), py::arg("design"),
           "evaluates in a forked child; returns the serialized accelgym.v1.Evaluation");
}
