#pragma once
// WatchedExecutor: an executor adaptor that runs each handler as a named task's (stall
// detector, tracer).

#include <type_traits>
#include <utility>

#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include <asyncrt/detail/task_frame.hpp>
#include <asyncrt/detail/task_label.hpp>

namespace asyncrt::detail {

namespace asio = boost::asio;

/// Wraps the loop's executor for one task. Every resumption of the task's coroutine goes
/// through `execute`, so timing it there measures exactly how long the task held the loop
/// between two `co_await`s. All properties (blocking, outstanding work, context, ...) are
/// forwarded to the wrapped executor, which keeps its meaning.
template <typename Inner>
class WatchedExecutor {
 public:
  WatchedExecutor(Inner inner, TaskLabelRef label) noexcept
      : inner_(std::move(inner)), label_(std::move(label)) {}

  template <typename Property>
  requires asio::can_query<const Inner&, const Property&>::value decltype(auto) query(
      const Property& property) const noexcept {
    return asio::query(inner_, property);
  }

  template <typename Property>
  requires asio::can_require<const Inner&, const Property&>::value auto require(
      const Property& property) const {
    return rewrap(asio::require(inner_, property));
  }

  template <typename Property>
  requires asio::can_prefer<const Inner&, const Property&>::value auto prefer(
      const Property& property) const {
    return rewrap(asio::prefer(inner_, property));
  }

  template <typename Function>
  void execute(Function&& function) const {
    inner_.execute([function = std::forward<Function>(function), label = label_]() mutable {
      run_in_task(*label, function);
    });
  }

  friend bool operator==(const WatchedExecutor& a, const WatchedExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.label_ == b.label_;
  }

 private:
  template <typename Other>
  WatchedExecutor<std::decay_t<Other>> rewrap(Other&& other) const {
    return {std::forward<Other>(other), label_};
  }

  Inner inner_;
  TaskLabelRef label_;
};

}  // namespace asyncrt::detail
