#include "common/interrupt.hpp"

#include <fmt/core.h>

#include <csignal>
#include <cstring>

#include <pthread.h>

namespace asyncrt::demo {
namespace {

// SIGUSR1 only tells the watcher thread to finish (sent by the destructor).
sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

InterruptWatch::InterruptWatch() {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this, set] {
    int received = 0;
    while (sigwait(&set, &received) == 0) {
      if (received == SIGUSR1) return;
      int expected = 0;
      signal_.compare_exchange_strong(expected, received);
      stop_.request_stop();
    }
  });
}

InterruptWatch::~InterruptWatch() {
  pthread_kill(watcher_.native_handle(), SIGUSR1);
  watcher_.join();
}

void InterruptWatch::throw_if_interrupted(std::string_view during) const {
  if (const int received = signal(); received != 0) throw Interrupted(received, during);
}

Interrupted::Interrupted(int signal, std::string_view during)
    : std::runtime_error(fmt::format("interrupted by {} during {}",
                                     signal == SIGINT    ? "SIGINT (Ctrl-C)"
                                     : signal == SIGTERM ? "SIGTERM"
                                                         : strsignal(signal),
                                     during)),
      signal_(signal) {}

}  // namespace asyncrt::demo
