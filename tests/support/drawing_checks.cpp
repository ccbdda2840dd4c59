#include "support/drawing_checks.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include <expat.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/core.h>

namespace asyncrt::testing {

std::string xml_error(const std::string& document) {
  XML_Parser parser = XML_ParserCreate("UTF-8");
  std::string error;
  if (XML_Parse(parser, document.data(), static_cast<int>(document.size()), 1) ==
      XML_STATUS_ERROR) {
    error = fmt::format("line {}: {}", XML_GetCurrentLineNumber(parser),
                        XML_ErrorString(XML_GetErrorCode(parser)));
  }
  XML_ParserFree(parser);
  return error;
}

std::string trace_nesting_error(const std::string& json) {
  boost::system::error_code parse_error;
  const boost::json::value trace = boost::json::parse(json, parse_error);  // strict UTF-8
  if (parse_error) return "not JSON: " + parse_error.message();
  if (!trace.is_object() || !trace.as_object().contains("traceEvents")) return "no traceEvents";
  // Per track (pid, tid): the slices, as [start, end) in nanoseconds.
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::pair<double, double>>> tracks;
  for (const auto& event : trace.at("traceEvents").as_array()) {
    const auto& e = event.as_object();
    if (e.at("ph").as_string() != "X") continue;
    const double start = e.at("ts").to_number<double>() * 1000;
    const double end = start + e.at("dur").to_number<double>() * 1000;
    tracks[{e.at("pid").to_number<std::int64_t>(), e.at("tid").to_number<std::int64_t>()}]
        .emplace_back(start, end);
  }
  constexpr double half_ns = 0.5;
  for (auto& [track, slices] : tracks) {
    std::stable_sort(slices.begin(), slices.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<double> open_ends;
    for (const auto& [start, end] : slices) {
      while (!open_ends.empty() && open_ends.back() <= start + half_ns) open_ends.pop_back();
      if (!open_ends.empty() && end > open_ends.back() + half_ns) {
        return fmt::format(
            "pid {} tid {}: the slice [{:.3f}, {:.3f}] µs overlaps one ending at {:.3f} µs "
            "without nesting in it",
            track.first, track.second, start / 1000, end / 1000, open_ends.back() / 1000);
      }
      open_ends.push_back(end);
    }
  }
  return {};
}

std::string utf8_error(const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead < 0x80                    ? 1
                         : lead >= 0xC2 && lead <= 0xDF ? 2
                         : lead >= 0xE0 && lead <= 0xEF ? 3
                         : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                        : 0;
    bool valid = length > 0 && at + length <= text.size();
    for (std::size_t i = 1; valid && i < length; ++i) {
      valid = (static_cast<unsigned char>(text[at + i]) & 0xC0) == 0x80;
    }
    if (valid && length == 3) {
      const auto second = static_cast<unsigned char>(text[at + 1]);
      valid = !(lead == 0xE0 && second < 0xA0) && !(lead == 0xED && second >= 0xA0);
    } else if (valid && length == 4) {
      const auto second = static_cast<unsigned char>(text[at + 1]);
      valid = !(lead == 0xF0 && second < 0x90) && !(lead == 0xF4 && second >= 0x90);
    }
    if (!valid) return fmt::format("invalid UTF-8 at byte {}", at);
    at += length;
  }
  return {};
}

}  // namespace asyncrt::testing
