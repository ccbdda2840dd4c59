#pragma once
// TaskLabel: a task's name, shared by every copy of the task's executor.

#include <atomic>
#include <cstddef>
#include <string>
#include <utility>

namespace asyncrt {
class StallDetector;
}

namespace asyncrt::detail {

/// The name of a spawned task and the detector that watches it. Reference-counted by hand so a
/// handle is one pointer: an executor that carries it still fits in `any_io_executor`'s small
/// buffer, so copying the executor never allocates.
struct TaskLabel {
  std::string name;
  StallDetector* detector;  // null when stalls are not watched
  bool traced;              // record the task's handlers as spans (a trace::Recording was on)
  std::atomic<std::size_t> refs{1};
};

/// Owning handle to a TaskLabel (like a shared_ptr, one pointer wide).
class TaskLabelRef {
 public:
  TaskLabelRef(std::string name, StallDetector* detector, bool traced)
      : label_(new TaskLabel{std::move(name), detector, traced}) {}
  TaskLabelRef(const TaskLabelRef& other) noexcept : label_(other.label_) { retain(); }
  TaskLabelRef(TaskLabelRef&& other) noexcept : label_(std::exchange(other.label_, nullptr)) {}
  TaskLabelRef& operator=(TaskLabelRef other) noexcept {
    std::swap(label_, other.label_);
    return *this;
  }
  ~TaskLabelRef() { release(); }

  const TaskLabel& operator*() const noexcept { return *label_; }
  friend bool operator==(const TaskLabelRef& a, const TaskLabelRef& b) noexcept {
    return a.label_ == b.label_;
  }

 private:
  void retain() noexcept {
    if (label_) label_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (label_ && label_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete label_;
  }
  TaskLabel* label_;
};

}  // namespace asyncrt::detail
