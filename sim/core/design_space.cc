#include "sim/core/design_space.h"

#include <fmt/format.h>

#include <google/protobuf/struct.pb.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "sim/core/errors.h"
#include "sim/core/parse.h"

namespace accelgym {
namespace {

using google::protobuf::Value;

bool is_pow2(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

std::string describe(const Value& v) {
  if (v.has_string_value()) return "'" + v.string_value() + "'";
  if (v.has_number_value()) return to_string(ParamValue(v.number_value()));
  return "(no value)";
}

// Converts a protobuf Value into a value of a dimension of kind `kind`.
std::optional<ParamValue> typed(const Value& v, v1::Dimension::Kind kind) {
  if (kind == v1::Dimension::CATEGORICAL) {
    if (v.has_string_value()) return ParamValue(v.string_value());
    return std::nullopt;
  }
  if (!v.has_number_value()) return std::nullopt;
  const double x = v.number_value();
  if (kind == v1::Dimension::REAL) return ParamValue(x);
  if (std::floor(x) != x || std::abs(x) > 9.0e15) return std::nullopt;
  return ParamValue(static_cast<int64_t>(x));
}

bool same_value(const ParamValue& a, const ParamValue& b) {
  const auto* da = std::get_if<double>(&a);
  const auto* db = std::get_if<double>(&b);
  if (da && db) return std::abs(*da - *db) <= 1e-9 * std::max(1.0, std::abs(*da));
  return a == b;
}

std::string allowed_list(const std::vector<ParamValue>& values) {
  std::string out;
  const size_t shown = std::min<size_t>(values.size(), 12);
  for (size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + to_string(values[i]);
  if (shown < values.size()) out += ", ... (" + std::to_string(values.size()) + " values)";
  return out;
}

}  // namespace

DesignSpace::DesignSpace(v1::DesignSpaceSpec spec, const std::string& source)
    : spec_(std::move(spec)) {
  expand(source);
}

void DesignSpace::expand(const std::string& source) {
  dims_.clear();
  dims_.resize(spec_.dimensions_size());
  children_.assign(spec_.dimensions_size(), {});
  std::set<std::string> seen;
  for (int d = 0; d < spec_.dimensions_size(); ++d) {
    const v1::Dimension& dim = spec_.dimensions(d);
    auto fail = [&](const std::string& field, const std::string& what) {
      return InputError::at(source, 0, dim.name().empty() ? field : dim.name() + "." + field, what);
    };
    if (dim.name().empty()) throw fail("name", fmt::format("dimension {} has no name", d));
    if (!seen.insert(dim.name()).second) throw fail("name", "duplicate dimension name");
    if (dim.group().empty()) throw fail("group", "every dimension needs a group");
    Expanded& e = dims_[d];
    if (dim.values_size() > 0) {
      for (const Value& v : dim.values()) {
        auto t = typed(v, dim.kind());
        if (!t) throw fail("values", "value " + describe(v) + " does not fit the dimension's kind");
        if (dim.kind() == v1::Dimension::POW2 && !is_pow2(std::get<int64_t>(*t))) {
          throw fail("values", describe(v) + " is not a power of two");
        }
        for (const auto& prev : e.values) {
          if (same_value(prev, *t)) throw fail("values", "duplicate value " + describe(v));
        }
        e.values.push_back(*t);
      }
    } else {
      switch (dim.kind()) {
        case v1::Dimension::INT: {
          const int64_t step = dim.step() == 0 ? 1 : dim.step();
          if (step < 0 || dim.min() > dim.max()) throw fail("min", "need min <= max and step > 0");
          if ((dim.max() - dim.min()) / step > 10'000'000) throw fail("max", "too many values");
          for (int64_t x = dim.min(); x <= dim.max(); x += step) e.values.emplace_back(x);
          break;
        }
        case v1::Dimension::POW2:
          if (!is_pow2(dim.min()) || !is_pow2(dim.max()) || dim.min() > dim.max()) {
            throw fail("min", "POW2 bounds must be powers of two with min <= max");
          }
          for (int64_t x = dim.min(); x <= dim.max(); x *= 2) e.values.emplace_back(x);
          break;
        case v1::Dimension::REAL: {
          if (dim.levels() < 2 || !(dim.real_min() < dim.real_max())) {
            throw fail("levels", "REAL needs real_min < real_max and levels >= 2");
          }
          const double span = dim.real_max() - dim.real_min();
          for (int i = 0; i < dim.levels(); ++i) {
            e.values.emplace_back(dim.real_min() + span * i / (dim.levels() - 1));
          }
          break;
        }
        case v1::Dimension::CATEGORICAL:
          throw fail("values", "a categorical dimension needs its values");
        default:
          throw fail("kind", "unknown kind");
      }
    }
    if (e.values.empty()) throw fail("values", "the dimension has no values");
    if (dim.has_default_value()) {
      auto t = typed(dim.default_value(), dim.kind());
      auto it = t ? std::find_if(e.values.begin(), e.values.end(),
                                 [&](const ParamValue& v) { return same_value(v, *t); })
                  : e.values.end();
      if (it == e.values.end()) {
        throw fail("default_value", "default " + describe(dim.default_value()) +
                                        " is not one of: " + allowed_list(e.values));
      }
      e.default_index = static_cast<uint32_t>(it - e.values.begin());
    }
    if (dim.has_condition()) {
      const auto parent = find(dim.condition().dimension());
      if (!parent || *parent >= static_cast<size_t>(d)) {
        throw fail("condition", "condition must refer to a dimension declared before it");
      }
      e.parent = static_cast<int>(*parent);
      e.active_for_parent.assign(dims_[*parent].values.size(), false);
      const auto kind = spec_.dimensions(static_cast<int>(*parent)).kind();
      for (const Value& v : dim.condition().values()) {
        auto t = typed(v, kind);
        if (!t) throw fail("condition", "value " + describe(v) + " does not fit its dimension");
        for (size_t i = 0; i < dims_[*parent].values.size(); ++i) {
          if (same_value(dims_[*parent].values[i], *t)) e.active_for_parent[i] = true;
        }
      }
      children_[*parent].push_back(d);
    }
  }
}

std::optional<size_t> DesignSpace::find(const std::string& name) const {
  for (int d = 0; d < spec_.dimensions_size(); ++d) {
    if (spec_.dimensions(d).name() == name) return static_cast<size_t>(d);
  }
  return std::nullopt;
}

size_t DesignSpace::index_of(const std::string& name, const std::string& source) const {
  if (auto d = find(name)) return *d;
  std::string known;
  for (const auto& dim : spec_.dimensions()) known += (known.empty() ? "" : ", ") + dim.name();
  throw InputError::at(
      source, 0, "",
      "unknown parameter '" + name + "' (space '" + spec_.name() + "' has: " + known + ")");
}

std::vector<uint32_t> DesignSpace::cardinalities() const {
  std::vector<uint32_t> out;
  for (const auto& e : dims_) out.push_back(static_cast<uint32_t>(e.values.size()));
  return out;
}

std::vector<std::string> DesignSpace::groups() const {
  std::vector<std::string> out;
  for (const auto& dim : spec_.dimensions()) {
    if (std::find(out.begin(), out.end(), dim.group()) == out.end()) out.push_back(dim.group());
  }
  return out;
}

std::vector<size_t> DesignSpace::dimensions_in_group(const std::string& group) const {
  std::vector<size_t> out;
  for (size_t d = 0; d < dims_.size(); ++d) {
    if (dimension(d).group() == group) out.push_back(d);
  }
  return out;
}

// Points under dimension d: for each of its values, the product over the children that value
// activates of their own subtree sizes.
double DesignSpace::subtree_size(size_t d) const {
  double total = 0;
  for (size_t i = 0; i < dims_[d].values.size(); ++i) {
    double product = 1;
    for (size_t child : children_[d]) {
      if (dims_[child].active_for_parent[i]) product *= subtree_size(child);
    }
    total += product;
  }
  return total;
}

double DesignSpace::size() const {
  double total = 1;
  for (size_t d = 0; d < dims_.size(); ++d) {
    if (dims_[d].parent < 0) total *= subtree_size(d);
  }
  return total;
}

bool DesignSpace::is_active(size_t d, const IndexVector& point) const {
  const int parent = dims_[d].parent;
  if (parent < 0) return true;
  return is_active(static_cast<size_t>(parent), point) &&
         dims_[d].active_for_parent[point[static_cast<size_t>(parent)]];
}

IndexVector DesignSpace::default_point() const {
  IndexVector out;
  for (const auto& e : dims_) out.push_back(e.default_index);
  return out;
}

IndexVector DesignSpace::canonical(IndexVector point) const {
  for (size_t d = 0; d < dims_.size(); ++d) {
    if (!is_active(d, point)) point[d] = dims_[d].default_index;
  }
  return point;
}

void DesignSpace::check(const IndexVector& point) const {
  if (point.size() != dims_.size()) {
    throw InputError(fmt::format("design point has {} indices; space '{}' has {} dimensions",
                                 point.size(), spec_.name(), dims_.size()));
  }
  for (size_t d = 0; d < dims_.size(); ++d) {
    if (point[d] >= dims_[d].values.size()) {
      throw InputError(fmt::format("index {} of '{}' is outside [0, {}]", point[d],
                                   dimension(d).name(), dims_[d].values.size() - 1));
    }
  }
}

ParamMap DesignSpace::decode(const IndexVector& point) const {
  check(point);
  ParamMap out;
  for (size_t d = 0; d < dims_.size(); ++d) {
    if (is_active(d, point)) out.set(dimension(d).name(), dims_[d].values[point[d]]);
  }
  return out;
}

uint32_t DesignSpace::value_index(size_t d, const ParamValue& value,
                                  const std::string& source) const {
  const auto& values = dims_[d].values;
  ParamValue probe = value;
  // Integers are valid values of real dimensions.
  if (dimension(d).kind() == v1::Dimension::REAL) {
    if (const auto* i = std::get_if<int64_t>(&value)) probe = static_cast<double>(*i);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (same_value(values[i], probe)) return static_cast<uint32_t>(i);
  }
  throw InputError::at(
      source, 0, dimension(d).name(),
      "value '" + to_string(value) + "' is outside the space; allowed: " + allowed_list(values));
}

IndexVector DesignSpace::encode(const ParamMap& values, const std::string& source) const {
  IndexVector point = default_point();
  for (const auto& [name, value] : values.values()) {
    std::optional<size_t> d = find(name);
    if (!d) {
      try {
        index_of(name);
      } catch (const InputError& e) {
        throw InputError::at(source, 0, "", e.what());
      }
    }
    point[*d] = value_index(*d, value, source);
  }
  for (const auto& [name, value] : values.values()) {
    const size_t d = *find(name);
    if (!is_active(d, point)) {
      const auto& cond = dimension(d).condition();
      throw InputError::at(source, 0, name,
                           "is inactive here: it applies only when '" + cond.dimension() +
                               "' is one of its condition values");
    }
  }
  return point;
}

IndexVector DesignSpace::from_proto(const v1::DesignPoint& point, const std::string& source) const {
  ParamMap values;
  for (const auto& [name, v] : point.values()) {
    const size_t d = index_of(name, source);
    auto t = typed(v, dimension(d).kind());
    if (!t) {
      throw InputError::at(source, 0, name,
                           "value " + describe(v) + " has the wrong type for this dimension");
    }
    values.set(name, *t);
  }
  return encode(values, source);
}

v1::DesignPoint DesignSpace::to_proto(const IndexVector& point) const {
  v1::DesignPoint out;
  const ParamMap values = decode(point);
  for (const auto& [name, value] : values.values()) {
    (*out.mutable_values())[name] = accelgym::to_proto(value);
  }
  return out;
}

ParamValue DesignSpace::parse_value(size_t d, const std::string& text,
                                    const std::string& source) const {
  const auto kind = dimension(d).kind();
  ParamValue value;
  if (kind == v1::Dimension::CATEGORICAL) {
    value = text;
  } else {
    bool ok = false;
    if (kind == v1::Dimension::REAL) {
      if (const auto real = to_finite(text)) {
        value = *real;
        ok = true;
      }
    } else {
      int64_t whole = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), whole);
      ok = ec == std::errc() && end == text.data() + text.size() && !text.empty();
      if (ok) value = whole;
    }
    if (!ok) {
      throw InputError::at(
          source, 0, dimension(d).name(),
          "'" + text + "' is not a valid " + (kind == v1::Dimension::REAL ? "number" : "integer"));
    }
  }
  value_index(d, value, source);
  return value;
}

IndexVector DesignSpace::sample(Rng& rng) const {
  IndexVector point(dims_.size());
  for (size_t d = 0; d < dims_.size(); ++d) {
    point[d] = static_cast<uint32_t>(rng.uniform(dims_[d].values.size()));
  }
  return canonical(std::move(point));
}

std::vector<IndexVector> DesignSpace::neighbours(const IndexVector& point) const {
  check(point);
  std::vector<IndexVector> out;
  for (size_t d = 0; d < dims_.size(); ++d) {
    if (!is_active(d, point)) continue;
    auto add = [&](uint32_t index) {
      IndexVector next = point;
      next[d] = index;
      out.push_back(canonical(std::move(next)));
    };
    const uint32_t n = static_cast<uint32_t>(dims_[d].values.size());
    if (dimension(d).kind() == v1::Dimension::CATEGORICAL) {
      for (uint32_t i = 0; i < n; ++i) {
        if (i != point[d]) add(i);
      }
    } else {
      if (point[d] > 0) add(point[d] - 1);
      if (point[d] + 1 < n) add(point[d] + 1);
    }
  }
  return out;
}

void DesignSpace::add_constraint(const std::string& name, const std::string& doc,
                                 ConstraintFn check_fn) {
  auto* c = spec_.add_constraints();
  c->set_name(name);
  c->set_doc(doc);
  constraints_.push_back({name, std::move(check_fn)});
}

std::vector<std::string> DesignSpace::violations(const ParamMap& values) const {
  std::vector<std::string> out;
  for (const auto& c : constraints_) {
    if (auto why = c.check(values)) out.push_back("constraint '" + c.name + "' violated: " + *why);
  }
  return out;
}

IndexVector DesignSpace::assign(ParamMap values, const std::vector<Assignment>& assignments) const {
  for (const auto& a : assignments) {
    values.set(a.name, parse_value(index_of(a.name), a.text, a.source));
  }
  // Values for dimensions an assignment made inactive are dropped only when they came from
  // the defaults; explicit ones are errors (encode reports them).
  IndexVector point = encode(values, "design point");
  validate(point);
  return point;
}

bool DesignSpace::satisfies_constraints(const IndexVector& point) const {
  if (constraints_.empty()) return true;
  const ParamMap values = decode(point);
  return std::none_of(constraints_.begin(), constraints_.end(),
                      [&](const NamedConstraint& c) { return c.check(values).has_value(); });
}

void DesignSpace::validate(const IndexVector& point) const {
  const auto v = violations(decode(point));
  if (!v.empty()) throw InputError(v.front());
}

DesignSpace DesignSpace::restricted(const v1::SpaceRestriction& restriction,
                                    const std::string& source) const {
  v1::DesignSpaceSpec spec = spec_;
  spec.clear_constraints();
  for (const auto& [name, r] : restriction.dimensions()) {
    size_t d = 0;
    try {
      d = index_of(name);
    } catch (const InputError& e) {
      throw InputError::at(source, 0, "dimensions", e.what());
    }
    std::vector<ParamValue> keep;
    auto field = name;
    if (r.has_fixed()) {
      auto t = typed(r.fixed(), dimension(d).kind());
      if (!t) throw InputError::at(source, 0, field + ".fixed", "wrong type");
      keep.push_back(value(d, value_index(d, *t, source)));
    } else if (r.values_size() > 0) {
      for (const Value& v : r.values()) {
        auto t = typed(v, dimension(d).kind());
        if (!t)
          throw InputError::at(source, 0, field + ".values", describe(v) + " has the wrong type");
        keep.push_back(value(d, value_index(d, *t, source)));
      }
    } else {
      for (const auto& v : dims_[d].values) {
        if (std::holds_alternative<std::string>(v)) {
          throw InputError::at(source, 0, field, "min/max do not apply to a categorical dimension");
        }
        const double x = std::holds_alternative<double>(v)
                             ? std::get<double>(v)
                             : static_cast<double>(std::get<int64_t>(v));
        if ((!r.has_min() || x >= r.min()) && (!r.has_max() || x <= r.max())) keep.push_back(v);
      }
    }
    if (keep.empty()) throw InputError::at(source, 0, field, "the restriction leaves no value");
    v1::Dimension* dim = spec.mutable_dimensions(static_cast<int>(d));
    dim->clear_values();
    for (const auto& v : keep) *dim->add_values() = accelgym::to_proto(v);
    const ParamValue& old_default = dims_[d].values[dims_[d].default_index];
    const bool default_kept = std::any_of(
        keep.begin(), keep.end(), [&](const ParamValue& v) { return same_value(v, old_default); });
    // The narrowed dimension's default becomes its first remaining value when the old one is gone.
    *dim->mutable_default_value() = accelgym::to_proto(default_kept ? old_default : keep.front());
  }
  DesignSpace out(std::move(spec), source);
  for (size_t i = 0; i < constraints_.size(); ++i) {
    out.add_constraint(constraints_[i].name, spec_.constraints(static_cast<int>(i)).doc(),
                       constraints_[i].check);
  }
  return out;
}

}  // namespace accelgym
