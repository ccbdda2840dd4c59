#pragma once
// InterruptWatch: Ctrl-C (SIGINT) and SIGTERM as a stop request a demo can watch.

#include <atomic>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

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

}  // namespace asyncrt::demo
