#pragma once
// What every neuron model header provides (see lif_delta.hpp for a commented example):
//   name, ports (receptor names with weight units), params (double, units in comments) with a
//   param table, state (only `real` fields, a table of names and units), derived (computed once
//   per dt on the host), derive(), check(), initial(), and the ENGRAM_HOST_DEVICE update().
// Per-population state lives in structure-of-arrays form: field k of neuron i at soa[k*n + i].
#include <array>
#include <cstddef>
#include <cstring>
#include <string>

#include "engram/config.hpp"

namespace engram {

template <class Params>
struct param_field {
  const char* name;
  const char* unit;
  double Params::*member;
};

struct named_unit {
  const char* name;
  const char* unit;
};

// Collects the first violated parameter constraint as (field, message).
struct param_check {
  std::string field;
  std::string message;
  void require(bool ok, const char* f, const char* msg) {
    if (!ok && field.empty()) {
      field = f;
      message = msg;
    }
  }
  bool ok() const { return field.empty(); }
};

template <class State>
ENGRAM_HOST_DEVICE inline State load_state(const real* soa, std::size_t n, std::size_t i) {
  State s;
  constexpr std::size_t k_n = sizeof(State) / sizeof(real);  // 0 for an empty struct (sizeof 1)
  if constexpr (k_n > 0)
    for (std::size_t k = 0; k < k_n; ++k)
      std::memcpy(reinterpret_cast<char*>(&s) + k * sizeof(real), &soa[k * n + i], sizeof(real));
  return s;
}

template <class State>
ENGRAM_HOST_DEVICE inline void store_state(real* soa, std::size_t n, std::size_t i, const State& s) {
  constexpr std::size_t k_n = sizeof(State) / sizeof(real);
  if constexpr (k_n > 0)
    for (std::size_t k = 0; k < k_n; ++k)
      std::memcpy(&soa[k * n + i], reinterpret_cast<const char*>(&s) + k * sizeof(real), sizeof(real));
}

// A parameter table of a base params struct, as entries of a params struct derived from it
// (for models that extend another model's parameters).
template <class Derived, class Base, std::size_t N>
constexpr std::array<param_field<Derived>, N> rebase_table(const param_field<Base> (&t)[N]) {
  std::array<param_field<Derived>, N> r{};
  for (std::size_t i = 0; i < N; ++i) r[i] = {t[i].name, t[i].unit, t[i].member};
  return r;
}

// Concatenates two parameter tables (a model's own entries and shared ones, e.g. receptors).
template <class T, std::size_t N, std::size_t M>
constexpr std::array<T, N + M> join_tables(const T (&a)[N], const T (&b)[M]) {
  std::array<T, N + M> r{};
  for (std::size_t i = 0; i < N; ++i) r[i] = a[i];
  for (std::size_t i = 0; i < M; ++i) r[N + i] = b[i];
  return r;
}

// Steps of a duration, rounded to the nearest step (t_ref, intervals).
inline int to_steps(double t_ms, double dt_ms) { return static_cast<int>(t_ms / dt_ms + 0.5); }

}  // namespace engram
