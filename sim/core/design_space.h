// A design space: typed, grouped, possibly conditional dimensions built from parameter
// declarations (accelgym.v1.DesignSpaceSpec), with encode/decode, sampling, neighbours,
// validation and exact size.
//
// Every dimension is discrete: it has `cardinality(d)` values and a design point is an index
// vector (the gym's MultiDiscrete action). A dimension whose condition is false is inactive:
// it takes no value in the decoded point and its index is canonically the default's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "accelgym/v1/design.pb.h"
#include "accelgym/v1/space.pb.h"
#include "sim/core/rng.h"
#include "sim/core/value.h"

namespace accelgym {

using IndexVector = std::vector<uint32_t>;

class DesignSpace {
 public:
  // Returns the reason the point breaks the rule, or nothing when it holds.
  using ConstraintFn = std::function<std::optional<std::string>(const ParamMap&)>;

  // Validates the spec (names unique, bounds sane, defaults allowed, conditions refer to
  // earlier categorical dimensions); throws InputError naming `source` and the field.
  explicit DesignSpace(v1::DesignSpaceSpec spec, const std::string& source = "");

  // The same space with some dimensions narrowed by a user file.
  DesignSpace restricted(const v1::SpaceRestriction& restriction, const std::string& source) const;
  void add_constraint(const std::string& name, const std::string& doc, ConstraintFn check);

  const std::string& name() const { return spec_.name(); }
  size_t num_dimensions() const { return dims_.size(); }
  const v1::Dimension& dimension(size_t d) const { return spec_.dimensions(static_cast<int>(d)); }
  std::optional<size_t> find(const std::string& name) const;
  // Throws InputError for an unknown parameter, naming `source` (a file) when given.
  size_t index_of(const std::string& name, const std::string& source = "") const;
  size_t cardinality(size_t d) const { return dims_[d].values.size(); }
  const ParamValue& value(size_t d, uint32_t index) const { return dims_[d].values[index]; }
  uint32_t default_index(size_t d) const { return dims_[d].default_index; }
  std::vector<uint32_t> cardinalities() const;
  std::vector<std::string> groups() const;  // in order of first appearance
  std::vector<size_t> dimensions_in_group(const std::string& group) const;

  // Number of distinct design points (inactive dimensions do not multiply the count).
  double size() const;

  bool is_active(size_t d, const IndexVector& point) const;
  IndexVector default_point() const;
  IndexVector canonical(IndexVector point) const;  // inactive dimensions -> default index
  void check(const IndexVector& point) const;      // length and ranges; throws InputError
  ParamMap decode(const IndexVector& point) const;
  // Dimensions missing from `values` take their default; unknown names, values outside the
  // space and values for inactive dimensions are InputErrors naming `source`.
  IndexVector encode(const ParamMap& values, const std::string& source = "") const;
  IndexVector from_proto(const v1::DesignPoint& point, const std::string& source = "") const;
  v1::DesignPoint to_proto(const IndexVector& point) const;

  uint32_t value_index(size_t d, const ParamValue& value, const std::string& source = "") const;
  // Parses "32", "ws", "0.5" as a value of dimension d (for `--set name=value`).
  ParamValue parse_value(size_t d, const std::string& text, const std::string& source = "") const;

  // A value typed as text for a named parameter, and where it came from (for errors).
  struct Assignment {
    std::string name, text, source;
  };
  // `values` with each assignment parsed against its dimension, in order (later ones win),
  // then encoded and validated, constraints included: the point `--set name=value` means.
  IndexVector assign(ParamMap values, const std::vector<Assignment>& assignments) const;

  IndexVector sample(Rng& rng) const;  // uniform per dimension, canonical
  // Points one step away: +-1 on ordinal dimensions, any other value on categorical ones.
  std::vector<IndexVector> neighbours(const IndexVector& point) const;

  std::vector<std::string> violations(const ParamMap& values) const;
  // Whether the point keeps every declared constraint (searchers screen their proposals with
  // it); true at once for a space without constraints.
  bool satisfies_constraints(const IndexVector& point) const;
  void validate(const IndexVector& point) const;  // check + constraints; throws InputError

  const v1::DesignSpaceSpec& spec() const { return spec_; }

 private:
  struct Expanded {
    std::vector<ParamValue> values;
    uint32_t default_index = 0;
    int parent = -1;                      // conditioning dimension, -1 when unconditional
    std::vector<bool> active_for_parent;  // indexed by the parent's value index
  };
  struct NamedConstraint {
    std::string name;
    ConstraintFn check;
  };

  void expand(const std::string& source);
  double subtree_size(size_t d) const;

  v1::DesignSpaceSpec spec_;
  std::vector<Expanded> dims_;
  std::vector<std::vector<size_t>> children_;
  std::vector<NamedConstraint> constraints_;
};

}  // namespace accelgym
