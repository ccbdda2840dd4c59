#include "common/timelines.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <unistd.h>
#include <fmt/core.h>

#include <asyncrt/terminal.hpp>
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

}  // namespace

Timelines::Timelines(const Cli& cli) : cli_(cli), section_start_(trace::Clock::now()) {
  trace::name_this_thread("main");
  if (cli.timeline() || cli.svg_path() || cli.trace_path()) {
    recording_.emplace();
    section_start_ = recording_->origin();
  }
}

trace::Timeline Timelines::layout(std::vector<trace::Span> spans, const Section& section) const {
  std::vector<trace::Span> inside;
  for (auto& span : spans) {
    if (span.end >= section.start && span.start <= section.end) inside.push_back(std::move(span));
  }
  return trace::Timeline::layout(std::move(inside), section.start);
}

void Timelines::show(std::string_view title) {
  if (!recording_) return;
  sections_.push_back({std::string(title), section_start_, trace::Clock::now()});
  if (!cli_.timeline()) return;
  const auto timeline = layout(recording_->snapshot(), sections_.back());
  std::fflush(stdout);
  fmt::print("\ntimeline: {}\n{}\n", title,
             trace::render_text(timeline, terminal::text_style(STDOUT_FILENO, cli_.colour())));
  std::fflush(stdout);
}

void Timelines::finish(std::string_view title) {
  if (!recording_) return;
  const auto origin = recording_->origin();
  const auto spans = recording_->finish();
  if (auto path = cli_.svg_path()) {
    std::vector<trace::TimelinePanel> panels;
    for (const auto& section : sections_) panels.push_back({section.title, layout(spans, section)});
    if (panels.empty()) panels.push_back({"", trace::Timeline::layout(spans, origin)});
    write_file(*path, trace::render_svg(panels, title));
  }
  if (auto path = cli_.trace_path()) {
    write_file(*path, trace::render_chrome_trace(trace::Timeline::layout(spans, origin)));
  }
}

}  // namespace asyncrt::demo
