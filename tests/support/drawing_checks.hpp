#pragma once
// Checks on the timeline renderers' output, with real parsers: an SVG must be well-formed XML
// (expat), a Chrome trace valid JSON (Boost.JSON) whose slices nest on every track, as
// Perfetto requires. Each returns an empty string when the document passes, else what is wrong.

#include <string>

namespace asyncrt::testing {

std::string xml_error(const std::string& document);
std::string trace_nesting_error(const std::string& json);
/// Every byte sequence valid UTF-8 (as a terminal and XML need).
std::string utf8_error(const std::string& text);

}  // namespace asyncrt::testing
