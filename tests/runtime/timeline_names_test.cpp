// The renderers on any name a program may give a task or a thread (any bytes: long Japanese
// names, control characters, invalid UTF-8) and on overlapping waits: every SVG is well-formed
// XML, every trace valid JSON whose slices nest per track, every terminal drawing valid UTF-8
// whose lanes line up.

#include <asyncrt/timeline.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/drawing_checks.hpp"

namespace asyncrt::trace {
namespace {

using namespace std::chrono_literals;
using testing::trace_nesting_error;
using testing::utf8_error;
using testing::xml_error;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Terminal columns of the text before the first '|' of a lane line, for the characters these
// tests use: CJK ideographs and kana are 2 wide, anything else 1 (UTF-8 continuation bytes 0).
std::size_t columns_before_bar(const std::string& line) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < line.size() && line[at] != '|';) {
    const auto lead = static_cast<unsigned char>(line[at]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const bool wide = length == 3 && (lead == 0xE3 || (lead >= 0xE4 && lead <= 0xE9));
    columns += wide ? 2 : 1;
    at += length;
  }
  return columns;
}

void expect_lanes_line_up(const std::string& text) {
  std::size_t expected = 0;
  for (const auto& line : lines(text)) {
    if (line.find('|') == std::string::npos) continue;
    const std::size_t columns = columns_before_bar(line);
    if (expected == 0) expected = columns;
    EXPECT_EQ(columns, expected) << line;
  }
}

TEST(TimelineNames, ALongJapaneseNameIsCutAtACharacterWithAnEllipsis) {
  const std::string name = "データベースから注文を読み込んで並べ替えるタスク";
  const auto t0 = Clock::now();
  const auto t = Timeline::layout({{name, Kind::computing, name + "のスレッド", {}, t0, t0 + 5ms},
                                   {name, Kind::waiting, {}, {}, t0 + 5ms, t0 + 9ms},
                                   {"short", Kind::computing, "loop", {}, t0, t0 + 2ms}},
                                  t0);
  const std::string svg = render_svg(t, name);
  EXPECT_EQ(xml_error(svg), "") << svg;
  EXPECT_NE(svg.find("…"), std::string::npos);
  const std::string text = render_text(t);
  EXPECT_EQ(utf8_error(text), "");
  EXPECT_NE(text.find("データ"), std::string::npos);
  EXPECT_NE(text.find("…"), std::string::npos);
  expect_lanes_line_up(text);
  EXPECT_EQ(trace_nesting_error(render_chrome_trace(t)), "");
}

TEST(TimelineNames, ControlCharactersAreShownEscaped) {
  const auto t0 = Clock::now();
  const auto t = Timeline::layout(
      {{"ring\a the bell\n", Kind::computing, "tab\there", "x\x1b[31m", t0, t0 + 1ms}}, t0);
  for (const std::string& drawing :
       {render_svg(t, "title\a"), render_text(t, {.width = 120}), render_chrome_trace(t)}) {
    EXPECT_EQ(drawing.find('\a'), std::string::npos);
    EXPECT_EQ(drawing.find('\t'), std::string::npos);
    EXPECT_EQ(drawing.find('\x1b'), std::string::npos);  // no colour asked for
  }
  EXPECT_NE(render_text(t, {.width = 120}).find("ring\\x07 the bell\\x0a"), std::string::npos);
  EXPECT_EQ(xml_error(render_svg(t, "title\a")), "");
}

TEST(TimelineNames, OverlappingWaitsOfOneTaskGoOnTracksWhereTheyNest) {
  // A parent whose three children wait at once, each its own partly overlapping span on the
  // parent's lane: one track could not hold them nested.
  const auto t0 = Clock::now();
  std::vector<Span> spans;
  for (int i = 0; i < 3; ++i) {
    spans.push_back({"parent", Kind::waiting, {}, {}, t0 + i * 1ms, t0 + (i + 3) * 1ms});
  }
  spans.push_back({"parent", Kind::waiting, {}, {}, t0 + 1500us, t0 + 2ms});  // inside one
  const auto t = Timeline::layout(spans, t0);
  const std::string trace = render_chrome_trace(t);
  EXPECT_EQ(trace_nesting_error(trace), "") << trace;
  EXPECT_NE(trace.find("\"parent (3)\""), std::string::npos) << trace;
  EXPECT_EQ(trace.find("\"parent (4)\""), std::string::npos) << trace;
}

// Random names: a mix of ASCII, control bytes, valid multi-byte characters (Japanese, emoji,
// combining marks) and bytes that are no valid UTF-8; random spans that overlap at random.
std::string random_name(std::mt19937& random) {
  static const std::vector<std::string> pieces{"a",
                                               "Z",
                                               " ",
                                               "&",
                                               "<",
                                               ">",
                                               "\"",
                                               "'",
                                               "\\",
                                               "]]>",
                                               "日本",
                                               "語",
                                               "é",
                                               "e\xcc\x81",
                                               "\xf0\x9f\x8d\x9c",
                                               "\xef\xbf\xbe",
                                               "\xed\xa0\x80",
                                               "\xc0\xaf",
                                               "\xe3\x81",
                                               "\x80",
                                               "\xff",
                                               "\xf4\x90\x80\x80",
                                               "\xc2\x85",
                                               "\x7f"};
  std::string name;
  const int count = std::uniform_int_distribution<int>(0, 30)(random);
  for (int i = 0; i < count; ++i) {
    if (random() % 3 == 0) {
      name += static_cast<char>(random() % 256);  // any byte at all
    } else {
      name += pieces[random() % pieces.size()];
    }
  }
  return name;
}

TEST(TimelineNames, AnyBytesInAnyNameGiveValidDrawings) {
  std::mt19937 random(20261207);
  for (int round = 0; round < 300; ++round) {
    const auto t0 = Clock::now();
    std::vector<std::string> names;
    for (int i = 0; i < 5; ++i) names.push_back(random_name(random));
    std::vector<Span> spans;
    const int count = std::uniform_int_distribution<int>(1, 25)(random);
    for (int i = 0; i < count; ++i) {
      const auto start = t0 + std::chrono::microseconds(random() % 10'000);
      const auto end = start + std::chrono::microseconds(random() % 5'000);
      const bool on_thread = random() % 2 == 0;
      spans.push_back({names[random() % names.size()], static_cast<Kind>(random() % 3),
                       on_thread ? names[random() % names.size()] : std::string(),
                       random() % 4 == 0 ? names[random() % names.size()] : std::string(), start,
                       end});
    }
    const auto t = Timeline::layout(spans, t0);
    const std::string svg = render_svg(t, names[0]);
    ASSERT_EQ(xml_error(svg), "") << "round " << round << ":\n" << svg;
    const std::string trace = render_chrome_trace(t);
    ASSERT_EQ(trace_nesting_error(trace), "") << "round " << round << ":\n" << trace;
    const std::string text = render_text(t);
    ASSERT_EQ(utf8_error(text), "") << "round " << round;
    for (char c : text) ASSERT_TRUE(c == '\n' || static_cast<unsigned char>(c) >= 0x20) << text;
  }
}

}  // namespace
}  // namespace asyncrt::trace
