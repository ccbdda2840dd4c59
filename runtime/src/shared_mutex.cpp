#include <asyncrt/shared_mutex.hpp>

#include <asyncrt/trace.hpp>

namespace asyncrt {

std::optional<SharedMutex::Lock> SharedMutex::try_lock() {
  if (writer_ || readers_ > 0 || !waiting_writers_.empty()) return std::nullopt;
  writer_ = true;
  return Lock(*this);
}

std::optional<SharedMutex::SharedLock> SharedMutex::try_lock_shared() {
  if (writer_ || !waiting_writers_.empty()) return std::nullopt;  // a waiting writer goes first
  ++readers_;
  return SharedLock(*this);
}

Task<SharedMutex::Lock> SharedMutex::lock() {
  if (auto lock = try_lock()) co_return std::move(*lock);
  trace::Suspension blocked(trace::Kind::blocked);
  co_await waiting_writers_.async_wait(asio::deferred);  // writer_ was set for us
  co_return Lock(*this);
}

Task<SharedMutex::SharedLock> SharedMutex::lock_shared() {
  if (auto lock = try_lock_shared()) co_return std::move(*lock);
  trace::Suspension blocked(trace::Kind::blocked);
  co_await waiting_readers_.async_wait(asio::deferred);  // readers_ counts us already
  co_return SharedLock(*this);
}

void SharedMutex::release() noexcept {
  writer_ = false;
  if (!waiting_readers_.empty()) {  // every reader that waited through this writer goes in
    readers_ += waiting_readers_.size();
    waiting_readers_.wake_all();
  } else if (!waiting_writers_.empty()) {
    writer_ = true;
    waiting_writers_.wake_one();
  }
}

void SharedMutex::release_shared() noexcept {
  if (--readers_ == 0 && !waiting_writers_.empty()) {
    writer_ = true;
    waiting_writers_.wake_one();
  }
}

}  // namespace asyncrt
