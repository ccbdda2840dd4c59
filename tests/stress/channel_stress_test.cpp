// Ten million messages through one bounded channel, from producers and to consumers on other
// threads and on the loop: none lost, none duplicated.

#include <cstdint>
#include <numeric>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <asyncrt/asyncrt.hpp>

#include "stress/stress_size.hpp"

namespace asyncrt::testing {
namespace {

using Message = std::uint64_t;  // producer * per_producer + sequence number: each one unique

// Sends `count` messages starting at `first`; waits whenever the channel is full.
Task<void> send_range(Channel<Message>& channel, Message first, std::size_t count) {
  for (Message m = first; m < first + count; ++m) co_await channel.send(m);
}

// Receives up to `most` messages; fewer only once the channel is closed and drained.
Task<std::vector<Message>> receive_some(Channel<Message>& channel, std::size_t most) {
  std::vector<Message> batch;
  batch.reserve(most);
  while (batch.size() < most) {
    auto message = co_await channel.receive();
    if (!message) break;
    batch.push_back(*message);
  }
  co_return batch;
}

// How many times each message arrived, per consumer.
using Arrivals = std::vector<std::uint8_t>;

TEST(ChannelStress, TenMillionMessagesNoneLostNoneDuplicated) {
  const std::size_t total = stress_size(10'000'000);
  const std::size_t producers = 4;  // 3 threads and 1 task on the loop
  const std::size_t consumers = 3;  // 2 threads and 1 task on the loop
  const std::size_t per_producer = total / producers;
  const std::size_t batch = 1000;  // messages a thread hands over per trip to the loop
  fmt::print("{} messages, {} producers, {} consumers, capacity 64\n", total, producers, consumers);

  RuntimeOptions options;
  options.detect_stalls = false;
  Runtime runtime(options);
  Channel<Message> channel(64);
  std::vector<Arrivals> arrived(consumers, Arrivals(producers * per_producer, 0));

  // The last producer to finish closes the channel; the consumers then drain it and stop.
  std::size_t finished_producers = 0;  // touched only on the loop thread
  auto producer_done = [&]() -> Task<void> {
    if (++finished_producers == producers) channel.close();
    co_return;
  };

  // Threads reach the channel through block_on: each trip sends or receives a batch.
  std::vector<std::thread> threads;
  for (std::size_t p = 1; p < producers; ++p) {
    threads.emplace_back([&, p] {
      for (std::size_t done = 0; done < per_producer; done += batch) {
        runtime.block_on(
            send_range(channel, p * per_producer + done, std::min(batch, per_producer - done)));
      }
      runtime.block_on(producer_done());
    });
  }
  for (std::size_t c = 1; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      for (;;) {
        const auto messages = runtime.block_on(receive_some(channel, batch));
        for (const Message m : messages) ++arrived[c][m];
        if (messages.size() < batch) return;  // closed and drained
      }
    });
  }
  // The loop's own producer and consumer.
  auto loop_producer = [&]() -> Task<void> {
    co_await send_range(channel, 0, per_producer);
    co_await producer_done();
  };
  auto loop_consumer = [&]() -> Task<void> {
    while (auto message = co_await channel.receive()) {
      ++arrived[0][*message];
      co_await yield();  // lets the threads' batches in: otherwise this one takes nearly all
    }
  };
  runtime.block_on(when_all(loop_producer(), loop_consumer()));
  for (auto& thread : threads) thread.join();

  // Every message arrived exactly once, at some consumer.
  std::size_t lost = 0;
  std::size_t duplicated = 0;
  std::vector<std::size_t> per_consumer(consumers, 0);
  for (std::size_t m = 0; m < producers * per_producer; ++m) {
    unsigned times = 0;
    for (std::size_t c = 0; c < consumers; ++c) {
      times += arrived[c][m];
      per_consumer[c] += arrived[c][m];
    }
    lost += times == 0;
    duplicated += times > 1;
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(duplicated, 0u);
  EXPECT_EQ(std::accumulate(per_consumer.begin(), per_consumer.end(), std::size_t{0}),
            producers * per_producer);
  EXPECT_EQ(channel.size(), 0u);
  EXPECT_TRUE(channel.closed());
  fmt::print("received per consumer: {} (loop), {}, {}\n", per_consumer[0], per_consumer[1],
             per_consumer[2]);
}

}  // namespace
}  // namespace asyncrt::testing
