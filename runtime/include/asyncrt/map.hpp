#pragma once
// map and for_each: apply a function to every item with at most N in flight (map: the results,
// in input order).

#include <atomic>
#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <asyncrt/offload.hpp>
#include <asyncrt/task.hpp>
#include <asyncrt/when_all.hpp>

namespace asyncrt {

namespace detail {

template <typename T>
struct task_value {};
template <typename T>
struct task_value<Task<T>> {
  using type = T;
};

// fn(item), or fn(item, stop_token) for a plain function that watches for cancellation.
template <typename Fn, typename Item, bool = std::is_invocable_v<Fn&, const Item&, std::stop_token>>
struct fn_result {
  using type = std::invoke_result_t<Fn&, const Item&>;
};
template <typename Fn, typename Item>
struct fn_result<Fn, Item, true> {
  using type = std::invoke_result_t<Fn&, const Item&, std::stop_token>;
};
template <typename Fn, typename Item>
using fn_result_t = typename fn_result<Fn, Item>::type;

template <typename Fn, typename Item>
constexpr bool returns_task = requires {
  typename task_value<fn_result_t<Fn, Item>>::type;
};

/// What map yields per item: the task's value, or the plain function's result.
template <typename Fn, typename Item>
using map_value_t =
    typename std::conditional_t<returns_task<Fn, Item>, task_value<fn_result_t<Fn, Item>>,
                                std::type_identity<fn_result_t<Fn, Item>>>::type;

// Shared by the workers of one map (R: the result type) or for_each (R = void: no results);
// it lives in the caller's frame, which outlives them.
template <typename Fn, typename Item, typename R>
struct MapState {
  Fn& fn;
  std::vector<Item> items;
  std::vector<std::optional<std::conditional_t<std::is_void_v<R>, std::monostate, R>>> results{};
  std::atomic<std::size_t> next{0};
};

// One worker: takes the next item until none is left.
template <typename Fn, typename Item, typename R>
Task<void> map_worker(MapState<Fn, Item, R>& state) {
  for (;;) {
    const std::size_t i = state.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= state.items.size()) co_return;
    const Item& item = state.items[i];
    if constexpr (returns_task<Fn, Item>) {
      if constexpr (std::is_void_v<R>) {
        co_await std::invoke(state.fn, item);
      } else {
        state.results[i].emplace(co_await std::invoke(state.fn, item));
      }
    } else {
      // On the pool; a function that takes a std::stop_token gets the offload's, so it can
      // stop early when the map is cancelled.
      auto call = [&state, &item](std::stop_token stop) {
        if constexpr (std::is_invocable_v<Fn&, const Item&, std::stop_token>) {
          return state.fn(item, std::move(stop));
        } else {
          return state.fn(item);
        }
      };
      if constexpr (std::is_void_v<R>) {
        co_await offload(std::move(call));
      } else {
        state.results[i].emplace(co_await offload(std::move(call)));
      }
    }
  }
}

// Runs min(max_concurrency, items) workers and waits for them all.
template <typename Fn, typename Item, typename R>
Task<void> run_workers(MapState<Fn, Item, R>& state, std::size_t max_concurrency,
                       const char* operation) {
  if (max_concurrency == 0) {
    throw std::invalid_argument(std::string("asyncrt::") + operation +
                                ": max_concurrency must be at least 1 (got 0)");
  }
  std::vector<Task<void>> workers;
  for (std::size_t w = 0; w < std::min(max_concurrency, state.items.size()); ++w) {
    workers.push_back(map_worker(state));
  }
  co_await when_all(std::move(workers));
}

}  // namespace detail

/// Python's `Executor.map`: applies `fn` to every item of `items` with at most
/// `max_concurrency` calls in flight at once, and returns the results in input order.
///
/// `fn` either returns a Task (it is awaited on the caller's executor, the loop) or is a plain
/// function (it is offloaded to the current Runtime's CPU pool; if it takes a second
/// parameter, a std::stop_token, it can notice cancellation while it runs). The caller resumes on
/// its own executor. If a call fails, the calls in flight are cancelled, the rest are not started,
/// and the first failure is rethrown. Throws std::invalid_argument when max_concurrency is 0.
/// For work without results, for_each.
template <typename Fn, std::ranges::input_range Items>
Task<std::vector<detail::map_value_t<Fn, std::ranges::range_value_t<Items>>>> map(
    Fn fn, Items items, std::size_t max_concurrency) {
  using Item = std::ranges::range_value_t<Items>;
  using R = detail::map_value_t<Fn, Item>;
  static_assert(!std::is_void_v<R>,
                "asyncrt::map needs a function that returns a value; "
                "use for_each for work without one");
  detail::MapState<Fn, Item, R> state{fn, {std::ranges::begin(items), std::ranges::end(items)}};
  state.results.resize(state.items.size());
  co_await detail::run_workers(state, max_concurrency, "map");

  std::vector<R> results;
  results.reserve(state.results.size());
  for (auto& result : state.results) results.push_back(std::move(*result));
  co_return results;
}

/// map without results: applies `fn` to every item with at most `max_concurrency` calls in
/// flight, and resumes the caller when all are done (a value `fn` returns is dropped). Threads,
/// cancellation and failures as for map.
template <typename Fn, std::ranges::input_range Items>
Task<void> for_each(Fn fn, Items items, std::size_t max_concurrency) {
  using Item = std::ranges::range_value_t<Items>;
  detail::MapState<Fn, Item, void> state{fn, {std::ranges::begin(items), std::ranges::end(items)}};
  co_await detail::run_workers(state, max_concurrency, "for_each");
}

}  // namespace asyncrt
