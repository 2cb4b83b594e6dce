#pragma once
// The one small exception hierarchy of engram (DESIGN.md §6). Library code throws, the CLI
// maps each kind to an exit code; nothing calls exit().
#include <stdexcept>
#include <string>

namespace engram {

struct error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A model file or a C++-built description that cannot be simulated as written.
struct invalid_model : error {
  using error::error;
};
// Missing/unreadable files, unwritable output folders.
struct io_error : error {
  using error::error;
};
// A backend that cannot run here (no device, not compiled in, not enough memory).
struct backend_unavailable : error {
  using error::error;
};
// A CUDA runtime error, with the CUDA error name.
struct device_error : error {
  using error::error;
};
// Something went wrong while stepping: NaN, buffer overflow.
struct simulation_error : error {
  using error::error;
};
// A broken invariant inside engram: a bug.
struct internal_error : error {
  using error::error;
};

}  // namespace engram
