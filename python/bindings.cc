// pybind11 module `accelgym._core`: the C++ Env, its spaces and the searchers, in-process.
// The GIL is released while a design is simulated.
#include <cmath>
#include <map>

#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "agents/gaussian_process.h"
#include "agents/runner.h"
#include "models/accel/engine.h"
#include "models/accel/systolic_evaluator.h"
#include "models/accel/systolic_tlm.h"
#include "models/dram/dram_params.h"
#include "models/spaces.h"
#include "sim/core/errors.h"
#include "sim/core/limits.h"
#include "sim/core/proto_io.h"
#include "sim/core/records.h"
#include "sim/core/version.h"
#include "sim/env/multi_agent.h"
#include "sim/env/registry.h"
#include "workloads/network_zoo.h"

namespace py = pybind11;
using namespace accelgym;

namespace {

py::dict info_dict(const env::Info& info) {
  py::dict d;
  d["valid"] = info.valid;
  d["status"] = v1::Evaluation::Status_Name(info.status);
  d["reason"] = info.reason;
  d["step"] = info.step;
  d["objectives"] = info.objectives;
  d["margins"] = info.margins;
  py::dict metrics;
  if (info.valid) {
    const auto& m = info.metrics;
    metrics["cycles"] = m.cycles();
    metrics["stall_cycles"] = m.stall_cycles();
    metrics["latency_ns"] = m.latency_ns();
    metrics["energy_pj"] = m.energy_pj();
    metrics["avg_power_mw"] = m.avg_power_mw();
    metrics["area_mm2"] = m.area_mm2();
    metrics["utilization_pct"] = m.utilization_pct();
    metrics["macs"] = m.macs();
    for (const auto& [k, v] : m.extra()) metrics[k.c_str()] = v;
  }
  d["metrics"] = metrics;
  return d;
}

// A design point as {knob: value}: numbers that are whole as int (as JSON would print them),
// others as float, strings and booleans as themselves.
py::dict point_dict(const v1::DesignPoint& point) {
  py::dict out;
  for (const auto& [name, v] : point.values()) {
    if (v.has_string_value()) {
      out[py::str(name)] = v.string_value();
    } else if (v.has_bool_value()) {
      out[py::str(name)] = v.bool_value();
    } else {
      const double x = v.number_value();
      if (std::floor(x) == x && std::fabs(x) < 9.0e15) {
        out[py::str(name)] = static_cast<int64_t>(x);
      } else {
        out[py::str(name)] = x;
      }
    }
  }
  return out;
}

py::list dimensions(const DesignSpace& space) {
  py::list out;
  for (size_t d = 0; d < space.num_dimensions(); ++d) {
    py::dict dim;
    dim["name"] = space.dimension(d).name();
    dim["group"] = space.dimension(d).group();
    dim["unit"] = space.dimension(d).unit();
    // "categorical" knobs have unordered values; the others (integer, pow2, choices of numbers)
    // are ordered, so a searcher may treat their index as a number.
    dim["kind"] =
        space.dimension(d).kind() == v1::Dimension::CATEGORICAL ? "categorical" : "ordinal";
    py::list values;
    for (uint32_t i = 0; i < space.cardinality(d); ++i) {
      const ParamValue& v = space.value(d, i);
      if (const auto* s = std::get_if<std::string>(&v)) {
        values.append(*s);
      } else if (const auto* n = std::get_if<int64_t>(&v)) {
        values.append(*n);
      } else {
        values.append(std::get<double>(v));
      }
    }
    dim["values"] = values;
    dim["default"] = space.default_index(d);
    out.append(dim);
  }
  return out;
}

struct CoreEnv {
  std::unique_ptr<env::Env> env;

  py::tuple step(const std::vector<uint32_t>& action) {
    env::StepResult r;
    {
      py::gil_scoped_release release;
      r = env->step(action);
    }
    return py::make_tuple(r.observation, r.reward, r.terminated, r.truncated, info_dict(r.info));
  }
};

// One network on one accelerator (the `accelgym sim` command's model): parameters of the
// accel space by name, as strings; returns the SimReport as JSON.
std::string simulate(const std::string& workload, const std::string& memory,
                     const std::string& engine, const std::map<std::string, std::string>& params,
                     bool gemm, uint32_t seq_len, bool scalesim_estimates) {
  const DesignSpace space = make_space("accel");
  std::vector<DesignSpace::Assignment> assignments;
  for (const auto& [name, text] : params) assignments.push_back({name, text, "simulate " + name});
  const IndexVector point = space.assign({}, assignments);
  const ParamMap design = space.decode(point);
  const auto config = compute::systolic_config(design);
  const auto dram = dram::dram_config(design);
  auto model = accel::parse_memory_mode(memory);
  model.scalesim_calc_estimates = scalesim_estimates;
  const auto engine_kind = accel::parse_engine(engine, "engine");
  accel::check_engine(engine_kind, model, "engine");
  const v1::Network network = workloads::load_network(workload, gemm, seq_len);
  const auto technology = energy::Technology::builtin();
  v1::SimReport report;
  {
    py::gil_scoped_release release;
    report = accel::simulate_systolic_on(engine_kind, network, config, model, technology, dram);
  }
  *report.mutable_config() = space.to_proto(point);
  return to_report_json(report, -1);
}

}  // namespace

void bind_sweep(py::module_& m);  // sweep_bindings.cc

PYBIND11_MODULE(_core, m) {
  // The module links the SystemC layer: its engine is there for simulate() and the envs.
  accel::provide_systemc_engine([] {
    return accel::SystemcEngine{&accel::simulate_systolic_tlm, &accel::simulate_hetero_tlm};
  });
  m.doc() = "accelgym's C++ core: environments, design spaces and searchers";
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  m.def("version", &version);
  m.def("registered_envs", &env::user_env_names);  // test envs (synthetic-v0) left out
  m.def("builtin_networks", [] {
    std::vector<std::string> names;
    for (const auto& network : workloads::builtin_networks()) names.push_back(network.name);
    return names;
  });
  m.def("searchers", &agents::searcher_names);
  m.def("limits", [] {
    py::dict out;
    for (const auto& l : limit_table()) {
      out[py::str(l.name)] = py::dict(py::arg("value") = l.value, py::arg("unit") = l.unit,
                                      py::arg("bounds") = l.bounds);
    }
    return out;
  });
  // The Gaussian process `bo` models with, exposed so that tests can check it against an
  // independent implementation (scikit-learn): (mean, sd, log marginal likelihood).
  m.def(
      "_gaussian_process_predict",
      [](const Eigen::MatrixXd& inputs, const Eigen::VectorXd& targets,
         const Eigen::VectorXd& lengthscales, double noise_variance,
         const Eigen::MatrixXd& points) {
        agents::GaussianProcess gp(lengthscales, noise_variance);
        const double lml = gp.fit(inputs, targets);
        Eigen::VectorXd mean, sd;
        gp.predict(points, mean, sd);
        return py::make_tuple(mean, sd, lml);
      },
      py::arg("inputs"), py::arg("targets"), py::arg("lengthscales"), py::arg("noise_variance"),
      py::arg("points"));
  m.def("simulate", &simulate, py::arg("workload"), py::arg("memory"), py::arg("engine"),
        py::arg("params"), py::arg("gemm"), py::arg("seq_len"), py::arg("scalesim_estimates"));
  m.def(
      "read_records",
      [](const std::string& path) {
        py::list out;
        const auto visit = [&](const v1::Evaluation& e) {
          py::dict r;
          r["key"] = e.key();
          r["env"] = e.env();
          r["status"] = v1::Evaluation::Status_Name(e.status());
          r["message"] = e.message();
          r["seed"] = e.seed();
          r["reward"] = e.reward();
          r["wall_time_s"] = e.wall_time_s();
          r["simulator_version"] = e.simulator_version();
          r["point"] = point_dict(e.point());
          env::Info info;
          info.valid = e.status() == v1::Evaluation::OK;
          info.metrics = e.metrics();
          r["metrics"] = info_dict(info)["metrics"];
          out.append(r);
        };
        for_each_record(path, visit);  // a directory (a sweep's): each evaluation once
        return out;
      },
      py::arg("path"));
  bind_sweep(m);

  py::class_<CoreEnv>(m, "Env")
      .def(py::init([](const std::string& name, const std::map<std::string, std::string>& options) {
             return CoreEnv{env::make_env(name, options)};
           }),
           py::arg("name"), py::arg("options") = std::map<std::string, std::string>{})
      .def_property_readonly("name", [](const CoreEnv& e) { return e.env->name(); })
      .def_property_readonly("action_nvec", [](const CoreEnv& e) { return e.env->action_nvec(); })
      .def_property_readonly("observation_low",
                             [](const CoreEnv& e) { return e.env->observation_space().low; })
      .def_property_readonly("observation_high",
                             [](const CoreEnv& e) { return e.env->observation_space().high; })
      .def_property_readonly("episode_length",
                             [](const CoreEnv& e) { return e.env->episode_length(); })
      .def_property_readonly("dimensions",
                             [](const CoreEnv& e) { return dimensions(e.env->space()); })
      .def_property_readonly("groups", [](const CoreEnv& e) { return e.env->space().groups(); })
      .def_property_readonly("targets",
                             [](const CoreEnv& e) {
                               std::vector<std::string> out;
                               for (const auto& t : e.env->reward_config().targets)
                                 out.push_back(env::describe(t));
                               return out;
                             })
      .def_property_readonly("target_origin",
                             [](const CoreEnv& e) {
                               const auto& t = e.env->target_origin();
                               py::dict d;
                               d["source"] = t.source();
                               d["targets"] =
                                   std::vector<std::string>(t.targets().begin(), t.targets().end());
                               d["options"] = std::map<std::string, std::string>(
                                   t.options().begin(), t.options().end());
                               d["difficulty"] = t.difficulty();
                               d["sample_size"] = t.sample_size();
                               d["meeting"] = t.meeting();
                               d["sample_seed"] = t.sample_seed();
                               return d;
                             })
      .def("group_dimensions",
           [](const CoreEnv& e, const std::string& g) {
             return e.env->space().dimensions_in_group(g);
           })
      .def(
          "reset",
          [](CoreEnv& e, std::optional<uint64_t> seed) {
            auto [obs, info] = e.env->reset(seed);
            return py::make_tuple(obs, info_dict(info));
          },
          py::arg("seed") = py::none())
      .def("step", &CoreEnv::step)
      .def("decode",
           [](const CoreEnv& e, const std::vector<uint32_t>& action) {
             return point_dict(e.env->space().to_proto(action));
           })
      .def(
          "search",
          [](CoreEnv& e, const std::string& agent, uint64_t budget, uint64_t seed,
             const std::map<std::string, std::string>& options) {
            agents::CheckpointedSearcher s(agent, e.env->space(), seed, options);
            agents::SearchOptions o;
            o.budget = budget;
            o.seed = seed;
            agents::SearchResult r;
            {
              py::gil_scoped_release release;
              r = agents::run_search(*e.env, s, o);
            }
            py::dict out;
            out["best_reward"] =
                r.have_best ? r.best.reward() : e.env->reward_config().invalid_penalty();
            out["best_point"] = r.have_best ? point_dict(r.best.point()) : py::dict();
            out["evaluations"] = r.evaluations;
            out["valid"] = r.valid;
            out["invalid"] = r.invalid;
            out["failed"] = r.failed;
            out["best_so_far"] = r.best_so_far;
            out["evaluations_to_target"] = r.evaluations_to_target;
            return out;
          },
          py::arg("agent"), py::arg("budget"), py::arg("seed") = 0,
          py::arg("options") = std::map<std::string, std::string>{});
}
