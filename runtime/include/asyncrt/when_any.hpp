#pragma once
// when_any: run several tasks concurrently, take the first to finish, cancel the rest.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>

#include <asyncrt/detail/group_result.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

namespace detail {

template <typename Variant, std::size_t... I, typename Results>
Variant first_value(std::index_sequence<I...>, Results& results) {
  // results = (completion order, error0, value0, error1, value1, ...)
  const std::size_t winner = std::get<0>(results)[0];
  std::optional<Variant> value;
  auto take = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
    if (winner != K) return;
    if (const auto& error = std::get<1 + 2 * K>(results)) std::rethrow_exception(error);
    value.emplace(std::in_place_index<K>, std::move(std::get<2 + 2 * K>(results)));
  };
  (take(std::integral_constant<std::size_t, I>{}), ...);
  return std::move(*value);
}

}  // namespace detail

/// Runs every task concurrently on the caller's executor and resumes the caller with the first
/// one to finish, as a variant whose index() says which (a void task gives std::monostate).
/// The others are cancelled and when_any waits for them to unwind before it returns. If the
/// first to finish failed, its exception is rethrown.
template <typename... T>
Task<std::variant<detail::value_of_t<T>...>> when_any(Task<T>... tasks) {
  auto executor = co_await asio::this_coro::executor;
  auto results =
      co_await asio::experimental::make_parallel_group(detail::child(executor, std::move(tasks))...)
          .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  co_return detail::first_value<std::variant<detail::value_of_t<T>...>>(
      std::index_sequence_for<T...>{}, results);
}

/// The same for a run-time number of tasks of one type: the index of the first to finish and
/// its value (only the index for void tasks). Throws std::invalid_argument for no tasks.
template <typename T>
Task<std::conditional_t<std::is_void_v<T>, std::size_t, std::pair<std::size_t, T>>> when_any(
    std::vector<Task<T>> tasks) {
  if (tasks.empty()) throw std::invalid_argument("asyncrt::when_any: no tasks to wait for");
  auto executor = co_await asio::this_coro::executor;
  auto results = co_await asio::experimental::make_parallel_group(detail::children(executor, tasks))
                     .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
  const std::size_t winner = std::get<0>(results)[0];
  if (std::get<1>(results)[winner]) std::rethrow_exception(std::get<1>(results)[winner]);
  if constexpr (std::is_void_v<T>) {
    co_return winner;
  } else {
    co_return std::pair<std::size_t, T>{winner, std::move(std::get<2>(results)[winner])};
  }
}

}  // namespace asyncrt
