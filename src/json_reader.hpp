#pragma once
// Strict reading of JSON objects: every key must be consumed, every value must have the
// expected type, and every error names the file, the JSON path and the offending value.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace engram {

using json = nlohmann::json;

// Short rendering of a JSON value for error messages.
std::string describe_value(const json& v);

[[noreturn]] void fail_at(const std::string& file, const std::string& path, const std::string& message);

class json_object {
 public:
  // `path` is the JSON path of this object ("" for the root).
  json_object(const json& j, std::string path, const std::string& file);

  bool has(const char* key) const { return j_.contains(key); }
  const json* find(const char* key);  // marks the key as used; nullptr if absent
  const json& require(const char* key);

  double number(const char* key);
  double number(const char* key, double fallback);
  std::uint64_t count(const char* key);  // non-negative integer
  std::uint64_t count(const char* key, std::uint64_t fallback);
  bool boolean(const char* key, bool fallback);
  std::string string(const char* key);
  std::string string(const char* key, const std::string& fallback);
  std::vector<double> numbers(const char* key);  // array of numbers
  std::vector<std::uint32_t> indices(const char* key);  // array of non-negative integers
  std::vector<std::string> strings(const char* key);

  json_object object(const char* key);  // nested object (must be an object)
  std::string path(const char* key) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const char* key, const std::string& message) const;
  // Throws on the first key that was never read.
  void finish() const;

 private:
  const json& j_;
  std::string path_;
  const std::string& file_;
  std::set<std::string> used_;
};

// Type checks on loose values, for array elements.
double as_number(const json& v, const std::string& file, const std::string& path);
std::uint64_t as_count(const json& v, const std::string& file, const std::string& path);

}  // namespace engram
