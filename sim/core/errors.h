// Error types. InputError = the user's input is wrong (CLI exit code 2); anything else is ours.
#pragma once

#include <stdexcept>
#include <string>

namespace accelgym {

// Bad input: unknown parameter, value outside the space, malformed file, impossible design.
// The message names where: "file:line: field 'x': what is wrong".
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}

  // Builds "file:line: field 'name': message", leaving out the parts that are empty or 0.
  static InputError at(const std::string& file, int line, const std::string& field,
                       const std::string& message);
};

// A bug or broken invariant inside accelgym (CLI exit code 1).
class InternalError : public std::runtime_error {
 public:
  explicit InternalError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace accelgym
