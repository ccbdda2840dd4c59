#pragma once
// Helpers for the tests of the primitives tasks wait on (latch, barrier, condition, ...).

#include <chrono>
#include <cstddef>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt::testing {

/// A Runtime on virtual time: sleeps take no real time and the times read are exact.
inline RuntimeOptions virtual_time() {
  RuntimeOptions options;
  options.virtual_time = true;
  return options;
}

/// Spawns `count` tasks, each awaiting a wait made by `make_wait()` (a function returning a
/// Task<void> that never ends by itself), shuts the Runtime down while they wait, and checks that
/// every one woke with operation_aborted and counts as cancelled.
template <typename MakeWait>
void expect_shutdown_wakes_waiters(Runtime& runtime, std::size_t count, MakeWait make_wait) {
  std::size_t aborted = 0;
  auto waiter = [](Task<void> wait, std::size_t& aborted) -> Task<void> {
    try {
      co_await std::move(wait);
    } catch (const boost::system::system_error& e) {
      if (e.code() == boost::asio::error::operation_aborted) ++aborted;
      throw;
    }
  };
  for (std::size_t i = 0; i < count; ++i) runtime.spawn(waiter(make_wait(), aborted), "waiter");
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  runtime.shutdown();
  EXPECT_EQ(aborted, count);
  EXPECT_EQ(runtime.cancelled_tasks(), count);
  EXPECT_EQ(runtime.completed_tasks(), 0u);
}

}  // namespace asyncrt::testing
