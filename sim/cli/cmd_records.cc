#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <vector>

#include <google/protobuf/struct.pb.h>

#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/core/errors.h"
#include "sim/core/file_io.h"
#include "sim/core/records.h"
#include "sim/core/value.h"

namespace accelgym::cli {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string value_text(const google::protobuf::Value& v) {
  if (v.has_string_value()) return v.string_value();
  if (v.has_number_value()) return to_string(ParamValue(v.number_value()));
  return "";
}

std::string number(double x) { return to_string(ParamValue(x)); }

// Metric columns: the Metrics fields, then every `extra` key seen.
std::map<std::string, std::string> metric_cells(const v1::Metrics& m) {
  std::map<std::string, std::string> out = {{"cycles", std::to_string(m.cycles())},
                                            {"stall_cycles", std::to_string(m.stall_cycles())},
                                            {"latency_ns", number(m.latency_ns())},
                                            {"energy_pj", number(m.energy_pj())},
                                            {"avg_power_mw", number(m.avg_power_mw())},
                                            {"area_mm2", number(m.area_mm2())},
                                            {"utilization_pct", number(m.utilization_pct())},
                                            {"macs", std::to_string(m.macs())}};
  for (const auto& [k, v] : m.extra()) out[k] = number(v);
  return out;
}

void export_csv(const std::string& input, std::ostream& out) {
  std::set<std::string> point_columns, metric_columns;
  for_each_record(input, [&](const v1::Evaluation& e) {
    for (const auto& [k, v] : e.point().values()) point_columns.insert(k);
    if (e.status() == v1::Evaluation::OK) {
      for (const auto& [k, v] : metric_cells(e.metrics())) metric_columns.insert(k);
    }
  });
  out << "key,env,status,seed,reward,wall_time_s,simulator_version,workloads";
  for (const auto& c : point_columns) out << "," << csv_field(c);
  for (const auto& c : metric_columns) out << "," << csv_field(c);
  out << ",message\n";
  for_each_record(input, [&](const v1::Evaluation& e) {
    std::string workloads;
    for (const auto& w : e.workloads()) workloads += (workloads.empty() ? "" : ";") + w.name();
    out << e.key() << "," << csv_field(e.env()) << "," << v1::Evaluation::Status_Name(e.status())
        << "," << e.seed() << "," << number(e.reward()) << "," << number(e.wall_time_s()) << ","
        << e.simulator_version() << "," << csv_field(workloads);
    for (const auto& c : point_columns) {
      const auto it = e.point().values().find(c);
      out << "," << (it == e.point().values().end() ? "" : csv_field(value_text(it->second)));
    }
    const auto cells = e.status() == v1::Evaluation::OK ? metric_cells(e.metrics())
                                                        : std::map<std::string, std::string>{};
    for (const auto& c : metric_columns) {
      const auto it = cells.find(c);
      out << "," << (it == cells.end() ? "" : it->second);
    }
    out << "," << csv_field(e.message()) << "\n";
  });
}

void merge(const std::vector<std::string>& inputs, const std::string& out_path) {
  const auto files = expand_record_paths(inputs);
  if (files.empty()) throw InputError("records merge: no .records files in the inputs");
  ReplacingFile target(out_path);
  uint64_t written = 0, dropped = 0;
  {
    RecordWriter writer(target.write_path(), /*append=*/false);
    dropped = read_unique_records(files, [&](const v1::Evaluation& e) {
      writer.append(e);
      ++written;
    });
    writer.close();
  }
  target.commit();
  std::cerr << "merged " << written << " evaluations from " << files.size() << " files into "
            << out_path << " (" << dropped << " duplicate records left out)\n";
}

}  // namespace

int cmd_records(int argc, char** argv) {
  Args args(
      "accelgym records export FILE|DIR --format csv [--out FILE]\n"
      "       accelgym records merge FILE|DIR... --out FILE",
      "Work with evaluation records (length-delimited accelgym.v1.Evaluation files; a\n"
      "directory stands for its *.records files, e.g. a sweep's output).\n"
      "export: one CSV row per record (for a directory: per evaluation, as merge): key,\n"
      "env, status, seed, reward, the design point's values and the metrics.\n"
      "merge: one file with each evaluation key once (its successful record when there is\n"
      "one), e.g. the per-worker files of a sweep.");
  args.option("format", "FORMAT", "csv", "csv");
  args.option("out", "FILE", "write to FILE (export: instead of standard output)");
  if (argc < 3) throw InputError("records: give an action: records export|merge (see --help)");
  if (std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
    std::cout << args.help();
    return 0;
  }
  const std::string action = argv[2];
  if (action != "export" && action != "merge") {
    throw InputError("unknown records action '" + action + "' (export, merge)");
  }
  std::vector<std::string> inputs;
  int first_option = 3;
  while (first_option < argc && argv[first_option][0] != '-')
    inputs.push_back(argv[first_option++]);
  if (inputs.empty()) throw InputError("records " + action + ": give the records FILE or DIR");
  if (args.parse_or_help(argc, argv, first_option)) return 0;
  if (action == "merge") {
    if (!args.has("out")) throw InputError("records merge: --out FILE is required");
    merge(inputs, args.get("out"));
    return 0;
  }
  if (inputs.size() != 1) throw InputError("records export: give one FILE or DIR");
  args.choice("format", {"csv"});
  if (args.has("out")) {
    std::ofstream out(args.get("out"));
    if (!out) throw_os_error(args.get("out"), "cannot open for writing", errno);
    export_csv(inputs.front(), out);
    if (!out.flush()) throw_os_error(args.get("out"), "write failed", errno);
  } else {
    export_csv(inputs.front(), std::cout);
  }
  return 0;
}

}  // namespace accelgym::cli
