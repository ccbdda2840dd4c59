#include "common/timelines.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <unistd.h>
#include <fmt/core.h>

#include <asyncrt/timeline.hpp>

namespace asyncrt::demo {
namespace {

void write_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::filesystem::remove(temporary);
      throw std::runtime_error(fmt::format("cannot write '{}'", path));
    }
  }
  std::filesystem::rename(temporary, path);
}

bool colour_terminal() {
  return ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
}

}  // namespace

Timelines::Timelines(const Cli& cli) : cli_(cli), section_start_(trace::Clock::now()) {
  trace::name_this_thread("main");
  if (cli.timeline() || cli.svg_path() || cli.trace_path()) {
    recording_.emplace();
    section_start_ = recording_->origin();
  }
}

void Timelines::show(std::string_view title) const {
  if (!recording_ || !cli_.timeline()) return;
  std::vector<trace::Span> spans;
  for (auto& span : recording_->snapshot()) {
    if (span.end >= section_start_) spans.push_back(std::move(span));
  }
  const auto timeline = trace::Timeline::layout(std::move(spans), section_start_);
  std::fflush(stdout);
  fmt::print("\ntimeline: {}\n{}\n", title,
             trace::render_text(timeline, trace::TextStyle{80, colour_terminal()}));
  std::fflush(stdout);
}

void Timelines::finish(std::string_view title) {
  if (!recording_) return;
  const auto origin = recording_->origin();
  const auto timeline = trace::Timeline::layout(recording_->finish(), origin);
  if (auto path = cli_.svg_path()) write_file(*path, trace::render_svg(timeline, title));
  if (auto path = cli_.trace_path()) write_file(*path, trace::render_chrome_trace(timeline));
}

}  // namespace asyncrt::demo
