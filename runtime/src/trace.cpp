#include <asyncrt/trace.hpp>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <fmt/core.h>

#include <asyncrt/detail/task_frame.hpp>

namespace asyncrt::trace {

std::atomic<bool> detail::recording{false};

namespace {

struct Store {
  std::mutex mutex;
  bool active = false;  // a Recording exists (recording may already be off: finished)
  std::vector<Span> spans;
  std::size_t max_spans = 0;
  std::size_t dropped = 0;
  std::map<std::string, std::size_t, std::less<>> per_prefix;  // thread names handed out
};

Store& store() {
  static Store instance;  // never destroyed before threads that may still record
  return instance;
}

thread_local std::string thread_name;

std::vector<Span> by_start(std::vector<Span> spans) {
  std::stable_sort(spans.begin(), spans.end(),
                   [](const Span& a, const Span& b) { return a.start < b.start; });
  return spans;
}

}  // namespace

std::string_view kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::computing:
      return "computing";
    case Kind::waiting:
      return "waiting";
    case Kind::blocked:
      return "blocked";
  }
  return "?";
}

Recording::Recording(std::size_t max_spans) : origin_(Clock::now()) {
  auto& s = store();
  std::lock_guard lock(s.mutex);
  if (s.active) throw std::logic_error("asyncrt::trace: a Recording is already on");
  s.active = true;
  s.spans.clear();
  s.max_spans = max_spans;
  s.dropped = 0;
  detail::recording.store(true);
}

Recording::~Recording() {
  if (!finished_) finish();
  auto& s = store();
  std::lock_guard lock(s.mutex);
  s.active = false;
}

std::vector<Span> Recording::finish() {
  auto& s = store();
  std::vector<Span> spans;
  {
    std::lock_guard lock(s.mutex);
    detail::recording.store(false);
    finished_ = true;
    spans.swap(s.spans);
  }
  return by_start(std::move(spans));
}

std::vector<Span> Recording::snapshot() const {
  auto& s = store();
  std::vector<Span> spans;
  {
    std::lock_guard lock(s.mutex);
    spans = s.spans;
  }
  return by_start(std::move(spans));
}

std::size_t Recording::dropped() const noexcept {
  auto& s = store();
  std::lock_guard lock(s.mutex);
  return s.dropped;
}

void record(Span span) noexcept {
  if (!enabled()) return;
  auto& s = store();
  std::lock_guard lock(s.mutex);
  if (!detail::recording.load(std::memory_order_relaxed)) return;  // finished meanwhile
  if (s.spans.size() >= s.max_spans) {
    ++s.dropped;
    return;
  }
  try {
    s.spans.push_back(std::move(span));
  } catch (const std::bad_alloc&) {
    ++s.dropped;
  }
}

void detail::drop_span() noexcept {
  auto& s = store();
  std::lock_guard lock(s.mutex);
  if (detail::recording.load(std::memory_order_relaxed)) ++s.dropped;
}

void name_this_thread(std::string name) {
  thread_name = std::move(name);
}

void name_this_thread_once(std::string_view prefix) {
  if (!thread_name.empty()) return;
  auto& s = store();
  std::size_t n = 0;
  {
    std::lock_guard lock(s.mutex);
    auto it = s.per_prefix.find(prefix);
    if (it == s.per_prefix.end()) it = s.per_prefix.emplace(std::string(prefix), 0).first;
    n = ++it->second;
  }
  thread_name = fmt::format("{}-{}", prefix, n);
}

const std::string& this_thread_name() {
  if (thread_name.empty()) name_this_thread_once("thread");
  return thread_name;
}

std::string_view current_task() noexcept {
  const auto* label = asyncrt::detail::current_task_label();
  return label ? std::string_view(label->name) : std::string_view();
}

void detail::OpenSpan::open(std::string task, Kind kind, std::string thread, std::string via) {
  span_ = std::make_unique<Span>(
      Span{std::move(task), kind, std::move(thread), std::move(via), Clock::now(), {}});
}

detail::OpenSpan::~OpenSpan() {
  if (!span_) return;
  span_->end = Clock::now();
  record(std::move(*span_));
}

Scope::Scope(std::string task, Kind kind, std::string via) {
  if (enabled()) span_.open(std::move(task), kind, this_thread_name(), std::move(via));
}

Suspension::Suspension(Kind kind) {
  if (enabled()) span_.open(std::string(current_task()), kind, {}, {});
}

Suspension::Suspension(std::string task, Kind kind) {
  if (enabled()) span_.open(std::move(task), kind, {}, {});
}

}  // namespace asyncrt::trace
