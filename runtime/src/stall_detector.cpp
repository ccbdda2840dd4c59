#include <asyncrt/stall_detector.hpp>

#include <cstdio>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/core.h>

namespace asyncrt {

StallDetector::StallDetector(std::chrono::nanoseconds threshold, Reporter reporter)
    : threshold_(threshold), reporter_(std::move(reporter)) {}

void StallDetector::record(std::string_view task, std::chrono::nanoseconds ran) {
  if (ran < threshold_) return;
  stalls_.fetch_add(1, std::memory_order_relaxed);
  if (reporter_) reporter_(StallReport{task, ran, threshold_});
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
