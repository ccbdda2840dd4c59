// 12 stream: a producer that yields values one at a time, each when the consumer asks for it
// (an async generator: Python's `async def` with `yield`, read with `async for`). The producer
// may wait between values; it never runs ahead of the consumer.
// Virtual time: the sleeps take no real time and the times printed are exact.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <string>

using namespace asyncrt;
using namespace std::chrono;

long long ms(TimePoint start) {
  return duration_cast<milliseconds>(now() - start).count();
}

Task<void> serve() {
  const TimePoint start = now();
  // The kitchen makes a bowl only when the counter asks for the next one.
  Stream<std::string> bowls(
      [&](Yield<std::string>& yield) -> Task<void> {
        for (int n = 1; n <= 3; ++n) {
          co_await sleep_for(100ms);  // cooking
          std::cout << "kitchen: bowl " << n << " ready at " << ms(start) << " ms\n";
          co_await yield("bowl " + std::to_string(n));
        }
      },
      "kitchen");
  while (auto bowl = co_await bowls.next()) {  // for bowl in bowls
    co_await sleep_for(50ms);                  // serving it
    std::cout << "counter: " << *bowl << " served at " << ms(start) << " ms\n";
  }
}

int main() {
  Runtime runtime(RuntimeOptions{.virtual_time = true});
  runtime.block_on(serve());
  return runtime.exit_status();
}
