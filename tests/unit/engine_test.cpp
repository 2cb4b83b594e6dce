// The step's index arithmetic that both backends or the CUDA step kernel use (src/engine.hpp),
// checked on the host: the kernel calls the same functions.
#include <gtest/gtest.h>

#include <algorithm>
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
        const std::uint32_t shift = share_shift(equal_share_start(item, items), blocks, block);
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
  EXPECT_EQ(share_shift(equal_share_start(1, 64), 264, 256), 4u * 256);
  EXPECT_EQ(share_shift(equal_share_start(63, 64), 264, 256), 259u * 256);
}

// Work items dealt out in order (the propagation phase): every index below the total belongs to
// exactly the item whose range holds it, items without work get none, and each item's indices
// are consecutive from its start.
TEST(Engine, WorkIndicesBelongToTheItemWhoseRangeHoldsThem) {
  std::mt19937 rng(3);
  for (int n : {1, 2, 7, 64, 65, 300}) {
    std::vector<std::uint64_t> prefix(static_cast<std::size_t>(n) + 1, 0);
    for (int j = 0; j < n; ++j) {
      const std::uint64_t spikes = rng() % 3 == 0 ? 0 : rng() % 9, group = 1u << (rng() % 9);
      prefix[static_cast<std::size_t>(j) + 1] = prefix[static_cast<std::size_t>(j)] + spikes * group;
    }
    std::vector<std::uint64_t> seen(static_cast<std::size_t>(n), 0);
    for (std::uint64_t w = 0; w < prefix.back(); ++w) {
      const int j = item_of(prefix.data(), n, w);
      ASSERT_GE(j, 0);
      ASSERT_LT(j, n);
      ASSERT_LE(prefix[static_cast<std::size_t>(j)], w);
      ASSERT_LT(w, prefix[static_cast<std::size_t>(j) + 1]);
      ASSERT_EQ(w - prefix[static_cast<std::size_t>(j)], seen[static_cast<std::size_t>(j)]++) << "consecutive from the item's start";
    }
    for (int j = 0; j < n; ++j) ASSERT_EQ(seen[static_cast<std::size_t>(j)], prefix[static_cast<std::size_t>(j) + 1] - prefix[static_cast<std::size_t>(j)]);
  }
  const std::uint64_t p[] = {0, 0, 5, 5, 8};  // items 0 and 2 have no work
  EXPECT_EQ(item_of(p, 4, 0), 1);
  EXPECT_EQ(item_of(p, 4, 4), 1);
  EXPECT_EQ(item_of(p, 4, 5), 3);
  EXPECT_EQ(item_of(p, 4, 7), 3);
}

// Threads per spike for the plasticity walks: the budget shared among the step's spikes, a
// power of two from a warp to the cap.
TEST(Engine, WalkGroupsShareTheBudgetBetweenAWarpAndTheCap) {
  EXPECT_EQ(walk_group_log2(74, 67584, 10), 9u) << "Morrison: 74 spikes x 512 <= 67 584 < 74 x 1 024";
  EXPECT_EQ(walk_group_log2(74, 67584 / 32, 10), 5u) << "a budget of a thirty-second: a warp each";
  EXPECT_EQ(walk_group_log2(3, 67584, 10), 10u) << "capped";
  EXPECT_EQ(walk_group_log2(100000, 67584, 10), 5u) << "never below a warp";
  EXPECT_EQ(walk_group_log2(0, 67584, 8), 8u);
  EXPECT_EQ(walk_group_log2(1, 1u << 20, 3), 3u) << "a cap below a warp holds";
  for (std::uint64_t spikes = 1; spikes < 5000; spikes = spikes * 3 + 1)
    for (unsigned cap = 5; cap <= 10; ++cap) {
      const unsigned lg = walk_group_log2(spikes, 67584, cap);
      ASSERT_GE(lg, 5u);
      ASSERT_LE(lg, cap);
      if (lg > 5) ASSERT_LE(spikes << lg, 67584u) << "fits the budget";
      if (lg < cap) ASSERT_GT(spikes << (lg + 1), 67584u) << "the largest that fits";
    }
}

// The plasticity walks' mapping (for_each_spike_ago): rank rotated by a share, lane = rank mod
// g, spike k = rank / g, then k += threads / g, with g from walk_group_log2. Groups above a
// block need not divide the grid (blocks x 256 threads, any block count): every (spike, lane)
// is still visited exactly once, because groups grow only while they all fit at once.
TEST(Engine, WalkGroupsVisitEverySpikeLaneOnceOnAnyGrid) {
  for (std::uint64_t blocks : {1u, 3u, 114u, 133u, 264u})
    for (std::uint64_t rules : {1u, 3u})
      for (std::uint64_t spikes : {0u, 1u, 7u, 33u, 34u, 100u, 1200u})
        for (std::uint64_t shift_blocks : {0u, 5u}) {
          const std::uint64_t threads = blocks * 256;
          const unsigned lg = walk_group_log2(spikes, threads / rules, 10);
          const std::uint64_t g = std::uint64_t{1} << lg;
          std::vector<int> seen(spikes * g, 0);
          for (std::uint64_t tid = 0; tid < threads; ++tid) {
            const std::uint64_t rank = rotated_rank(tid, shift_blocks * 256 % threads, threads);
            for (std::uint64_t k = rank >> lg; k < spikes; k += threads >> lg) ++seen[k * g + (rank & (g - 1))];
          }
          ASSERT_TRUE(std::all_of(seen.begin(), seen.end(), [](int v) { return v == 1; }))
              << blocks << " blocks, " << rules << " rules, " << spikes << " spikes, g " << g;
        }
}

// Shares in proportion to work: each item starts where the work before it ends, so items tile
// the grid (the microcircuit's 8 populations of 1 065 to 21 915 neurons overlapped with equal
// shares, and the threads where they did updated two or three neurons one after another).
TEST(Engine, SharesInProportionToWorkTileTheGrid) {
  EXPECT_EQ(share_starts({1, 1, 2}), (std::vector<std::uint32_t>{0, 16384, 32768}));
  EXPECT_EQ(share_starts({0, 0}), (std::vector<std::uint32_t>{0, 0})) << "no work: all start at 0";
  EXPECT_EQ(share_starts({5}), (std::vector<std::uint32_t>{0}));
  // The microcircuit's populations on 264 blocks of 256 threads: each population's share is
  // about its neurons' part of the grid, and no two start on the same block.
  const std::vector<double> pd14 = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948};
  const auto starts = share_starts(pd14);
  double total = 0;
  for (double n : pd14) total += n;
  for (std::size_t k = 0; k < pd14.size(); ++k) {
    ASSERT_LT(starts[k], 65536u);
    if (k > 0) ASSERT_LT(share_shift(starts[k - 1], 264, 256), share_shift(starts[k], 264, 256));
    const double end = k + 1 < pd14.size() ? starts[k + 1] : 65536.0;
    EXPECT_NEAR((end - starts[k]) / 65536.0, pd14[k] / total, 1e-4);
  }
  // A huge item then a tiny one: the tiny one still starts inside the grid.
  EXPECT_LE(share_starts({1e12, 1})[1], 65535u);
}

}  // namespace
}  // namespace engram
