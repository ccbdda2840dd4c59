#pragma once
// Channel: a bounded queue between tasks (the lesson's Queue(maxsize=10)).

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>
#include <asyncrt/trace.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>

namespace asyncrt {

/// Thrown by Channel::send() once the channel is closed.
class ChannelClosed : public std::runtime_error {
 public:
  ChannelClosed() : std::runtime_error("asyncrt: send on a closed channel") {}
};

/// A first-in, first-out queue of at most `capacity` values. send() suspends the producer
/// while the channel is full — that is back-pressure: a slow consumer slows the producer down
/// instead of letting the queue grow. receive() suspends the consumer while it is empty.
/// close() ends the stream: senders get ChannelClosed, receivers still get every value already
/// in the channel and then std::nullopt. Nothing sent successfully is lost.
///
/// Threads: use it from tasks on one loop; it is not thread-safe. A woken task resumes on its
/// own executor after the task that woke it has gone on.
/// Cancellation: a task cancelled while waiting in send() or receive() wakes with
/// `operation_aborted`; its value was not sent (or none was taken), and the channel stays
/// usable.
template <typename T>
class Channel {
 public:
  explicit Channel(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw std::invalid_argument("asyncrt::Channel: capacity must be at least 1");
  }

  /// Waits for room, then puts `value` at the back. Throws ChannelClosed if closed.
  Task<void> send(T value) {
    while (buffer_.size() >= capacity_ && !closed_) {
      trace::Suspension blocked(trace::Kind::blocked);  // back-pressure: the channel is full
      co_await not_full_.async_wait();
    }
    if (closed_) throw ChannelClosed();
    buffer_.push_back(std::move(value));
    not_empty_.wake_one();
  }

  /// Puts `value` at the back if there is room now; false (value untouched) otherwise.
  bool try_send(T& value) {
    if (closed_ || buffer_.size() >= capacity_) return false;
    buffer_.push_back(std::move(value));
    not_empty_.wake_one();
    return true;
  }

  /// Waits for a value and takes it from the front; std::nullopt once closed and drained.
  Task<std::optional<T>> receive() {
    while (buffer_.empty() && !closed_) {
      trace::Suspension waiting(trace::Kind::waiting);
      co_await not_empty_.async_wait();
    }
    co_return try_receive();
  }

  /// Takes the front value if there is one now.
  std::optional<T> try_receive() {
    if (buffer_.empty()) return std::nullopt;
    std::optional<T> value(std::move(buffer_.front()));
    buffer_.pop_front();
    not_full_.wake_one();
    return value;
  }

  /// No more sends; waiting senders get ChannelClosed, receivers drain what is left.
  void close() {
    closed_ = true;
    not_full_.wake_all();
    not_empty_.wake_all();
  }

  bool closed() const noexcept { return closed_; }
  std::size_t size() const noexcept { return buffer_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<T> buffer_;
  bool closed_ = false;
  // A woken task checks again (another may have taken the room or the value first).
  detail::WaitQueue not_full_;
  detail::WaitQueue not_empty_;
};

}  // namespace asyncrt
