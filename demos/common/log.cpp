#include "common/log.hpp"

#include <cstdio>
#include <mutex>

#include <sys/syscall.h>
#include <unistd.h>
#include <fmt/core.h>

#include <asyncrt/trace.hpp>

namespace asyncrt::demo {

long thread_id() noexcept {
  return static_cast<long>(::syscall(SYS_gettid));
}

double ms_since(std::chrono::steady_clock::time_point start) noexcept {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double Log::elapsed_ms() const noexcept {
  return ms_since(start_);
}

void Log::operator()(std::string_view text) const {
  static std::mutex one_line_at_a_time;
  const std::string line = fmt::format("[{:7.1f} ms] {:<9} (tid {}) {}\n", elapsed_ms(),
                                       trace::this_thread_name(), thread_id(), text);
  std::lock_guard lock(one_line_at_a_time);
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace asyncrt::demo
