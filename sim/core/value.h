// Parameter values: an integer, a real or a string, with conversions to protobuf's Value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace google::protobuf {
class Value;
}

namespace accelgym {

using ParamValue = std::variant<int64_t, double, std::string>;

std::string to_string(const ParamValue& value);
google::protobuf::Value to_proto(const ParamValue& value);

// An assignment of values to parameters by name (the decoded form of a design point).
class ParamMap {
 public:
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const ParamValue& get(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_real(const std::string& name) const;  // accepts integers too
  const std::string& get_string(const std::string& name) const;
  const std::map<std::string, ParamValue>& values() const { return values_; }
  bool operator==(const ParamMap&) const = default;

 private:
  std::map<std::string, ParamValue> values_;
};

}  // namespace accelgym
