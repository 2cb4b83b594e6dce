#include "engram/npy.hpp"

#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "engram/errors.hpp"

namespace engram::npy {

array read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw io_error(fmt::format("{}: cannot open file", path));
  char magic[8];
  if (!f.read(magic, 8) || std::string(magic, 6) != "\x93NUMPY")
    throw io_error(fmt::format("{}: not a NumPy .npy file", path));
  const int major = static_cast<unsigned char>(magic[6]);
  std::uint32_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    f.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    f.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  }
  std::string header(header_len, '\0');
  if (!f.read(header.data(), header_len)) throw io_error(fmt::format("{}: truncated .npy header", path));
  std::smatch m;
  array a;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']*)'")))
    throw io_error(fmt::format("{}: .npy header has no dtype", path));
  a.descr = m[1];
  if (std::regex_search(header, m, std::regex("'fortran_order':\\s*True")))
    throw io_error(fmt::format("{}: Fortran-ordered arrays are not supported; save with C order", path));
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw io_error(fmt::format("{}: .npy header has no shape", path));
  const std::string dims = m[1];
  std::regex num("\\d+");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num); it != std::sregex_iterator(); ++it)
    a.shape.push_back(std::stoull(it->str()));
  std::uint64_t count = 1;
  for (auto s : a.shape) count *= s;
  std::uint64_t item = 0;
  if (a.descr.size() >= 3) item = std::stoull(a.descr.substr(2));
  a.data.resize(count * item);
  if (!f.read(a.data.data(), static_cast<std::streamsize>(a.data.size())))
    throw io_error(fmt::format("{}: file is shorter than its header says", path));
  return a;
}

std::string header(const std::string& descr, const std::vector<std::uint64_t>& shape) {
  std::string dims;
  for (auto s : shape) dims += fmt::format("{}, ", s);
  if (shape.size() > 1) dims.resize(dims.size() - 2);  // "(3,)" for 1-d, "(3, 4)" for 2-d
  std::string dict = fmt::format("{{'descr': {}, 'fortran_order': False, 'shape': ({}), }}",
                                 descr.front() == '[' ? descr : "'" + descr + "'", dims);
  // Pad so that the data starts on a 64-byte boundary, header ends with '\n'.
  const std::size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict.push_back('\n');
  const char pre[10] = {static_cast<char>(0x93), 'N', 'U', 'M', 'P', 'Y', 1, 0,
                        static_cast<char>(dict.size() & 0xff), static_cast<char>(dict.size() >> 8)};
  return std::string(pre, 10) + dict;
}

void write(const std::string& path, const std::string& descr, const std::vector<std::uint64_t>& shape,
           const void* data, std::size_t bytes) {
  const std::string head = header(descr, shape);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw io_error(fmt::format("{}: cannot create file", path));
  f.write(head.data(), static_cast<std::streamsize>(head.size()));
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  if (!f) throw io_error(fmt::format("{}: write failed (disk full?)", path));
}

}  // namespace engram::npy
