#include <asyncrt/timeline.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/core.h>

namespace asyncrt::trace {
namespace {

constexpr double width = 960, label_width = 150, lane_height = 20, lane_gap = 4, top = 44;
constexpr std::string_view palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                        "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"};

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string escape(std::string_view text) {
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

}  // namespace

std::string render_svg(const Timeline& t, std::string_view title) {
  const double total = std::max(ms(t.length), 1e-3);
  const double plot = width - label_width - 36;  // room for the last tick's label
  const double legend_rows = std::ceil(static_cast<double>(t.tasks.size()) / 4);
  const double height =
      top + static_cast<double>(t.lanes.size()) * (lane_height + lane_gap) + 40 + legend_rows * 18;
  auto x_of = [&](Clock::time_point p) { return label_width + ms(p - t.origin) / total * plot; };

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"monospace\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{2}</text>\n",
      width, height, escape(title));

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
    const double y = top + static_cast<double>(l) * (lane_height + lane_gap);
    out += fmt::format("<text x=\"8\" y=\"{:.1f}\"{}>{}</text>\n", y + 14,
                       lane.is_thread ? " font-weight=\"bold\"" : " fill=\"#555\"",
                       escape(lane.name.substr(0, 19)));  // what fits left of the plot
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                       label_width, y, plot, lane_height, lane.is_thread ? "#f4f4f4" : "#fafafa");
    for (std::size_t i : lane.spans) {
      const Span& span = t.spans[i];
      const auto colour = palette[t.task_of[i] % std::size(palette)];
      const double x = x_of(span.start);
      const double w = std::max(x_of(span.end) - x, 0.5);
      std::string style;
      switch (span.kind) {
        case Kind::computing:
          style = fmt::format("fill=\"{}\"", colour);
          break;
        case Kind::waiting:
          style = fmt::format(
              "fill=\"{}\" fill-opacity=\"0.25\" stroke=\"{}\" stroke-dasharray=\"3,2\"", colour,
              colour);
          break;
        case Kind::blocked:
          style = "fill=\"#d62728\" fill-opacity=\"0.35\" stroke=\"#d62728\"";
          break;
      }
      out += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{}\" {}><title>{}: {} {:.2f} "
          "ms{}{}</title></rect>\n",
          x, y + 2, w, lane_height - 4, style, escape(span.task), kind_name(span.kind),
          ms(span.end - span.start), span.thread.empty() ? "" : " on " + escape(span.thread),
          span.via.empty() ? "" : " via " + escape(span.via));
    }
  }

  // Legend: a swatch per task, then the kinds.
  double y = axis_bottom + 16;
  for (std::size_t k = 0; k < t.tasks.size(); ++k) {
    const double x = 8 + static_cast<double>(k % 4) * 235;
    if (k > 0 && k % 4 == 0) y += 18;
    out += fmt::format(
        "<rect x=\"{:.0f}\" y=\"{:.0f}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
        "<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n",
        x, y - 10, palette[k % std::size(palette)], x + 16, y, escape(t.tasks[k].name));
  }
  out += fmt::format(
      "<text x=\"8\" y=\"{:.0f}\" fill=\"#555\">solid: computing on a thread · dashed: waiting "
      "(holds no thread) · red: blocked (lock, semaphore, full channel)</text>\n",
      y + 22);
  out += "</svg>\n";
  return out;
}

}  // namespace asyncrt::trace
