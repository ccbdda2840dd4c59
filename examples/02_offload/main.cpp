// 02 offload: CPU-bound work goes to the CPU pool; the task resumes on the loop.
//
// Computing on the loop would stall every other task (the stall detector would say so).
// offload() runs the function on a pool thread and brings the task back to the loop thread
// with the result, or with the exception the function threw.

#include <asyncrt/asyncrt.hpp>

#include <cstdint>
#include <iostream>
#include <thread>

using namespace asyncrt;

std::uint64_t sum_of_squares(std::uint64_t n) {
  std::uint64_t sum = 0;
  for (std::uint64_t i = 1; i <= n; ++i) sum += i * i;
  return sum;
}

Task<void> compute() {
  std::cout << "task starts on the loop thread " << std::this_thread::get_id() << "\n";
  const std::uint64_t sum = co_await offload([] {
    std::cout << "  computing on pool thread   " << std::this_thread::get_id() << "\n";
    return sum_of_squares(1'000'000);
  });
  std::cout << "task resumes on the loop     " << std::this_thread::get_id() << "\n";
  std::cout << "sum of squares up to 10^6 = " << sum << "\n";
}

int main() {
  Runtime runtime;
  runtime.block_on(compute());
  return runtime.exit_status();
}
