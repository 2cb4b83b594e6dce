// The step's index arithmetic that both backends or the CUDA step kernel use (src/engine.hpp),
// checked on the host: the kernel calls the same functions.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "engine.hpp"

namespace engram {
namespace {

TEST(Engine, ArrivalRowIsNowPlusDelayAroundTheRing) {
  for (std::uint64_t len : {2u, 17u, 64u})
    for (std::uint64_t now = 0; now < len; ++now)
      for (std::uint16_t d = 0; d < len; ++d) EXPECT_EQ(arrival_row(now, d, len), (now + d) % len);
}

TEST(Engine, StepModEqualsTheRemainderBelowAndAbove2To32Steps) {
  std::mt19937_64 rng(11);
  for (int k = 0; k < 100000; ++k) {
    const std::uint64_t m = 1 + rng() % (k % 2 ? 100 : 70000);
    const std::uint64_t x = k % 3 == 0 ? rng() : rng() % (1ULL << 32);  // a third beyond 2^32
    ASSERT_EQ(step_mod(x, m), x % m) << x << " mod " << m;
  }
  EXPECT_EQ(step_mod((1ULL << 32) - 1, 7), ((1ULL << 32) - 1) % 7);
  EXPECT_EQ(step_mod(1ULL << 32, 7), (1ULL << 32) % 7);
}

// Every item's share starts on a block edge, and each item's rotated ranks are a permutation of
// the grid's: no index of an item's loop is skipped or visited twice.
TEST(Engine, ItemSharesRotateTheGridOnBlockEdges) {
  const std::uint32_t block = 256;
  for (std::uint32_t blocks : {1u, 7u, 264u})
    for (std::uint32_t items : {1u, 8u, 64u, 300u}) {
      const std::uint64_t threads = std::uint64_t{blocks} * block;
      std::uint32_t last = 0;
      for (std::uint32_t item = 0; item < items; ++item) {
        const std::uint32_t shift = share_shift(item, items, blocks, block);
        ASSERT_EQ(shift % block, 0u);
        ASSERT_LT(shift, threads);
        ASSERT_GE(shift, last);  // shares in item order
        last = shift;
        std::vector<bool> seen(threads, false);
        for (std::uint64_t tid = 0; tid < threads; ++tid) {
          const std::uint64_t r = rotated_rank(tid, shift, threads);
          ASSERT_LT(r, threads);
          ASSERT_FALSE(seen[r]);
          seen[r] = true;
          ASSERT_EQ(r % 32, tid % 32);  // lanes of a warp keep their places
        }
      }
    }
  // 64 projections on 264 blocks: each starts about 4 blocks after the last.
  EXPECT_EQ(share_shift(1, 64, 264, 256), 4u * 256);
  EXPECT_EQ(share_shift(63, 64, 264, 256), 259u * 256);
}

}  // namespace
}  // namespace engram
