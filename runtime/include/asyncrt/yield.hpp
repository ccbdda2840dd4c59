#pragma once
// yield: let the other ready tasks run before going on.

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt {

/// Puts the calling task at the back of its executor's queue: every task that was ready before
/// runs once, then this one resumes, on its own executor (the loop). Python's
/// `await asyncio.sleep(0)`. A long computation on the loop can call it now and then so that
/// other tasks are not starved (offloading it is better still).
inline Task<void> yield() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

}  // namespace asyncrt
