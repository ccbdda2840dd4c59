// 11 as_completed: each result as soon as its task finishes, in the order they finish (the
// lesson's concurrent.futures.as_completed). when_all would give them all at once, at the end,
// in the order they were submitted.
// Virtual time: the sleeps take no real time and the times printed are exact.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

using namespace asyncrt;
using namespace std::chrono;

Task<std::string> cook(std::string dish, milliseconds how_long) {
  co_await sleep_for(how_long);
  co_return dish;
}

Task<void> kitchen() {
  const TimePoint start = now();
  std::vector<Task<std::string>> orders;
  orders.push_back(cook("ramen", 300ms));
  orders.push_back(cook("gyoza", 100ms));
  orders.push_back(cook("rice", 200ms));
  co_await as_completed(std::move(orders), [&](Completed<std::string> done) {
    std::cout << done.value << " (order " << done.index << ") served at "
              << duration_cast<milliseconds>(now() - start).count() << " ms\n";
  });
}

int main() {
  Runtime runtime(RuntimeOptions{.virtual_time = true});
  runtime.block_on(kitchen());
  return runtime.exit_status();
}
