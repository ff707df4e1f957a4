#include "sim/core/value.h"

#include <google/protobuf/struct.pb.h>

#include <cmath>
#include <sstream>

#include "sim/core/errors.h"

namespace accelgym {

std::string to_string(const ParamValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  std::ostringstream out;
  out.precision(12);
  out << std::get<double>(value);
  return out.str();
}

google::protobuf::Value to_proto(const ParamValue& value) {
  google::protobuf::Value out;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    out.set_number_value(static_cast<double>(*i));
  } else if (const auto* d = std::get_if<double>(&value)) {
    out.set_number_value(*d);
  } else {
    out.set_string_value(std::get<std::string>(value));
  }
  return out;
}

const ParamValue& ParamMap::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw InputError("missing parameter '" + name + "'");
  return it->second;
}

int64_t ParamMap::get_int(const std::string& name) const {
  const ParamValue& v = get(name);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  throw InputError("parameter '" + name + "' must be an integer, got '" + to_string(v) + "'");
}

double ParamMap::get_real(const std::string& name) const {
  const ParamValue& v = get(name);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  throw InputError("parameter '" + name + "' must be a number, got '" + to_string(v) + "'");
}

const std::string& ParamMap::get_string(const std::string& name) const {
  const ParamValue& v = get(name);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  throw InputError("parameter '" + name + "' must be a string, got '" + to_string(v) + "'");
}

}  // namespace accelgym
