#include "support/json.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <boost/json/src.hpp>  // Boost.JSON, header-only, compiled here once

namespace asyncrt::testing {
namespace {

void collect(const boost::json::value& value, const std::string& prefix,
             std::vector<std::string>& paths) {
  if (value.is_object()) {
    for (const auto& member : value.as_object()) {
      const std::string path =
          prefix.empty() ? std::string(member.key()) : prefix + "." + std::string(member.key());
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
      collect(member.value(), path, paths);
    }
  } else if (value.is_array()) {
    for (const auto& item : value.as_array()) collect(item, prefix + "[]", paths);
  }
}

constexpr std::uint64_t exact_in_a_double = std::uint64_t{1} << 53;

bool beyond_a_double(const boost::json::value& v) {
  return (v.is_uint64() && v.as_uint64() > exact_in_a_double) ||
         (v.is_int64() && (v.as_int64() > static_cast<std::int64_t>(exact_in_a_double) ||
                           v.as_int64() < -static_cast<std::int64_t>(exact_in_a_double)));
}

std::string find_inexact(const boost::json::value& value, const std::string& path) {
  if (value.is_object()) {
    const auto& object = value.as_object();
    for (const auto& member : object) {
      const std::string here = path + "." + std::string(member.key());
      if (beyond_a_double(member.value())) {
        const auto* twin = object.if_contains(std::string(member.key()) + "_text");
        const std::string exact = boost::json::serialize(member.value());
        if (twin == nullptr || !twin->is_string() || twin->as_string() != exact) return here;
      }
      if (auto found = find_inexact(member.value(), here); !found.empty()) return found;
    }
  } else if (value.is_array()) {
    for (const auto& item : value.as_array()) {
      if (beyond_a_double(item)) return path + "[]";
      if (auto found = find_inexact(item, path + "[]"); !found.empty()) return found;
    }
  }
  return {};
}

}  // namespace

boost::json::value parse_json(std::string_view text) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error);
  if (error) {
    throw std::runtime_error("not JSON (" + error.message() +
                             "): " + std::string(text.substr(0, 200)));
  }
  return value;
}

std::vector<std::string> json_key_paths(const boost::json::value& value) {
  std::vector<std::string> paths;
  collect(value, "", paths);
  return paths;
}

std::vector<std::string> undocumented_paths(const boost::json::value& value,
                                            std::string_view program) {
  std::ifstream file(std::string(ASYNCRT_SOURCE_DIR) + "/docs/json.md");
  const std::string doc((std::istreambuf_iterator<char>(file)), {});
  const std::string heading = "## `" + std::string(program) + "`";
  const auto start = doc.find(heading);
  if (start == std::string::npos) return {"(docs/json.md has no section " + heading + ")"};
  const std::string section = doc.substr(start, doc.find("\n## ", start + 1) - start);
  std::vector<std::string> missing;
  for (const auto& path : json_key_paths(value)) {
    if (section.find("`" + path + "`") == std::string::npos) missing.push_back(path);
  }
  return missing;
}

std::string inexact_integer(const boost::json::value& value) {
  return find_inexact(value, "");
}

}  // namespace asyncrt::testing
