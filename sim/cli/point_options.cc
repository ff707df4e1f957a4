#include "sim/cli/point_options.h"

#include "sim/core/errors.h"
#include "sim/core/proto_io.h"

namespace accelgym::cli {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const auto pos = text.find(sep, start);
    out.push_back(text.substr(start, pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

IndexVector build_point(const DesignSpace& space, const Args& args, const PointOptions& shorthand) {
  ParamMap values;
  if (args.has("config")) {
    v1::DesignPoint file_point;
    load_json_file(args.get("config"), &file_point);
    values = space.decode(space.from_proto(file_point, args.get("config")));
  }
  auto set = [&](const std::string& name, const std::string& text, const std::string& source) {
    values.set(name, space.parse_value(space.index_of(name), text, source));
  };
  for (const auto& s : shorthand) set(s.name, s.text, s.source);
  for (const auto& assignment : args.all("set")) {
    const auto pos = assignment.find('=');
    if (pos == std::string::npos || pos == 0) {
      throw InputError("--set: expected KEY=VALUE, got '" + assignment + "'");
    }
    const std::string name = assignment.substr(0, pos);
    set(name, assignment.substr(pos + 1), "--set " + name);
  }
  // Values for dimensions that a shorthand or --set made inactive are dropped only when they
  // came from the defaults; explicit ones are errors (encode reports them).
  IndexVector point = space.encode(values, "design point");
  space.validate(point);
  return point;
}

}  // namespace accelgym::cli
