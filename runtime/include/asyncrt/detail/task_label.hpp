#pragma once
// TaskLabel: a task's name, shared by every copy of the task's executor, and TaskLabels, the
// table of one Runtime's labels.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace asyncrt {
class StallDetector;
}

namespace asyncrt::detail {

/// The name of a task and what watches it. Read by the loop thread while the task's handlers
/// run (stall detector, tracer); never changed once made.
struct TaskLabel {
  std::string name;
  StallDetector* detector;  // null when stalls are not watched
  bool traced;              // record the task's handlers as spans (a trace::Recording was on)
  bool counted;             // freed by its last TaskLabelRef; otherwise TaskLabels owns it
  std::atomic<std::size_t> refs{1};  // counted labels only
};

/// Handle to a TaskLabel, one pointer wide, so an executor that carries it still fits in
/// `any_io_executor`'s small buffer and copying the executor never allocates. A label that
/// belongs to a TaskLabels table is only pointed at: Asio copies a task's executor a dozen
/// times per task, on any thread, and such a copy then touches no shared counter. A counted
/// label (made when the table was full) is reference-counted, like a shared_ptr.
class TaskLabelRef {
 public:
  /// No label.
  TaskLabelRef() noexcept : label_(nullptr) {}
  /// A new counted label.
  TaskLabelRef(std::string name, StallDetector* detector, bool traced)
      : label_(new TaskLabel{std::move(name), detector, traced, true}) {}
  /// A label that outlives every handle to it (one in a TaskLabels table).
  explicit TaskLabelRef(TaskLabel& owned) noexcept : label_(&owned) {}
  TaskLabelRef(const TaskLabelRef& other) noexcept : label_(other.label_) { retain(); }
  TaskLabelRef(TaskLabelRef&& other) noexcept : label_(std::exchange(other.label_, nullptr)) {}
  TaskLabelRef& operator=(TaskLabelRef other) noexcept {
    std::swap(label_, other.label_);
    return *this;
  }
  ~TaskLabelRef() { release(); }

  explicit operator bool() const noexcept { return label_ != nullptr; }
  const TaskLabel& operator*() const noexcept { return *label_; }
  friend bool operator==(const TaskLabelRef& a, const TaskLabelRef& b) noexcept {
    return a.label_ == b.label_;
  }

 private:
  void retain() noexcept {
    if (label_ && label_->counted) label_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (label_ && label_->counted && label_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete label_;
  }
  TaskLabel* label_;
};

/// One Runtime's task labels, one per name (and per traced or not): every task called
/// "customer" shares one label, which lives as long as the table (the Runtime). A program that
/// names its tasks all differently would make the table grow without end, so past `limit`
/// names a new name gets a counted label of its own instead (freed with the task's last
/// executor).
///
/// Threads: label() may be called from any thread (a mutex guards the table); the labels it
/// hands out are never changed.
class TaskLabels {
 public:
  static constexpr std::size_t limit = 4096;

  explicit TaskLabels(StallDetector* detector) noexcept : detector_(detector) {}
  TaskLabels(const TaskLabels&) = delete;
  TaskLabels& operator=(const TaskLabels&) = delete;

  /// The label for `name`, watched by this table's detector.
  TaskLabelRef label(std::string_view name, bool traced);

 private:
  StallDetector* detector_;  // null when stalls are not watched
  std::mutex mutex_;
  std::unordered_map<std::string_view, std::unique_ptr<TaskLabel>> tables_[2];
  std::size_t size_ = 0;
};

}  // namespace asyncrt::detail
