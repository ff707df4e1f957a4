// Declaring a parameter, once, next to the component that uses it.
//
//   Param::pow2("rows", 4, 512).group("compute").unit("PEs").def(32).doc("Array rows")
//
// builds the accelgym.v1.Dimension that feeds config parsing, the design space, the CLI and
// Python alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accelgym/v1/space.pb.h"

namespace accelgym {

class Param {
 public:
  static Param integer(const std::string& name, int64_t min, int64_t max, int64_t step = 1);
  static Param integer_set(const std::string& name, const std::vector<int64_t>& values);
  static Param pow2(const std::string& name, int64_t min, int64_t max);
  static Param categorical(const std::string& name, const std::vector<std::string>& choices);
  static Param real(const std::string& name, double min, double max, int levels);

  Param& group(const std::string& group);
  Param& unit(const std::string& unit);
  Param& doc(const std::string& doc);
  Param& def(int64_t value);
  Param& def(int value) { return def(static_cast<int64_t>(value)); }
  Param& def(double value);
  Param& def(const char* value);
  // Active only when `parent` takes one of `values` (categorical parent).
  Param& when(const std::string& parent, const std::vector<std::string>& values);

  const v1::Dimension& dimension() const { return dim_; }
  operator v1::Dimension() const { return dim_; }  // NOLINT: a Param is a Dimension being built

 private:
  explicit Param(const std::string& name, v1::Dimension::Kind kind);
  v1::Dimension dim_;
};

}  // namespace accelgym
