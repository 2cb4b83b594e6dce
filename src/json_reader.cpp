#include "json_reader.hpp"

#include <cmath>

#include <fmt/format.h>

#include "engram/errors.hpp"

namespace engram {

std::string describe_value(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

void fail_at(const std::string& file, const std::string& path, const std::string& message) {
  throw invalid_model(fmt::format("{}: {}: {}", file, path.empty() ? "(top level)" : path, message));
}

json_object::json_object(const json& j, std::string path, const std::string& file)
    : j_(j), path_(std::move(path)), file_(file) {
  if (!j_.is_object()) fail_at(file_, path_, fmt::format("expected an object, got {}", describe_value(j_)));
}

std::string json_object::path(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

void json_object::fail(const char* key, const std::string& message) const { fail_at(file_, path(key), message); }

const json* json_object::find(const char* key) {
  auto it = j_.find(key);
  if (it == j_.end()) return nullptr;
  used_.insert(key);
  return &*it;
}

const json& json_object::require(const char* key) {
  const json* v = find(key);
  if (!v) fail(key, "missing required field");
  return *v;
}

double as_number(const json& v, const std::string& file, const std::string& path) {
  if (!v.is_number()) fail_at(file, path, fmt::format("expected a number, got {}", describe_value(v)));
  const double d = v.get<double>();
  if (!std::isfinite(d)) fail_at(file, path, fmt::format("expected a finite number, got {}", describe_value(v)));
  return d;
}

std::uint64_t as_count(const json& v, const std::string& file, const std::string& path) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d >= 0 && d == std::floor(d) && d < 1.8e19) return static_cast<std::uint64_t>(d);
  }
  fail_at(file, path, fmt::format("expected a non-negative integer, got {}", describe_value(v)));
}

double json_object::number(const char* key) { return as_number(require(key), file_, path(key)); }
double json_object::number(const char* key, double fallback) {
  const json* v = find(key);
  return v ? as_number(*v, file_, path(key)) : fallback;
}
std::uint64_t json_object::count(const char* key) { return as_count(require(key), file_, path(key)); }
std::uint64_t json_object::count(const char* key, std::uint64_t fallback) {
  const json* v = find(key);
  return v ? as_count(*v, file_, path(key)) : fallback;
}
bool json_object::boolean(const char* key, bool fallback) {
  const json* v = find(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(key, fmt::format("expected true or false, got {}", describe_value(*v)));
  return v->get<bool>();
}
std::string json_object::string(const char* key) {
  const json& v = require(key);
  if (!v.is_string()) fail(key, fmt::format("expected a string, got {}", describe_value(v)));
  return v.get<std::string>();
}
std::string json_object::string(const char* key, const std::string& fallback) {
  if (!has(key)) return fallback;
  return string(key);
}
std::vector<double> json_object::numbers(const char* key) {
  const json& v = require(key);
  if (!v.is_array()) fail(key, fmt::format("expected an array of numbers, got {}", describe_value(v)));
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(as_number(v[i], file_, fmt::format("{}[{}]", path(key), i)));
  return out;
}
std::vector<std::uint32_t> json_object::indices(const char* key) {
  const json& v = require(key);
  if (!v.is_array()) fail(key, fmt::format("expected an array of neuron indices, got {}", describe_value(v)));
  std::vector<std::uint32_t> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = as_count(v[i], file_, fmt::format("{}[{}]", path(key), i));
    if (c > 0xffffffffULL) fail_at(file_, fmt::format("{}[{}]", path(key), i), fmt::format("index {} is too large", c));
    out.push_back(static_cast<std::uint32_t>(c));
  }
  return out;
}
std::vector<std::string> json_object::strings(const char* key) {
  const json& v = require(key);
  if (!v.is_array()) fail(key, fmt::format("expected an array of strings, got {}", describe_value(v)));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string())
      fail_at(file_, fmt::format("{}[{}]", path(key), i), fmt::format("expected a string, got {}", describe_value(v[i])));
    out.push_back(v[i].get<std::string>());
  }
  return out;
}
json_object json_object::object(const char* key) { return json_object(require(key), path(key), file_); }

void json_object::finish() const {
  for (auto it = j_.begin(); it != j_.end(); ++it)
    if (!used_.count(it.key()))
      fail_at(file_, path(it.key().c_str()), fmt::format("unknown key \"{}\"", it.key()));
}

}  // namespace engram
