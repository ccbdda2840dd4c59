#pragma once
// JsonReport: a demo's --json, its results as one JSON object for programs.

#include "common/demo_cli.hpp"
#include "common/json.hpp"

namespace asyncrt::demo {

/// With --json, a demo prints one JSON object instead of its text: from construction until
/// finish(), stdout points at /dev/null, so everything the demo prints for people goes nowhere
/// (and so does what child processes that share it print); finish() puts stdout back and
/// prints the object, "schema" (the object's version: raised when a member changes meaning or
/// goes away) first, then what the demo added. Errors still go to stderr. Without --json it
/// does nothing. Construct it on the main thread before anything is printed.
class JsonReport {
 public:
  JsonReport(const Cli& cli, int schema);
  ~JsonReport();
  JsonReport(const JsonReport&) = delete;
  JsonReport& operator=(const JsonReport&) = delete;

  bool on() const noexcept { return on_; }
  /// The object to fill (also without --json, where it is never printed).
  JsonObject& object() noexcept { return object_; }
  /// With --json: stdout back, and the object on it.
  void finish();

 private:
  void restore_stdout();

  bool on_;
  int saved_stdout_ = -1;
  JsonObject object_;
};

}  // namespace asyncrt::demo
