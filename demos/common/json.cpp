#include "common/json.hpp"

#include <cmath>

#include <fmt/core.h>

namespace asyncrt::demo {
namespace {

std::string number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : "null";
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

JsonObject& JsonObject::member(std::string_view key, std::string_view json) {
  if (!members_.empty()) members_ += ",";
  members_ += json_string(key);
  members_ += ":";
  members_ += json;
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, std::string_view text) {
  return member(key, json_string(text));
}

JsonObject& JsonObject::add_exact(std::string_view key, std::uint64_t value) {
  member(key, std::to_string(value));
  return member(std::string(key) + "_text", json_string(std::to_string(value)));
}

JsonObject& JsonObject::add(std::string_view key, bool value) {
  return member(key, value ? "true" : "false");
}

JsonObject& JsonObject::add(std::string_view key, double value) {
  return member(key, number(value));
}

JsonObject& JsonObject::add(std::string_view key, const JsonObject& object) {
  return member(key, object.text());
}

JsonObject& JsonObject::add(std::string_view key, const std::vector<JsonObject>& objects) {
  return array(key, objects, [](const JsonObject& object) { return object.text(); });
}

JsonObject& JsonObject::add(std::string_view key, const std::vector<std::string>& texts) {
  return array(key, texts, [](const std::string& text) { return json_string(text); });
}

JsonObject& JsonObject::add(std::string_view key, const std::vector<double>& numbers) {
  return array(key, numbers, [](double n) { return number(n); });
}

}  // namespace asyncrt::demo
