#include "sim/core/param.h"

namespace accelgym {

Param::Param(const std::string& name, v1::Dimension::Kind kind) {
  dim_.set_name(name);
  dim_.set_kind(kind);
}

Param Param::integer(const std::string& name, int64_t min, int64_t max, int64_t step) {
  Param p(name, v1::Dimension::INT);
  p.dim_.set_min(min);
  p.dim_.set_max(max);
  p.dim_.set_step(step);
  p.def(min);
  return p;
}

Param Param::integer_set(const std::string& name, const std::vector<int64_t>& values) {
  Param p(name, v1::Dimension::INT);
  for (int64_t v : values) p.dim_.add_values()->set_number_value(static_cast<double>(v));
  if (!values.empty()) p.def(values.front());
  return p;
}

Param Param::pow2(const std::string& name, int64_t min, int64_t max) {
  Param p(name, v1::Dimension::POW2);
  p.dim_.set_min(min);
  p.dim_.set_max(max);
  p.def(min);
  return p;
}

Param Param::categorical(const std::string& name, const std::vector<std::string>& choices) {
  Param p(name, v1::Dimension::CATEGORICAL);
  for (const auto& c : choices) p.dim_.add_values()->set_string_value(c);
  if (!choices.empty()) p.def(choices.front().c_str());
  return p;
}

Param Param::real(const std::string& name, double min, double max, int levels) {
  Param p(name, v1::Dimension::REAL);
  p.dim_.set_real_min(min);
  p.dim_.set_real_max(max);
  p.dim_.set_levels(levels);
  p.def(min);
  return p;
}

Param& Param::group(const std::string& group) {
  dim_.set_group(group);
  return *this;
}

Param& Param::unit(const std::string& unit) {
  dim_.set_unit(unit);
  return *this;
}

Param& Param::doc(const std::string& doc) {
  dim_.set_doc(doc);
  return *this;
}

Param& Param::def(int64_t value) {
  dim_.mutable_default_value()->set_number_value(static_cast<double>(value));
  return *this;
}

Param& Param::def(double value) {
  dim_.mutable_default_value()->set_number_value(value);
  return *this;
}

Param& Param::def(const char* value) {
  dim_.mutable_default_value()->set_string_value(value);
  return *this;
}

Param& Param::when(const std::string& parent, const std::vector<std::string>& values) {
  dim_.mutable_condition()->set_dimension(parent);
  for (const auto& v : values) dim_.mutable_condition()->add_values()->set_string_value(v);
  return *this;
}

}  // namespace accelgym
