#pragma once
// Task<T>: the coroutine type of asyncrt.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace asyncrt {

namespace asio = boost::asio;

/// A coroutine that eventually produces a T (a "task" in the lesson's words).
///
/// It is Asio's `awaitable<T>`, so every Asio operation can be awaited inside it with
/// `asio::use_awaitable`, and every asyncrt operation too. A task runs on the executor it was
/// spawned on (the Runtime's event loop) and, after each `co_await`, resumes on that executor
/// again, whichever thread completed the operation it waited for.
template <typename T = void>
using Task = asio::awaitable<T>;

}  // namespace asyncrt
