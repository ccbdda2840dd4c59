// 04 channel: a producer and a consumer joined by a bounded queue.
//
// The producer is fast, the consumer slow. With a capacity of 3 the producer cannot run more
// than 3 messages ahead: send() suspends it until the consumer makes room. That is
// back-pressure, and it is why the lesson says the queue's size matters. close() ends the
// stream; the consumer still gets every message already in the channel.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>

using namespace asyncrt;
using namespace std::chrono_literals;

Task<void> producer(Channel<int>& channel) {
  for (int message = 1; message <= 8; ++message) {
    co_await channel.send(message);  // suspends while the channel is full
    std::cout << "sent     " << message << "  (" << channel.size() << " waiting)\n";
  }
  channel.close();
}

Task<int> consumer(Channel<int>& channel) {
  int received = 0;
  while (auto message = co_await channel.receive()) {
    co_await sleep_for(20ms);  // a slow consumer
    std::cout << "received " << *message << "\n";
    ++received;
  }
  co_return received;
}

Task<void> run() {
  Channel<int> channel(3);
  auto [sent, received] = co_await when_all(producer(channel), consumer(channel));
  (void)sent;
  std::cout << received << " of 8 messages arrived\n";
}

int main() {
  Runtime runtime;
  runtime.block_on(run());
  return runtime.exit_status();
}
