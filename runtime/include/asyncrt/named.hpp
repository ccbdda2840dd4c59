#pragma once
// named: run a child task under a name of its own (stall reports, traces, timelines).

#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <asyncrt/runtime.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

/// Runs `task` as a child called `name` and completes with its value or exception: the
/// stall detector reports it, and traces and timelines draw it, under that name instead of
/// its parent's. It composes with everything that takes a task:
///
///     co_await named("7", offload([] { return is_prime(7); }));   // the pool's span is "7"'s
///     co_await when_all(named("tea", boil()), named("toast", bake()));
///     co_await map([](int n) { return named(std::to_string(n), check(n)); }, numbers, 4);
///
/// (`Runtime::spawn` takes its name directly.) Threads: the child runs on the current
/// Runtime's loop and the caller resumes on its own executor (the loop) when it ends.
/// Cancelling the caller cancels the child. Must be awaited inside a Runtime's task (it reads
/// Runtime::current() when it starts).
template <typename T>
Task<T> named(std::string name, Task<T> task) {
  co_return co_await asio::co_spawn(Runtime::current().task_executor(name), std::move(task),
                                    asio::use_awaitable);
}

}  // namespace asyncrt
