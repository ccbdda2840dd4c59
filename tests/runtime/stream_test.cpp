// Test that the header is self-contained.
#include <asyncrt/stream.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>

#include "support/waiting.hpp"

namespace asyncrt {
namespace {

using namespace std::chrono_literals;
using testing::virtual_time;

// The producer runs only between a next() and its next yield: its log and the consumer's
// interleave one for one, and nothing is produced before the first next().
TEST(Stream, LazyOneValueAtATimeThenTheEnd) {
  Runtime runtime(virtual_time());
  std::vector<std::string> log;
  auto task = [&]() -> Task<void> {
    Stream<int> numbers([&](Yield<int>& yield) -> Task<void> {
      for (int i = 0; i < 3; ++i) {
        log.push_back("produce " + std::to_string(i));
        co_await yield(i);
      }
      log.push_back("producer returns");
    });
    co_await sleep_for(10ms);
    EXPECT_TRUE(log.empty());
    while (auto n = co_await numbers.next()) log.push_back("consume " + std::to_string(*n));
    EXPECT_EQ(co_await numbers.next(), std::nullopt);  // and again
  };
  runtime.block_on(task());
  EXPECT_EQ(log, (std::vector<std::string>{"produce 0", "consume 0", "produce 1", "consume 1",
                                           "produce 2", "consume 2", "producer returns"}));
}

TEST(Stream, TheProducerMayWaitAndItsFailureReachesTheConsumer) {
  Runtime runtime(virtual_time());
  auto task = [&]() -> Task<void> {
    const auto start = runtime.now();
    Stream<std::string> lines(
        [](Yield<std::string>& yield) -> Task<void> {
          co_await sleep_for(10ms);
          co_await yield("first");
          co_await sleep_for(10ms);
          throw std::runtime_error("the file ended early");
        },
        "reader");
    EXPECT_EQ(co_await lines.next(), "first");
    EXPECT_EQ(runtime.now() - start, 10ms);
    try {
      co_await lines.next();
      ADD_FAILURE() << "no failure";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "the file ended early");
    }
    EXPECT_EQ(runtime.now() - start, 20ms);
    EXPECT_EQ(co_await lines.next(), std::nullopt);  // reported once, then the end
  };
  runtime.block_on(task());
}

// Dropping a stream the consumer no longer wants cancels its producer where it waits, and the
// producer's cleanup runs.
TEST(Stream, DroppingTheStreamCancelsTheProducer) {
  Runtime runtime(virtual_time());
  bool cleaned_up = false;
  auto task = [&]() -> Task<void> {
    {
      Stream<int> endless([&](Yield<int>& yield) -> Task<void> {
        try {
          for (int i = 0;; ++i) co_await yield(i);
        } catch (const boost::system::system_error& e) {
          cleaned_up = e.code() == boost::asio::error::operation_aborted;
          throw;
        }
      });
      EXPECT_EQ(co_await endless.next(), 0);
      EXPECT_EQ(co_await endless.next(), 1);
    }
    co_await sleep_for(1ms);  // the producer unwinds on the loop
    EXPECT_TRUE(cleaned_up);
  };
  runtime.block_on(task());
  EXPECT_TRUE(cleaned_up);
  EXPECT_EQ(runtime.failed_tasks(), 0u);
}

// A consumer that gives up on a next() (a timeout) cancels the producer with it, and next()
// throws only once the producer has stopped: its cleanup has run. A producer that lets the
// cancellation through has ended the stream.
TEST(Stream, ACancelledNextCancelsTheProducerAndWaitsForIt) {
  Runtime runtime(virtual_time());
  std::vector<std::string> log;
  auto task = [&]() -> Task<void> {
    Stream<int> slow([&](Yield<int>& yield) -> Task<void> {
      try {
        co_await sleep_for(20ms);
        co_await yield(0);
      } catch (const boost::system::system_error&) {
        log.push_back("producer cancelled");
        throw;
      }
    });
    try {
      co_await with_timeout(slow.next(), 10ms);
      ADD_FAILURE() << "no timeout";
    } catch (const TimeoutError&) {
      log.push_back("consumer timed out");
    }
    EXPECT_THROW(co_await slow.next(), boost::system::system_error);  // how the producer ended
    EXPECT_EQ(co_await slow.next(), std::nullopt);
  };
  runtime.block_on(task());
  EXPECT_EQ(log, (std::vector<std::string>{"producer cancelled", "consumer timed out"}));
}

// A cancelled task stays cancelled (Asio's rule: each later co_await throws) unless it resets
// its cancellation state; a producer that does, and yields once more, loses nothing.
TEST(Stream, AProducerThatYieldsAfterItsCancellationLosesNothing) {
  Runtime runtime(virtual_time());
  auto task = [&]() -> Task<void> {
    Stream<int> stubborn([](Yield<int>& yield) -> Task<void> {
      try {
        co_await sleep_for(20ms);
      } catch (const boost::system::system_error&) {
      }
      co_await boost::asio::this_coro::reset_cancellation_state();
      co_await yield(7);
    });
    EXPECT_THROW(co_await with_timeout(stubborn.next(), 10ms), TimeoutError);
    EXPECT_EQ(co_await stubborn.next(), 7);
    EXPECT_EQ(co_await stubborn.next(), std::nullopt);
  };
  runtime.block_on(task());
}

TEST(Stream, AMovedFromStreamRefusesNext) {
  Runtime runtime;
  auto task = []() -> Task<void> {
    Stream<int> a([](Yield<int>& yield) -> Task<void> { co_await yield(1); });
    Stream<int> b(std::move(a));
    EXPECT_THROW(co_await a.next(), std::logic_error);  // NOLINT: testing the moved-from state
    EXPECT_EQ(co_await b.next(), 1);
  };
  runtime.block_on(task());
}

Task<void> read_forever(bool& producer_cancelled) {
  Stream<int> hourly([&](Yield<int>& yield) -> Task<void> {
    try {
      co_await sleep_for(1h);
      co_await yield(0);
    } catch (const boost::system::system_error&) {
      producer_cancelled = true;
      throw;
    }
  });
  co_await hourly.next();
}

// Shutdown cancels the consumer waiting in next(), and with it the producer, whose cleanup has
// run by the time the consumer ends (and shutdown returns).
TEST(Stream, ShutdownCancelsTheConsumerAndThroughItTheProducer) {
  Runtime runtime;
  bool producer_cancelled = false;
  testing::expect_shutdown_wakes_waiters(runtime, 1,
                                         [&] { return read_forever(producer_cancelled); });
  EXPECT_TRUE(producer_cancelled);
}

}  // namespace
}  // namespace asyncrt
