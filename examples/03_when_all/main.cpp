// 03 when_all: three waits at once take as long as the longest, not the sum.
//
// This is the ramen shop's lesson: while the water boils (3), the cook prepares the
// ingredients (2) and sets the table (1). Done one after another: 6 units; interleaved on one
// thread: 3.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <string>

using namespace asyncrt;
using namespace std::chrono;

Task<std::string> step(std::string what, milliseconds how_long) {
  co_await sleep_for(how_long);
  co_return what;
}

Task<void> cook() {
  const auto start = steady_clock::now();
  // Results come back in argument order, whatever finishes first.
  auto [water, ingredients, table] = co_await when_all(
      step("water boiled", 300ms), step("ingredients ready", 200ms), step("table set", 100ms));
  const auto took = duration_cast<milliseconds>(steady_clock::now() - start);
  std::cout << water << ", " << ingredients << ", " << table << "\n";
  std::cout << "took " << took.count() << " ms; one after another it would take 600 ms\n";
}

int main() {
  Runtime runtime;
  runtime.block_on(cook());
  return runtime.exit_status();
}
