#include "common/progress.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

#include <unistd.h>

#include <fmt/core.h>

#include <asyncrt/terminal.hpp>

namespace asyncrt::demo {

using namespace std::chrono_literals;

Progress::Progress(std::string program, bool enabled, int fd)
    : program_(std::move(program)), enabled_(enabled), fd_(fd) {
  if (enabled_) drawer_ = std::jthread([this](std::stop_token stop) { draw_until_stopped(stop); });
}

Progress::~Progress() {
  if (!enabled_) return;
  drawer_.request_stop();
  drawer_.join();
  finish();
}

void Progress::start(std::string stage, std::size_t total, std::string unit) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  stage_ = std::move(stage);
  unit_ = std::move(unit);
  total_ = total;
  done_.store(0);
  started_ = trace::Clock::now();
  running_ = true;
}

void Progress::finish() {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  running_ = false;
  draw(true);
}

void Progress::draw_until_stopped(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    // A quarter of a second, or less when the destructor asks the thread to stop.
    tick_.wait_for(lock, stop, 250ms, [] { return false; });
    if (running_ && trace::Clock::now() - started_ >= 500ms) draw(false);
  }
}

void Progress::draw(bool erase) {
  // Each line starts with a carriage return: it is drawn over the one before.
  std::string line = "\r";
  if (erase) {
    if (drawn_width_ == 0) return;
    line.append(drawn_width_, ' ');
    line.push_back('\r');
    drawn_width_ = 0;
  } else {
    const std::size_t done = std::min(done_.load(), total_);
    const double seconds = std::chrono::duration<double>(trace::Clock::now() - started_).count();
    const std::string text =
        fmt::format("{}: {}: {} of {} {} ({}%), {:.1f} s", program_, stage_, done, total_, unit_,
                    total_ == 0 ? 100 : done * 100 / total_, seconds);
    // One line less than the terminal's width: a line that wrapped could not be drawn over.
    const std::string_view shown = std::string_view(text).substr(0, terminal::width(fd_) - 1);
    line.append(shown);
    // Spaces over whatever a longer line before left behind.
    if (drawn_width_ > shown.size()) line.append(drawn_width_ - shown.size(), ' ');
    drawn_width_ = shown.size();
  }
  // A terminal that went away is no reason to stop the work: nothing to do on failure.
  [[maybe_unused]] const auto written = ::write(fd_, line.data(), line.size());
}

}  // namespace asyncrt::demo
