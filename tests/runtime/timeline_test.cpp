// Test that the header is self-contained.
#include <asyncrt/timeline.hpp>

#include <gtest/gtest.h>

#include "support/json.hpp"

#include <regex>
#include <set>
#include <sstream>

namespace asyncrt::trace {
namespace {

using namespace std::chrono_literals;

// Two cooks and one bowl that waits: A computes on "loop" 0-40 ms, B on "cpu-1" 40-80 ms,
// A waits (no thread) 40-100 ms.
Timeline sample() {
  const auto t0 = Clock::now();
  std::vector<Span> spans{
      {"boil \"water\" <1>", Kind::computing, "loop", {}, t0, t0 + 40ms},
      {"prep", Kind::computing, "cpu-1", "strand", t0 + 40ms, t0 + 80ms},
      {"boil \"water\" <1>", Kind::waiting, {}, {}, t0 + 40ms, t0 + 100ms},
  };
  return Timeline::layout(std::move(spans), t0);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Timeline, LayoutPutsThreadLanesFirstThenSuspendedTasks) {
  const auto t = sample();
  ASSERT_EQ(t.lanes.size(), 3u);
  EXPECT_EQ(t.lanes[0].name, "loop");
  EXPECT_EQ(t.lanes[1].name, "cpu-1");
  EXPECT_FALSE(t.lanes[2].is_thread);
  ASSERT_EQ(t.tasks.size(), 2u);
  EXPECT_EQ(t.tasks[0].symbol, 'A');
  EXPECT_EQ(t.tasks[1].symbol, 'B');
  EXPECT_EQ(t.length, 100ms);
}

TEST(Timeline, TextLanesFitTheWidthAndShowWhoRanWhen) {
  const auto text = render_text(sample(), TextStyle{80, false});
  const auto rows = lines(text);
  for (const auto& row : rows) EXPECT_LE(row.size(), 80u) << row;
  // The labels are as wide as " A boil \"water\" <1> " (20), which leaves 58 columns over
  // 100 ms: A fills the first 40%, B the next 40% of its lane.
  const std::regex loop(R"(^loop {16}\|A{23,24}'?\.{33,35}\|$)");
  const std::regex cpu(R"(^cpu-1 {15}\|\.{23,24}B{23,25}'?\.{10,12}\|$)");
  const std::regex waits(R"(^ A boil "water" <1> \| {23,24}~{34,35}\|$)");
  EXPECT_TRUE(std::regex_match(rows.at(1), loop)) << text;
  EXPECT_TRUE(std::regex_match(rows.at(2), cpu)) << text;
  EXPECT_TRUE(std::regex_match(rows.at(3), waits)) << text;
  EXPECT_NE(text.find("100 ms|"), std::string::npos) << text;
  EXPECT_NE(text.find("B=prep"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);  // no colour unless asked
  EXPECT_NE(render_text(sample(), TextStyle{80, true}).find("\x1b["), std::string::npos);
}

// Labels widen for long names ("echo-connection" whole), up to 24 columns; longer names are
// cut, ending with an ellipsis, and every line still fits the width (in columns: the ellipsis
// is one column, three bytes).
TEST(Timeline, LabelsShowLongNamesWholeUpToALimit) {
  const auto t0 = Clock::now();
  const std::string longest(40, 'x');
  std::vector<Span> spans{
      {"echo-connection", Kind::waiting, {}, {}, t0, t0 + 10ms},
      {"RetrieveDish", Kind::computing, "main", {}, t0, t0 + 10ms},
  };
  const auto text = render_text(Timeline::layout(spans, t0), TextStyle{80, false});
  EXPECT_NE(text.find(" A echo-connection |"), std::string::npos) << text;
  spans.push_back({longest, Kind::waiting, {}, {}, t0, t0 + 5ms});
  const auto cut = render_text(Timeline::layout(std::move(spans), t0), TextStyle{80, false});
  EXPECT_NE(cut.find(" C " + std::string(19, 'x') + "… |"), std::string::npos) << cut;
  const std::string ellipsis = "…";
  for (const auto& row : lines(cut)) {
    const bool cut_here = row.find(ellipsis) != std::string::npos;
    EXPECT_LE(row.size() - (cut_here ? ellipsis.size() - 1 : 0), 80u) << row;
  }
}

// A thread that sleeps for a task (it holds the thread) is drawn unlike a task that waits
// holding none: solid edge vs dashed; every task of many has a colour of its own; panels carry
// their titles.
TEST(Timeline, SvgTellsASleepingThreadFromAWaitingTaskAndDrawsPanels) {
  const auto t0 = Clock::now();
  std::vector<Span> spans{
      {"cook", Kind::waiting, "cook-1", {}, t0, t0 + 10ms},  // the thread sleeps
      {"bowl", Kind::waiting, {}, {}, t0, t0 + 10ms},        // the task waits
  };
  const auto svg = render_svg(Timeline::layout(spans, t0), "t");
  const std::regex sleeping(R"(<rect [^>]*fill-opacity="0.45" stroke="#[0-9a-f]{6}"><title>cook: )"
                            R"(sleeping 10\.00 ms on cook-1<)");
  const std::regex waiting(R"(<rect [^>]*stroke-dasharray="3,2"><title>bowl: waiting 10\.00 ms<)");
  EXPECT_TRUE(std::regex_search(svg, sleeping)) << svg;
  EXPECT_TRUE(std::regex_search(svg, waiting)) << svg;
  EXPECT_NE(svg.find("the thread sleeps for the task (holds it)"), std::string::npos);
  EXPECT_NE(svg.find("the task waits (holds no thread)"), std::string::npos);

  std::vector<Span> many;
  for (int k = 0; k < 24; ++k) {
    many.push_back({"task-" + std::to_string(k),
                    Kind::computing,
                    "loop",
                    {},
                    t0 + k * 1ms,
                    t0 + (k + 1) * 1ms});
  }
  std::vector<TimelinePanel> panels;
  panels.push_back({"first <panel>", Timeline::layout(many, t0)});
  panels.push_back({"second", Timeline::layout(std::move(spans), t0)});
  const auto two = render_svg(panels, "both");
  EXPECT_NE(two.find(">first &lt;panel&gt;</text>"), std::string::npos) << two;
  EXPECT_NE(two.find(">second</text>"), std::string::npos);
  std::set<std::string> colours;
  const std::regex swatch(R"re(width="12" height="12" fill="(#[0-9a-f]{6})"/><text[^>]*>task-)re");
  for (auto it = std::sregex_iterator(two.begin(), two.end(), swatch); it != std::sregex_iterator();
       ++it) {
    colours.insert((*it)[1]);
  }
  EXPECT_EQ(colours.size(), 24u) << two;
}

TEST(Timeline, SvgHasABarPerSpanWithEscapedNames) {
  const auto svg = render_svg(sample(), "two <cooks>");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("two &lt;cooks&gt;"), std::string::npos);
  std::size_t bars = 0;
  for (auto at = svg.find("<title>"); at != std::string::npos; at = svg.find("<title>", at + 1)) {
    ++bars;
  }
  EXPECT_EQ(bars, 3u);
  EXPECT_NE(svg.find("boil &quot;water&quot; &lt;1&gt;: waiting 60.00 ms"), std::string::npos);
  EXPECT_NE(svg.find("prep: computing 40.00 ms on cpu-1 via strand"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(Timeline, ChromeTraceIsValidJsonWithOneEventPerSpan) {
  const auto json = render_chrome_trace(sample());
  const auto trace = testing::parse_json(json);
  int complete = 0, names = 0;
  bool boil_named = false;
  for (const auto& event : trace.at("traceEvents").as_array()) {
    const auto& ph = event.at("ph").as_string();
    if (ph == "X") {
      ++complete;
      EXPECT_GE(event.at("dur").to_number<double>(), 40'000.0);
      boil_named = boil_named || event.at("name") == "boil \"water\" <1>";
    }
    if (ph == "M") ++names;
  }
  EXPECT_EQ(complete, 3);
  EXPECT_EQ(names, 2 + 3);  // two processes, three lanes
  EXPECT_TRUE(boil_named) << json;
}

TEST(Timeline, EmptyRecordingStillDraws) {
  const auto t = Timeline::layout({}, Clock::now());
  EXPECT_NO_THROW(render_text(t));
  EXPECT_NO_THROW(render_svg(t, "nothing"));
  EXPECT_NE(render_chrome_trace(t).find("traceEvents"), std::string::npos);
}

}  // namespace
}  // namespace asyncrt::trace
