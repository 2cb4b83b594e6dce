#pragma once
// NumPy .npy files (format 1.0), little endian, C order: what engram writes is readable with
// numpy.load alone; what it reads (explicit connectivity) is checked for dtype and shape.
#include <cstdint>
#include <string>
#include <vector>

namespace engram::npy {

struct array {
  std::string descr;                // NumPy dtype string, e.g. "<f8", "<i4"
  std::vector<std::uint64_t> shape;
  std::vector<char> data;           // raw little-endian bytes, C order
};

// Reads a whole .npy file; throws io_error if it is missing, unreadable or not a valid .npy.
array read(const std::string& path);

// The header of a .npy file (magic, version, dict padded to 64 bytes) for the dtype and shape;
// the data follows it directly.
std::string header(const std::string& descr, const std::vector<std::uint64_t>& shape);

// Writes `data` with the given dtype description and shape.
void write(const std::string& path, const std::string& descr, const std::vector<std::uint64_t>& shape,
           const void* data, std::size_t bytes);

template <class T>
const char* descr_of();
template <> inline const char* descr_of<double>() { return "<f8"; }
template <> inline const char* descr_of<float>() { return "<f4"; }
template <> inline const char* descr_of<std::int32_t>() { return "<i4"; }
template <> inline const char* descr_of<std::uint32_t>() { return "<u4"; }
template <> inline const char* descr_of<std::int64_t>() { return "<i8"; }
template <> inline const char* descr_of<std::uint64_t>() { return "<u8"; }

template <class T>
void write(const std::string& path, const std::vector<T>& v, std::vector<std::uint64_t> shape = {}) {
  if (shape.empty()) shape = {v.size()};
  write(path, descr_of<T>(), shape, v.data(), v.size() * sizeof(T));
}

}  // namespace engram::npy
