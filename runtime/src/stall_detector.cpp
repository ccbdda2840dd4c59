#include <asyncrt/stall_detector.hpp>

#include <cstdio>
#include <ctime>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/core.h>

namespace asyncrt {

namespace {
bool coarse_enough(std::chrono::nanoseconds threshold) {
  timespec tick{};
  if (clock_getres(CLOCK_MONOTONIC_COARSE, &tick) != 0) return false;
  const auto resolution =
      std::chrono::seconds(tick.tv_sec) + std::chrono::nanoseconds(tick.tv_nsec);
  return resolution > std::chrono::nanoseconds(0) && threshold >= 25 * resolution;
}
}  // namespace

StallDetector::StallDetector(std::chrono::nanoseconds threshold, Reporter reporter)
    : threshold_(threshold),
      coarse_clock_will_do_(coarse_enough(threshold)),
      reporter_(std::move(reporter)) {}

void StallDetector::record(std::string_view task, std::chrono::nanoseconds ran) noexcept {
  if (ran < threshold_) return;
  stalls_.fetch_add(1, std::memory_order_relaxed);
  if (!reporter_) return;
  try {
    reporter_(StallReport{task, ran, threshold_});
  } catch (...) {  // (it runs when a handler ends, in a destructor: it must not throw on)
    std::fprintf(stderr, "asyncrt: the stall reporter threw while reporting task '%.*s'\n",
                 static_cast<int>(task.size()), task.data());
  }
}

void StallDetector::print_to_stderr(const StallReport& report) {
  using std::chrono::duration_cast;
  using Ms = std::chrono::duration<double, std::milli>;
  fmt::print(stderr,
             "asyncrt: stall: task '{}' held the event loop for {:.1f} ms (threshold {:.0f} ms); "
             "offload CPU work with asyncrt::offload\n",
             report.task, duration_cast<Ms>(report.ran).count(),
             duration_cast<Ms>(report.threshold).count());
}

}  // namespace asyncrt
