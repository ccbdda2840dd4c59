#include <asyncrt/timeline.hpp>

#include <chrono>

#include <fmt/core.h>

namespace asyncrt::trace {
namespace {

double us(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
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
  for (std::size_t l = 0; l < t.lanes.size(); ++l) {
    const auto& lane = t.lanes[l];
    const int pid = lane.is_thread ? 1 : 2;
    out += fmt::format(
        ",\n{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":{},\"tid\":{},"
        "\"args\":{{\"name\":{}}}}}",
        pid, l + 1, json_string(lane.name));
    for (std::size_t i : lane.spans) {
      const Span& span = t.spans[i];
      out += fmt::format(
          ",\n{{\"name\":{},\"cat\":\"{}\",\"ph\":\"X\",\"pid\":{},\"tid\":{},\"ts\":{:.3f},"
          "\"dur\":{:.3f}",
          json_string(span.task), kind_name(span.kind), pid, l + 1, us(span.start - t.origin),
          us(span.end - span.start));
      if (!span.via.empty()) out += fmt::format(",\"args\":{{\"via\":{}}}", json_string(span.via));
      out += "}";
    }
  }
  out += "\n]}\n";
  return out;
}

}  // namespace asyncrt::trace
