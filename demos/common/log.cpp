#include "common/log.hpp"

#include <cstdio>
#include <mutex>
#include <utility>

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

struct Log::Kept {
  std::mutex mutex;
  std::vector<JsonObject> lines;
};

void Log::keep_lines() {
  if (!kept_) kept_ = std::make_shared<Kept>();
}

std::vector<JsonObject> Log::take_lines() const {
  if (!kept_) return {};
  std::lock_guard lock(kept_->mutex);
  return std::exchange(kept_->lines, {});
}

void Log::operator()(std::string_view text) const {
  static std::mutex one_line_at_a_time;
  const double ms = elapsed_ms();
  const std::string_view thread = trace::this_thread_name();
  const long tid = thread_id();
  const std::string line = fmt::format("[{:7.1f} ms] {:<9} (tid {}) {}\n", ms, thread, tid, text);
  if (kept_) {
    std::lock_guard lock(kept_->mutex);
    kept_->lines.push_back(
        JsonObject().add("ms", ms).add("thread", thread).add("tid", tid).add("text", text));
  }
  std::lock_guard lock(one_line_at_a_time);
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace asyncrt::demo
