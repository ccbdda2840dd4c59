// 01 hello task: a Runtime, a task, and the bridge from a synchronous main().
//
// A task is a coroutine. It runs on the Runtime's event loop (one thread) and may co_await;
// while it waits, the loop is free for other tasks. block_on() runs a task from main() and
// waits for its result.

#include <asyncrt/asyncrt.hpp>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

using namespace asyncrt;
using namespace std::chrono_literals;

Task<std::string> greet(std::string name) {
  co_await sleep_for(50ms);  // waiting, not blocking: the loop could run other tasks now
  co_return "hello, " + name;
}

int main() {
  Runtime runtime;
  std::cout << "main runs on thread " << std::this_thread::get_id() << ", the loop on "
            << runtime.loop_thread_id() << "\n";
  std::cout << runtime.block_on(greet("cook")) << "\n";
  return runtime.exit_status();
}
