// Test that the header is self-contained.
#include <asyncrt/channel.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/time.hpp>
#include <asyncrt/when_all.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace asyncrt {
namespace {

using namespace std::chrono_literals;

TEST(Channel, DeliversInOrderAndDrainsAfterClose) {
  Runtime runtime;
  Channel<int> channel(3);
  std::vector<int> received;
  auto producer = [&]() -> Task<void> {
    for (int i = 0; i < 10; ++i) co_await channel.send(i);
    channel.close();
  };
  auto consumer = [&]() -> Task<void> {
    while (auto value = co_await channel.receive()) received.push_back(*value);
  };
  auto all = [&]() -> Task<void> { co_await when_all(producer(), consumer()); };
  runtime.block_on(all());
  EXPECT_EQ(received, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(Channel, AFullChannelMakesTheProducerWait) {
  // Back-pressure: with nobody receiving, exactly `capacity` sends complete.
  Runtime runtime;
  Channel<int> channel(4);
  int sent = 0;
  auto producer = [&]() -> Task<void> {
    for (int i = 0; i < 10; ++i) {
      co_await channel.send(i);
      ++sent;
    }
  };
  auto task = [&]() -> Task<int> {
    EXPECT_THROW(co_await with_timeout(producer(), 30ms), TimeoutError);
    co_return sent;
  };
  EXPECT_EQ(runtime.block_on(task()), 4);
  EXPECT_EQ(channel.size(), 4u);  // the cancelled fifth send put nothing in
}

TEST(Channel, ManyProducersAndConsumersLoseNothing) {
  Runtime runtime;
  Channel<long> channel(10);
  constexpr int producers = 4;
  constexpr int per_producer = 1000;
  long sum = 0;
  long count = 0;
  auto producer = [&](int id) -> Task<void> {
    for (int i = 1; i <= per_producer; ++i) co_await channel.send(id * 100000L + i);
  };
  auto consumer = [&]() -> Task<void> {
    while (auto value = co_await channel.receive()) {
      sum += *value;
      ++count;
    }
  };
  auto all = [&]() -> Task<void> {
    std::vector<Task<void>> producing;
    for (int id = 0; id < producers; ++id) producing.push_back(producer(id));
    auto produce_then_close = [&]() -> Task<void> {
      co_await when_all(std::move(producing));
      channel.close();
    };
    co_await when_all(produce_then_close(), consumer(), consumer(), consumer());
  };
  runtime.block_on(all());
  long expected = 0;
  for (int id = 0; id < producers; ++id) {
    for (int i = 1; i <= per_producer; ++i) expected += id * 100000L + i;
  }
  EXPECT_EQ(count, producers * per_producer);
  EXPECT_EQ(sum, expected);
}

TEST(Channel, SendAfterCloseThrowsAndWaitingSendersAreWoken) {
  Runtime runtime;
  Channel<std::string> channel(1);
  auto task = [&]() -> Task<void> {
    co_await channel.send("kept");
    auto blocked = [&]() -> Task<void> { co_await channel.send("never"); };
    auto closer = [&]() -> Task<void> {
      co_await sleep_for(10ms);
      channel.close();
    };
    EXPECT_THROW(co_await when_all(blocked(), closer()), ChannelClosed);
    EXPECT_THROW(co_await channel.send("late"), ChannelClosed);
    auto kept = co_await channel.receive();
    EXPECT_EQ(kept, std::optional<std::string>("kept"));
    EXPECT_EQ(co_await channel.receive(), std::nullopt);
  };
  runtime.block_on(task());
}

TEST(Channel, CancelledReceiverLeavesTheChannelUsable) {
  Runtime runtime;
  Channel<int> channel(2);
  auto task = [&]() -> Task<std::optional<int>> {
    EXPECT_THROW(co_await with_timeout(channel.receive(), 20ms), TimeoutError);
    co_await channel.send(7);
    co_return co_await channel.receive();
  };
  EXPECT_EQ(runtime.block_on(task()), 7);
}

TEST(Channel, TryOperationsAndCapacity) {
  Channel<int> channel(1);
  int value = 5;
  EXPECT_TRUE(channel.try_send(value));
  int other = 6;
  EXPECT_FALSE(channel.try_send(other));
  EXPECT_EQ(other, 6);
  EXPECT_EQ(channel.try_receive(), 5);
  EXPECT_EQ(channel.try_receive(), std::nullopt);
  EXPECT_THROW(Channel<int>(0), std::invalid_argument);
}

}  // namespace
}  // namespace asyncrt
