// Virtual time (RuntimeOptions::virtual_time): sleeps and timeouts on a clock that jumps when
// the loop is idle. Every figure here is exact: nothing depends on how busy the machine is.

#include <asyncrt/detail/virtual_clock.hpp>

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include <asyncrt/asyncrt.hpp>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using std::chrono::minutes;

RuntimeOptions virtual_time() {
  RuntimeOptions options;
  options.virtual_time = true;
  return options;
}

TEST(VirtualTime, AnHourOfSleepTakesNoRealTime) {
  Runtime runtime(virtual_time());
  const auto real_start = std::chrono::steady_clock::now();
  const auto slept = runtime.block_on([]() -> Task<Duration> {
    const auto start = now();
    co_await sleep_for(1h);
    co_return now() - start;
  }());
  EXPECT_EQ(slept, Duration(1h));  // exactly: no scheduling noise in virtual time
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 10s);  // (an hour in real time)
}

TEST(VirtualTime, ASleepCountsFromWhenItStartsOnTheClockOfTheLoopItRunsOn) {
  Runtime runtime(virtual_time());
  // Made on this thread, which runs no loop, and run on the Runtime's: its virtual clock.
  const auto real_start = std::chrono::steady_clock::now();
  runtime.block_on(sleep_for(1h));
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, 10s);
  // Made on the loop and awaited later: the minute counts from the await, not from the call.
  const auto slept = runtime.block_on([]() -> Task<Duration> {
    auto later = sleep_for(1min);
    const auto start = now();
    co_await sleep_for(1min);
    co_await std::move(later);
    co_return now() - start;
  }());
  EXPECT_EQ(slept, Duration(2min));
}

TEST(VirtualTime, SleepersWakeInDeadlineOrderEachAtItsOwnDeadline) {
  Runtime runtime(virtual_time());
  std::mt19937 random(7);
  std::vector<int> delays;
  for (int i = 0; i < 200; ++i) delays.push_back(static_cast<int>(random() % 50));
  std::vector<int> woke;  // delays, in the order their sleepers woke
  std::size_t late = 0;
  auto sleeper = [&](int delay) -> Task<void> {
    const auto start = now();
    co_await sleep_for(std::chrono::seconds(delay));
    if (now() - start != Duration(std::chrono::seconds(delay))) ++late;
    woke.push_back(delay);
  };
  std::vector<Task<void>> sleepers;
  for (int delay : delays) sleepers.push_back(sleeper(delay));
  runtime.block_on(when_all(std::move(sleepers)));
  EXPECT_EQ(late, 0u);
  auto sorted = delays;
  std::stable_sort(sorted.begin(), sorted.end());
  EXPECT_EQ(woke, sorted);
}

TEST(VirtualTime, WithTimeoutFiresExactlyAtItsLimit) {
  Runtime runtime(virtual_time());
  runtime.block_on([]() -> Task<void> {
    const auto start = now();
    EXPECT_THROW(co_await with_timeout(sleep_for(10min), 1min), TimeoutError);
    EXPECT_EQ(now() - start, Duration(1min));
    // The other way round the task wins, and nothing waits for the abandoned limit.
    co_await with_timeout(sleep_for(1min), 10min);
    EXPECT_EQ(now() - start, Duration(2min));
  }());
}

TEST(VirtualTime, ATimeoutCancelsSemaphoreAndChannelWaitsWhichStayUsable) {
  Runtime runtime(virtual_time());
  runtime.block_on([]() -> Task<void> {
    Semaphore empty(0);
    Channel<int> channel(1);
    EXPECT_THROW(co_await with_timeout(empty.acquire(), 5s), TimeoutError);
    EXPECT_THROW(co_await with_timeout(channel.receive(), 5s), TimeoutError);
    empty.release();
    EXPECT_TRUE(empty.try_acquire());
    co_await channel.send(7);
    EXPECT_EQ(co_await channel.receive(), 7);
  }());
}

TEST(VirtualTime, TheClockWaitsForOffloadedWork) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  auto computes = [&]() -> Task<void> {
    const auto start = now();
    co_await offload([] { std::this_thread::sleep_for(50ms); });  // 50 ms of real time...
    EXPECT_EQ(now(), start);  // ...and none of virtual time: the clock stood still
    order.push_back("offload");
  };
  auto sleeps = [&]() -> Task<void> {
    co_await sleep_for(1ms);  // due long before the job is done, in real time
    order.push_back("sleep");
  };
  runtime.block_on(when_all(computes(), sleeps()));
  EXPECT_EQ(order, (std::vector<std::string>{"offload", "sleep"}));
}

TEST(VirtualTime, BusyForHoldsTheLoopAndMovesTheClock) {
  Runtime runtime(virtual_time());
  std::vector<std::string> order;
  auto worker = [&]() -> Task<void> {
    busy_for(5s);  // the loop is held: the sleeper, due at 1 s, cannot run before this ends
    order.push_back("worked");
    co_return;
  };
  auto sleeper = [&]() -> Task<void> {
    const auto start = now();
    co_await sleep_for(1s);
    EXPECT_EQ(now() - start, Duration(5s));  // woke late, as a real timer behind busy work
    order.push_back("slept");
  };
  runtime.block_on(when_all(sleeper(), worker()));
  EXPECT_EQ(order, (std::vector<std::string>{"worked", "slept"}));
}

TEST(VirtualTime, ShutdownCancelsVirtualSleepsWhileAJobHoldsTheClock) {
  std::atomic<int> aborted{0};
  // A named lambda, declared before the Runtime: it must outlive the tasks, which reach
  // `aborted` through it.
  auto sleeper = [&aborted]() -> Task<void> {
    try {
      co_await sleep_for(std::chrono::hours(24 * 365));
    } catch (const boost::system::system_error& e) {
      if (e.code() == boost::asio::error::operation_aborted) ++aborted;
      throw;
    }
  };
  Runtime runtime(virtual_time());
  // A job in flight holds the clock still, so the year-long sleeps are still waiting when the
  // runtime shuts down (without it, the clock would jump a year and they would just finish).
  runtime.spawn(
      []() -> Task<void> {
        co_await offload_blocking([](std::stop_token stop) {
          while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
        });
      }(),
      "holder");
  for (int i = 0; i < 10; ++i) runtime.spawn(sleeper(), "sleeper");
  runtime.block_on([]() -> Task<void> { co_await yield(); }());  // they have all started
  runtime.shutdown();
  EXPECT_EQ(aborted, 10);
  EXPECT_EQ(runtime.cancelled_tasks(), 11u);
  EXPECT_EQ(runtime.completed_tasks(), 0u);
}

// The ramen shop's recipe (boil 3, prepare 2, cook 4, serve 1 minutes) with one cook on the
// loop: prepare and serve are the cook's hands (busy_for holds the loop), boiling and cooking
// are timers, and the pot keeps its burner from boiling to the end of cooking.
struct Kitchen {
  Semaphore stove;
  std::vector<std::pair<int, Duration>> served;  // bowl, minutes since opening
  TimePoint opened = now();

  explicit Kitchen(std::size_t burners) : stove(burners) {}

  Task<void> bowl(int number) {
    {
      auto burner = co_await stove.hold();
      co_await sleep_for(minutes(3));  // boil the water
      busy_for(minutes(2));            // prepare the ingredients
      co_await sleep_for(minutes(4));  // cook
    }
    busy_for(minutes(1));  // serve
    served.emplace_back(number, now() - opened);
  }

  static std::vector<std::pair<int, Duration>> run(std::size_t burners, int bowls) {
    Runtime runtime(virtual_time());
    return runtime.block_on(
        [](std::size_t burners, int bowls) -> Task<std::vector<std::pair<int, Duration>>> {
          Kitchen kitchen(burners);
          std::vector<Task<void>> orders;
          for (int b = 1; b <= bowls; ++b) orders.push_back(kitchen.bowl(b));
          co_await when_all(std::move(orders));
          co_return kitchen.served;
        }(burners, bowls));
  }
};

TEST(VirtualTime, TheRamenShopScheduleIsExact) {
  using Served = std::vector<std::pair<int, Duration>>;
  // Four burners, two bowls: both boil from 0 to 3; the cook prepares bowl 1 (3-5), then bowl 2
  // (5-7); bowl 1 cooks 5-9 and is served 9-10; bowl 2 cooks 7-11 and is served 11-12.
  EXPECT_EQ(Kitchen::run(4, 2), (Served{{1, minutes(10)}, {2, minutes(12)}}));
  // One burner: bowl 2 gets bowl 1's burner at 9, but the cook puts its water on only after
  // serving bowl 1 (9-10): it boils 10-13, is prepared 13-15, cooks 15-19, is served 19-20.
  EXPECT_EQ(Kitchen::run(1, 2), (Served{{1, minutes(10)}, {2, minutes(20)}}));
  // The same run twice gives the same schedule, to the nanosecond.
  EXPECT_EQ(Kitchen::run(4, 12), Kitchen::run(4, 12));
  // One cook's hands are the bound: 3 minutes of work a bowl, 20 bowls an hour at most.
  const auto many = Kitchen::run(4, 60);
  EXPECT_GE(many.back().second, minutes(60 * 3));
}

}  // namespace
}  // namespace asyncrt
