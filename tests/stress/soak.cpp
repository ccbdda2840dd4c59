// asyncrt-soak [minutes]: the stress test's random tasks (sleeping, yielding, offloading,
// failing, cancelled while they wait on a timer, a job, an event, a semaphore or a channel),
// crowd after crowd on one long-lived Runtime, for the given time (default 10 minutes). Run by
// `./dev soak` under ASan+UBSan. It samples its resident memory every second and fails (exit
// status 1, saying why) if the memory grows after the warm-up, or if any count does not add
// up: every task ends exactly once, as the runtime and the tasks themselves count it.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include <asyncrt/asyncrt.hpp>

#include "stress/stressed_task.hpp"

namespace {

using namespace asyncrt;
using namespace asyncrt::testing;
using Clock = std::chrono::steady_clock;

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) / 1048576.0;
}

// Reads the resident memory once a second, on a thread of its own, until told to stop.
class MemorySampler {
 public:
  MemorySampler() : thread_([this] { run(); }) {}
  ~MemorySampler() { stop(); }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  std::vector<double> samples() {
    std::lock_guard lock(mutex_);
    return samples_;
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
      samples_.push_back(resident_mib());
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<double> samples_;
  std::thread thread_;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

int soak(double minutes) {
  const auto length = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::ratio<60>>(minutes));
  // The warm-up: allocators and ASan's quarantine fill up to their working size.
  const auto warm_up = std::max<Clock::duration>(std::chrono::seconds(20), length / 5);
  const std::size_t crowd = 20'000;
  const std::size_t in_flight = 2'000;
  fmt::print(
      "asyncrt-soak: {:.1f} minutes of crowds of {} random tasks ({} at once); resident "
      "memory sampled every second, compared after a {} s warm-up\n",
      minutes, crowd, in_flight, std::chrono::duration_cast<std::chrono::seconds>(warm_up).count());
  std::fflush(stdout);

  Tally tally;
  NeverReady never;
  Runtime runtime(options_counting_into(tally));
  MemorySampler sampler;
  const auto start = Clock::now();
  std::size_t spawned = 0;
  std::size_t warm_samples = 0;
  auto next_report = start + std::chrono::seconds(30);
  for (std::uint64_t round = 1; Clock::now() - start < length; ++round) {
    runtime.block_on(run_crowd(runtime, crowd, in_flight, round, tally, never), "crowd");
    spawned += crowd;
    // Every task ended once, however it ended, and the runtime counted what the tasks did.
    const std::size_t ended = tally.completed + tally.timed_out + tally.failure_reports;
    if (tally.wrong != 0 || ended != spawned ||
        runtime.completed_tasks() != tally.completed + tally.timed_out ||
        runtime.failed_tasks() != tally.failure_reports) {
      fmt::print(stderr,
                 "asyncrt-soak: the counts do not add up after round {}: spawned {}, ended {} "
                 "(completed {}, timed out {}, failed {}), runtime completed {} failed {}, "
                 "wrong {}\n",
                 round, spawned, ended, tally.completed.load(), tally.timed_out.load(),
                 tally.failure_reports.load(), runtime.completed_tasks(), runtime.failed_tasks(),
                 tally.wrong.load());
      return 1;
    }
    if (warm_samples == 0 && Clock::now() - start >= warm_up) {
      warm_samples = sampler.samples().size();
    }
    if (Clock::now() >= next_report) {
      next_report += std::chrono::seconds(30);
      fmt::print("  {:5.1f} min: {} tasks, resident {:.1f} MiB\n",
                 std::chrono::duration<double, std::ratio<60>>(Clock::now() - start).count(),
                 spawned, resident_mib());
      std::fflush(stdout);
    }
  }
  runtime.shutdown();
  sampler.stop();

  // After the warm-up, the middle of the last third against the middle of the first third:
  // growth beyond noise (5%, and 2 MiB) is memory that is never given back.
  auto samples = sampler.samples();
  if (warm_samples == 0 || samples.size() < warm_samples + 9) {
    fmt::print(stderr, "asyncrt-soak: too short to judge the memory (run longer)\n");
    return 1;
  }
  samples.erase(samples.begin(), samples.begin() + static_cast<long>(warm_samples));
  const auto third = static_cast<long>(samples.size() / 3);
  const double early = median(std::vector<double>(samples.begin(), samples.begin() + third));
  const double late = median(std::vector<double>(samples.end() - third, samples.end()));
  fmt::print(
      "asyncrt-soak: {} tasks in {} rounds: completed {}, timed out {}, failed {}; "
      "resident memory after the warm-up {:.1f} MiB, at the end {:.1f} MiB "
      "(medians of the first and last third of {} samples)\n",
      spawned, spawned / crowd, tally.completed.load(), tally.timed_out.load(),
      tally.failure_reports.load(), early, late, samples.size());
  if (late > early * 1.05 && late - early > 2.0) {
    fmt::print(stderr, "asyncrt-soak: resident memory grew from {:.1f} MiB to {:.1f} MiB\n", early,
               late);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  double minutes = 10;
  char* end = nullptr;
  if (argc == 2) minutes = std::strtod(argv[1], &end);
  if (argc > 2 ||
      (argc == 2 && (end == argv[1] || *end != '\0' || !(minutes > 0) || minutes > 24 * 60))) {
    std::fputs("usage: asyncrt-soak [minutes]   (more than 0, at most 1440; default 10)\n", stderr);
    return 2;
  }
  return soak(minutes);
}
