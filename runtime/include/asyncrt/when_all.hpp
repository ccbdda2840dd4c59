#pragma once
// when_all: run several tasks concurrently and wait for all of them.

#include <array>
#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>

#include <asyncrt/detail/group_result.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

namespace detail {

template <std::size_t... I, typename Results>
auto all_values(std::index_sequence<I...>, Results& results) {
  // results = (completion order, error0, value0, error1, value1, ...)
  const auto& order = std::get<0>(results);
  const std::array<std::exception_ptr, sizeof...(I)> errors{std::get<1 + 2 * I>(results)...};
  rethrow_first_error(order, [&](std::size_t i) -> const std::exception_ptr& { return errors[i]; });
  return std::tuple{std::move(std::get<2 + 2 * I>(results))...};
}

}  // namespace detail

/// Runs every task concurrently on the caller's executor (the loop) and resumes the caller
/// there when all have finished. Results come back in argument order, a void task as
/// std::monostate. If one fails, the others are cancelled, when_all waits for them to unwind
/// and rethrows the first failure. Cancelling the caller cancels every child.
template <typename... T>
Task<std::tuple<detail::value_of_t<T>...>> when_all(Task<T>... tasks) {
  auto executor = co_await asio::this_coro::executor;
  auto results =
      co_await asio::experimental::make_parallel_group(detail::child(executor, std::move(tasks))...)
          .async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
  co_return detail::all_values(std::index_sequence_for<T...>{}, results);
}

/// The same for a run-time number of tasks of one type: the results in input order (nothing
/// for void tasks).
template <typename T>
Task<std::conditional_t<std::is_void_v<T>, void, std::vector<T>>> when_all(
    std::vector<Task<T>> tasks) {
  if (tasks.empty()) {
    if constexpr (std::is_void_v<T>) {
      co_return;
    } else {
      co_return std::vector<T>{};
    }
  }
  auto executor = co_await asio::this_coro::executor;
  auto results = co_await asio::experimental::make_parallel_group(detail::children(executor, tasks))
                     .async_wait(asio::experimental::wait_for_one_error(), asio::use_awaitable);
  const auto& errors = std::get<1>(results);
  detail::rethrow_first_error(
      std::get<0>(results), [&](std::size_t i) -> const std::exception_ptr& { return errors[i]; });
  if constexpr (!std::is_void_v<T>) co_return std::move(std::get<2>(results));
}

}  // namespace asyncrt
