#include "common/work.hpp"

#include <condition_variable>
#include <mutex>

namespace asyncrt::demo {

bool burn_cpu(std::chrono::steady_clock::duration duration, std::stop_token stop) {
  const auto until = std::chrono::steady_clock::now() + duration;
  unsigned spins = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (++spins % 1024 == 0 && stop.stop_requested()) return false;
  }
  return !stop.stop_requested();
}

bool sleep_unless_stopped(std::chrono::steady_clock::duration duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  return !wake.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace asyncrt::demo
