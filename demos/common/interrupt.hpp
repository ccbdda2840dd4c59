#pragma once
// InterruptWatch: Ctrl-C (SIGINT) and SIGTERM as a stop request a demo can watch.

#include <atomic>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>

namespace asyncrt::demo {

/// Construct it first thing in main(), before any thread starts. It blocks SIGINT and SIGTERM
/// in every thread (the mask is inherited), and one thread of its own waits for them with
/// sigwait(): when one arrives it records which and requests a stop on token(). The demo's
/// work watches the token (a std::stop_callback can forward it to Runtime::request_stop).
/// Worker processes started later inherit the blocked mask, so a terminal's Ctrl-C stops the
/// parent, which then ends its workers in order.
class InterruptWatch {
 public:
  InterruptWatch();
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  std::stop_token token() const noexcept { return stop_.get_token(); }
  /// The signal that arrived (SIGINT, SIGTERM), or 0.
  int signal() const noexcept { return signal_.load(); }

  /// Throws Interrupted naming `during` if a signal has arrived.
  void throw_if_interrupted(std::string_view during) const;

  /// Runs `body` and returns what it returns. If a signal arrived meanwhile, whatever `body`
  /// did because of it (returned early, or threw the cancellation it caused), the result is
  /// Interrupted naming `during`; other failures pass through.
  template <typename Body>
  auto guard(std::string_view during, Body&& body) const;

 private:
  std::stop_source stop_;
  std::atomic<int> signal_{0};
  std::thread watcher_;
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
