#include <asyncrt/timeline.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/core.h>

#include "display_text.hpp"

namespace asyncrt::trace {
namespace {

constexpr double width = 960, lane_height = 20, lane_gap = 4, axis_room = 30, char_width = 7.3;
constexpr double legend_row = 18, legend_columns = 4, legend_column_width = 235, panel_gap = 24;

// The room left of the plot for lane names: as wide as the longest, between these.
constexpr double narrowest_label = 150, widest_label = 280;

// Task k's colour: hues a golden angle apart, so neighbours differ and none repeats soon.
std::string colour_of(std::size_t k) {
  const double hue = std::fmod(static_cast<double>(k) * 137.508, 360.0);
  const double lightness = k % 2 == 0 ? 0.42 : 0.55, saturation = 0.65;
  // HSL to RGB.
  const double chroma = (1 - std::abs(2 * lightness - 1)) * saturation;
  const double h = hue / 60;
  const double x = chroma * (1 - std::abs(std::fmod(h, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  if (h < 1) {
    r = chroma, g = x;
  } else if (h < 2) {
    r = x, g = chroma;
  } else if (h < 3) {
    g = chroma, b = x;
  } else if (h < 4) {
    g = x, b = chroma;
  } else if (h < 5) {
    r = x, b = chroma;
  } else {
    r = chroma, b = x;
  }
  const double m = lightness - chroma / 2;
  auto byte = [m](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b));
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Any text as XML character data: printable UTF-8 (detail::printable), then & < > " escaped.
std::string escape(std::string_view any) {
  const std::string text = detail::printable(any);
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A round step for the time axis: about eight ticks.
double tick_step(double total_ms) {
  const double raw = std::max(total_ms, 1e-3) / 8;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * magnitude) return m * magnitude;
  }
  return 10 * magnitude;
}

// Draws `t` from height `y` down (under `heading`, if any) and returns where it ends.
double draw_panel(std::string& out, const Timeline& t, std::string_view heading, double y) {
  if (!heading.empty()) {
    out +=
        fmt::format("<text x=\"8\" y=\"{:.0f}\" font-size=\"13\" font-weight=\"bold\">{}</text>\n",
                    y + 14, escape(heading));
    y += 20;
  }
  std::size_t longest = 0;
  for (const auto& lane : t.lanes) longest = std::max(longest, detail::display_width(lane.name));
  const double label_width =
      std::clamp(static_cast<double>(longest) * char_width + 16, narrowest_label, widest_label);
  const double total = std::max(ms(t.length), 1e-3);
  const double plot = width - label_width - 36;  // room for the last tick's label
  const double top = y + axis_room;
  auto x_of = [&](Clock::time_point p) { return label_width + ms(p - t.origin) / total * plot; };

  // Time axis with round ticks.
  const double step = tick_step(total);
  const double axis_bottom = top + static_cast<double>(t.lanes.size()) * (lane_height + lane_gap);
  for (double at = 0; at <= total + 1e-9; at += step) {
    const double x = label_width + at / total * plot;
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" fill=\"#555\">{4:g} ms</text>\n",
        x, top - 6, axis_bottom, top - 10, at);
  }

  for (std::size_t l = 0; l < t.lanes.size(); ++l) {
    const auto& lane = t.lanes[l];
    const double lane_y = top + static_cast<double>(l) * (lane_height + lane_gap);
    const auto fits = static_cast<std::size_t>((label_width - 16) / char_width);
    out += fmt::format("<text x=\"8\" y=\"{:.1f}\"{}>{}</text>\n", lane_y + 14,
                       lane.is_thread ? " font-weight=\"bold\"" : " fill=\"#555\"",
                       escape(detail::fit_width(lane.name, fits)));
    out +=
        fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                    label_width, lane_y, plot, lane_height, lane.is_thread ? "#f4f4f4" : "#fafafa");
    for (std::size_t i : lane.spans) {
      const Span& span = t.spans[i];
      const auto colour = colour_of(t.task_of[i]);
      const double x = x_of(span.start);
      const double w = std::max(x_of(span.end) - x, 0.5);
      std::string style;
      switch (span.kind) {
        case Kind::computing:
          style = fmt::format("fill=\"{}\"", colour);
          break;
        case Kind::waiting:
          // On a thread: the thread sleeps for the task, holding it. Off one: the task waits
          // and holds no thread.
          style = span.thread.empty()
                      ? fmt::format(
                            "fill=\"{0}\" fill-opacity=\"0.2\" stroke=\"{0}\" "
                            "stroke-dasharray=\"3,2\"",
                            colour)
                      : fmt::format("fill=\"{0}\" fill-opacity=\"0.45\" stroke=\"{0}\"", colour);
          break;
        case Kind::blocked:
          style = "fill=\"#d62728\" fill-opacity=\"0.35\" stroke=\"#d62728\"";
          break;
      }
      out += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{}\" {}><title>{}: {} {:.2f} "
          "ms{}{}</title></rect>\n",
          x, lane_y + 2, w, lane_height - 4, style, escape(span.task),
          span.kind == Kind::waiting && !span.thread.empty() ? "sleeping" : kind_name(span.kind),
          ms(span.end - span.start), span.thread.empty() ? "" : " on " + escape(span.thread),
          span.via.empty() ? "" : " via " + escape(span.via));
    }
  }

  // Legend: a swatch per task, then the kinds.
  double legend_y = axis_bottom + 16;
  for (std::size_t k = 0; k < t.tasks.size(); ++k) {
    const auto column = static_cast<double>(k % static_cast<std::size_t>(legend_columns));
    if (k > 0 && column == 0) legend_y += legend_row;
    const double x = 8 + column * legend_column_width;
    const auto fits = static_cast<std::size_t>((legend_column_width - 24) / char_width);
    out += fmt::format(
        "<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
        "<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n",
        x, legend_y - 10, colour_of(k), x + 16, legend_y,
        escape(detail::fit_width(t.tasks[k].name, fits)));
  }
  out += fmt::format(
      "<text x=\"8\" y=\"{:.0f}\" fill=\"#555\">solid: computing on a thread · pale, solid edge: "
      "the thread sleeps for the task (holds it) · dashed: the task waits (holds no thread) · "
      "red: blocked</text>\n",
      legend_y + 22);
  return legend_y + 22;
}

}  // namespace

std::string render_svg(const std::vector<TimelinePanel>& panels, std::string_view title) {
  std::string body;
  double y = 28;
  for (const auto& panel : panels) y = draw_panel(body, panel.timeline, panel.title, y) + panel_gap;
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0} {1:.0f}\" font-family=\"monospace\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{2}</text>\n{3}</svg>\n",
      width, y, escape(title), body);
}

std::string render_svg(const Timeline& t, std::string_view title) {
  std::vector<TimelinePanel> one;
  one.push_back({"", t});
  return render_svg(one, title);
}

}  // namespace asyncrt::trace
