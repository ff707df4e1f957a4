#include "sim/env/reward.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "sim/core/errors.h"
#include "sim/core/parse.h"

namespace accelgym::env {

double metric_value(const v1::Metrics& m, const std::string& name) {
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  if (const auto* f = d->FindFieldByName(name); f && !f->is_repeated() && !f->is_map()) {
    switch (f->cpp_type()) {
      case google::protobuf::FieldDescriptor::CPPTYPE_UINT64:
        return static_cast<double>(r->GetUInt64(m, f));
      case google::protobuf::FieldDescriptor::CPPTYPE_DOUBLE:
        return r->GetDouble(m, f);
      default:
        break;
    }
  }
  if (const auto it = m.extra().find(name); it != m.extra().end()) return it->second;
  std::string known;
  for (int i = 0; i < d->field_count(); ++i) {
    if (!d->field(i)->is_map()) known += (known.empty() ? "" : ", ") + d->field(i)->name();
  }
  for (const auto& [k, v] : m.extra()) known += ", " + k;
  throw InputError("unknown metric '" + name + "' (known: " + known + ")");
}

void check_metric(const std::string& name, const std::vector<std::string>& extras) {
  v1::Metrics probe;
  for (const auto& e : extras) (*probe.mutable_extra())[e] = 0;
  metric_value(probe, name);  // throws naming the known metrics
}

Target parse_target(const std::string& text) {
  Target t;
  std::string spec = text, options;
  if (const auto colon = text.find(':'); colon != std::string::npos) {
    spec = text.substr(0, colon);
    options = text.substr(colon + 1);
  }
  size_t op = spec.find("<=");
  if (op == std::string::npos) {
    op = spec.find(">=");
    t.maximize = true;
  }
  if (op == std::string::npos || op == 0) {
    throw InputError("target '" + text + "': expected metric<=value or metric>=value");
  }
  t.metric = spec.substr(0, op);
  auto number = [&](const std::string& s, const char* what) {
    return parse_finite(s, "target '" + text + "': " + what);
  };
  t.value = number(spec.substr(op + 2), "value");
  if (t.value <= 0) throw InputError("target '" + text + "': the value must be > 0");
  std::istringstream opts(options);
  std::string opt;
  while (std::getline(opts, opt, ':')) {
    if (opt.empty()) continue;
    if (opt == "hard") {
      t.hard = true;
    } else if (opt.rfind("w=", 0) == 0) {
      t.weight = number(opt.substr(2), "weight");
    } else if (opt.rfind("tol=", 0) == 0) {
      t.tolerance = number(opt.substr(4), "tolerance");
    } else {
      throw InputError("target '" + text + "': unknown option '" + opt + "' (w=, tol=, hard)");
    }
  }
  if (t.weight <= 0 || t.tolerance < 0) {
    throw InputError("target '" + text + "': weight must be > 0 and tolerance >= 0");
  }
  return t;
}

namespace {
// The shortest text that reads back as exactly `x` (1e+12, not 1000000000000).
std::string exact(double x) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, x).ptr;
  return {text, end};
}
}  // namespace

// Numbers in their shortest form that reads back exactly: a described target parses to the
// same target (75486.25 stays 75486.25, where six digits gave a stricter 75486.2).
std::string describe(const Target& t) {
  std::string out = t.metric + (t.maximize ? ">=" : "<=") + exact(t.value);
  if (t.weight != 1) out += ":w=" + exact(t.weight);
  if (t.tolerance != 0) out += ":tol=" + exact(t.tolerance);
  if (t.hard) out += ":hard";
  return out;
}

namespace {

double excess(const Target& t, double m) {
  const double e = t.maximize ? (t.value - m) / t.value : (m - t.value) / t.value;
  return std::isfinite(e) ? e : 1e300;
}

}  // namespace

double RewardConfig::invalid_penalty() const {
  double total = 0;
  for (const auto& t : targets) total += t.weight;
  return -clip * total - 1.0;
}

double RewardConfig::reward(const v1::Metrics& metrics) const {
  double r = 0;
  for (const auto& t : targets) {
    const double e = excess(t, metric_value(metrics, t.metric)) - t.tolerance;
    if (t.hard) {
      if (e > 0) r -= t.weight * clip;
    } else {
      r -= t.weight * std::min(clip, std::max(0.0, e));
    }
  }
  return r;
}

bool RewardConfig::all_met(const v1::Metrics& metrics) const {
  return std::all_of(targets.begin(), targets.end(), [&](const Target& t) {
    return excess(t, metric_value(metrics, t.metric)) - t.tolerance <= 0;
  });
}

std::vector<double> RewardConfig::objectives(const v1::Metrics& metrics) const {
  std::vector<double> out;
  for (const auto& t : targets) {
    const double m = metric_value(metrics, t.metric);
    out.push_back(t.maximize ? -m : m);
  }
  return out;
}

std::vector<double> RewardConfig::margins(const v1::Metrics& metrics) const {
  std::vector<double> out;
  for (const auto& t : targets) {
    const double m = metric_value(metrics, t.metric);
    const double limit = t.value * (t.maximize ? 1 - t.tolerance : 1 + t.tolerance);
    double margin = t.maximize ? std::log(limit / m) : std::log(m / limit);
    // A metric or limit of zero or below has no log ratio: only whether it is met.
    if (!(m > 0 && limit > 0) || std::isnan(margin)) {
      margin = excess(t, m) - t.tolerance > 0 ? kMarginClip : -kMarginClip;
    }
    out.push_back(std::clamp(margin, -kMarginClip, kMarginClip));
  }
  return out;
}

}  // namespace accelgym::env
