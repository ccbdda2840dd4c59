#pragma once
// One JSON object, built member by member: what a demo's --json prints.

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asyncrt::demo {

/// `text` as a JSON string: quoted, with quotes, backslashes and control characters escaped.
std::string json_string(std::string_view text);

/// A JSON object, members in the order added, written on one line by text(). Numbers that are
/// not finite are written as null (JSON has no inf or nan).
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view text);
  JsonObject& add(std::string_view key, const char* text) {
    return add(key, std::string_view(text));
  }
  JsonObject& add(std::string_view key, bool value);
  JsonObject& add(std::string_view key, double value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonObject& add(std::string_view key, T value) {
    return member(key, std::to_string(value));
  }
  /// `key` as a number and `key`_text as its exact decimal string: a JavaScript reader (or jq)
  /// rounds integers above 2^53 (18446744073709551557 reads as 18446744073709552000).
  JsonObject& add_exact(std::string_view key, std::uint64_t value);
  JsonObject& add(std::string_view key, const JsonObject& object);
  JsonObject& add(std::string_view key, const std::vector<JsonObject>& objects);
  JsonObject& add(std::string_view key, const std::vector<std::string>& texts);
  JsonObject& add(std::string_view key, const std::vector<double>& numbers);
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonObject& add(std::string_view key,
                                                   const std::vector<T>& numbers) {
    return array(key, numbers, [](T n) { return std::to_string(n); });
  }

  /// "{...}".
  std::string text() const { return "{" + members_ + "}"; }

 private:
  JsonObject& member(std::string_view key, std::string_view json);
  // key: [each item as `to_json` writes it].
  template <typename Item, typename ToJson>
  JsonObject& array(std::string_view key, const std::vector<Item>& items, ToJson to_json) {
    std::string list = "[";
    for (const Item& item : items) {
      if (list.size() > 1) list += ',';
      list += to_json(item);
    }
    list += ']';
    return member(key, list);
  }
  std::string members_;
};

}  // namespace asyncrt::demo
