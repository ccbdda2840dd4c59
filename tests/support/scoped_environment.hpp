#pragma once
// Sets an environment variable for one scope of a test (nullptr: unsets it) and puts back what
// was there. Only for a test's own thread, before it starts programs: setenv is not thread-safe.

#include <cstdlib>
#include <optional>
#include <string>

#include <stdlib.h>

namespace asyncrt::testing {

class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? ::setenv(name, value, 1) : ::unsetenv(name);
  }
  ~ScopedEnvironment() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

  /// What the variable held before (empty if unset).
  std::string old() const { return old_.value_or(""); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace asyncrt::testing
