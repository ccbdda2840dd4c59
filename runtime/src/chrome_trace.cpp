#include <asyncrt/timeline.hpp>

#include <chrono>
#include <cstdlib>
#include <vector>

#include <fmt/core.h>

namespace asyncrt::trace {
namespace {

// Microseconds with three decimals, exact (from whole nanoseconds): a span inside another
// stays inside it after rounding.
std::string us(Clock::duration d) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  return fmt::format("{}{}.{:03}", ns < 0 ? "-" : "", std::abs(ns) / 1000, std::abs(ns) % 1000);
}

// Trace viewers (Perfetto) need the slices on one track to nest: each inside the one before it
// or after its end. One lane's spans may overlap partly (a task whose several children wait at
// once), so a lane becomes as many tracks as it needs: each span goes on the first of them
// where it nests.
std::vector<std::vector<std::size_t>> nested_tracks(const Timeline& t, const Timeline::Lane& lane) {
  std::vector<std::vector<std::size_t>> tracks;
  std::vector<std::vector<Clock::time_point>> open_ends;  // per track: the ends of open spans
  for (std::size_t i : lane.spans) {                      // in start order
    const Span& span = t.spans[i];
    std::size_t k = 0;
    for (; k < tracks.size(); ++k) {
      auto& ends = open_ends[k];
      while (!ends.empty() && ends.back() <= span.start) ends.pop_back();
      if (ends.empty() || span.end <= ends.back()) break;
    }
    if (k == tracks.size()) {
      tracks.emplace_back();
      open_ends.emplace_back();
    }
    tracks[k].push_back(i);
    open_ends[k].push_back(span.end);
  }
  return tracks;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace

std::string render_chrome_trace(const Timeline& t) {
  // pid 1: threads (what ran where); pid 2: suspended tasks (their waits).
  std::string out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  out += R"({"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"threads"}},)"
         "\n";
  out += R"({"name":"process_name","ph":"M","pid":2,"tid":0,"args":{"name":"suspended tasks"}})";
  std::size_t tid = 0;
  for (const auto& lane : t.lanes) {
    const int pid = lane.is_thread ? 1 : 2;
    const auto tracks = nested_tracks(t, lane);
    for (std::size_t k = 0; k < tracks.size(); ++k) {
      ++tid;
      const std::string name = k == 0 ? lane.name : fmt::format("{} ({})", lane.name, k + 1);
      out += fmt::format(
          ",\n{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":{},\"tid\":{},"
          "\"args\":{{\"name\":{}}}}}",
          pid, tid, json_string(name));
      for (std::size_t i : tracks[k]) {
        const Span& span = t.spans[i];
        out += fmt::format(
            ",\n{{\"name\":{},\"cat\":\"{}\",\"ph\":\"X\",\"pid\":{},\"tid\":{},\"ts\":{},"
            "\"dur\":{}",
            json_string(span.task), kind_name(span.kind), pid, tid, us(span.start - t.origin),
            us(span.end - span.start));
        if (!span.via.empty()) {
          out += fmt::format(",\"args\":{{\"via\":{}}}", json_string(span.via));
        }
        out += "}";
      }
    }
  }
  out += "\n]}\n";
  return out;
}

}  // namespace asyncrt::trace
