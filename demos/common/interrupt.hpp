#pragma once
// InterruptWatch: Ctrl-C (SIGINT) and SIGTERM as a stop request a demo can watch.

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <asyncrt/signals.hpp>

namespace asyncrt::demo {

/// asyncrt::SignalWatch (construct it first thing in main(), before any thread starts; its
/// token goes to RuntimeOptions::stop_token), plus what the demos do with a signal: a stop
/// named as an Interrupted error, which guarded_main() turns into one line and the exit status.
/// Worker processes inherit the blocked mask, so a terminal's Ctrl-C stops the parent, which
/// then ends its workers in order.
class InterruptWatch : public SignalWatch {
 public:
  /// Throws Interrupted naming `during` if a signal has arrived.
  void throw_if_interrupted(std::string_view during) const;

  /// Runs `body` and returns what it returns. If a signal arrived meanwhile, whatever `body`
  /// did because of it (returned early, or threw the cancellation it caused), the result is
  /// Interrupted naming `during`; other failures pass through.
  template <typename Body>
  auto guard(std::string_view during, Body&& body) const;
};

/// Thrown when the work was stopped by a signal; guarded_main() turns it into one line on
/// stderr and the exit status 128 + signal (130 for SIGINT, 143 for SIGTERM).
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, std::string_view during);
  int signal() const noexcept { return signal_; }

 private:
  int signal_;
};

template <typename Body>
auto InterruptWatch::guard(std::string_view during, Body&& body) const {
  using Result = std::invoke_result_t<Body&>;
  try {
    if constexpr (std::is_void_v<Result>) {
      body();
      throw_if_interrupted(during);
    } else {
      Result result = body();
      throw_if_interrupted(during);
      return result;
    }
  } catch (const Interrupted&) {
    throw;
  } catch (...) {
    throw_if_interrupted(during);
    throw;
  }
}

}  // namespace asyncrt::demo
