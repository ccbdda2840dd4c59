// A counter touched only through a strand, by threads posting to it and by tasks offloading
// to it, all at once: it ends exact, and no two of its handlers ever overlapped.

#include <atomic>
#include <cstdint>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <fmt/core.h>
#include <gtest/gtest.h>

#include <asyncrt/asyncrt.hpp>

#include "stress/stress_size.hpp"

namespace asyncrt::testing {
namespace {

// A plain counter (no atomic, no lock: the strand is its only protection) and a flag that
// catches two handlers inside at once.
struct GuardedCounter {
  std::uint64_t value = 0;
  std::atomic<bool> inside{false};
  std::atomic<std::uint64_t> overlaps{0};

  void increment() {
    if (inside.exchange(true)) ++overlaps;
    ++value;
    inside.store(false);
  }
};

TEST(StrandStress, ACounterBehindAStrandEndsExact) {
  const std::size_t threads = 4;
  const std::size_t posts_per_thread = stress_size(250'000);
  const std::size_t tasks = 100;
  const std::size_t offloads_per_task = stress_size(1000);
  fmt::print("{} threads x {} posts, {} tasks x {} offloads through one strand\n", threads,
             posts_per_thread, tasks, offloads_per_task);

  RuntimeOptions options;
  options.detect_stalls = false;
  Runtime runtime(options);
  auto strand = runtime.make_strand();
  GuardedCounter counter;

  auto offloader = [&]() -> Task<void> {
    for (std::size_t i = 0; i < offloads_per_task; ++i) {
      co_await offload(strand, [&counter] { counter.increment(); });
    }
  };
  std::vector<std::thread> posters;
  for (std::size_t t = 0; t < threads; ++t) {
    posters.emplace_back([&] {
      for (std::size_t i = 0; i < posts_per_thread; ++i) {
        asio::post(strand, [&counter] { counter.increment(); });
      }
    });
  }
  std::vector<Task<void>> offloaders;
  for (std::size_t t = 0; t < tasks; ++t) offloaders.push_back(offloader());
  runtime.block_on(when_all(std::move(offloaders)));
  for (auto& poster : posters) poster.join();
  // The strand runs in order: once this has run, every post before it has too.
  asio::post(strand, asio::use_future).get();

  EXPECT_EQ(counter.overlaps, 0u);
  EXPECT_EQ(counter.value, threads * posts_per_thread + tasks * offloads_per_task);
}

}  // namespace
}  // namespace asyncrt::testing
