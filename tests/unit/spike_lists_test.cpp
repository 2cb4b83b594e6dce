// The CUDA backend's spike lists of past steps (plasticity_setup.hpp): how many slots a
// population keeps, and the lists rebuilt from a checkpoint's spike flags. The kernel
// (kernels/step_kernels.cuh) empties slot (t + 1) % slots during step t, appends step t's spikes
// to slot t % slots, and rules read the lists of up to hist_len - 1 steps ago; the bookkeeping
// below is that order, so these tests check that no list a rule reads was emptied or
// overwritten, and that a restored run reads the same lists as an uninterrupted one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "plasticity_setup.hpp"

namespace engram {
namespace {

std::vector<std::uint32_t> sorted_slot(const spike_lists& s, std::uint64_t slot, std::uint64_t n) {
  std::vector<std::uint32_t> v(s.list.begin() + static_cast<std::ptrdiff_t>(slot * n),
                               s.list.begin() + static_cast<std::ptrdiff_t>(slot * n + s.count[slot]));
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::uint32_t> flagged(const std::vector<std::uint8_t>& flags, std::uint64_t row, std::uint64_t n) {
  std::vector<std::uint32_t> v;
  for (std::uint64_t i = 0; i < n; ++i)
    if (flags[row * n + i]) v.push_back(static_cast<std::uint32_t>(i));
  return v;
}

TEST(SpikeLists, SlotsAreTheStepsReadPlusOneAndAtLeastThree) {
  EXPECT_EQ(spike_list_slots(0), 3u);
  EXPECT_EQ(spike_list_slots(1), 3u);
  EXPECT_EQ(spike_list_slots(2), 3u);
  EXPECT_EQ(spike_list_slots(3), 4u);
  EXPECT_EQ(spike_list_slots(16), 17u);
}

TEST(SpikeLists, RebuiltFromFlagsOfTheStepsRulesStillRead) {
  const std::uint64_t n = 4, hist = 3;
  // Rows of the flags ring: step u in row u % 3. Before step 5, rules read steps 4 and 3
  // (rows 1 and 0); row 2 (step 2, or 5 to come) must not appear.
  const std::vector<std::uint8_t> flags = {1, 0, 0, 0,  /* step 3 */ 0, 1, 0, 1, /* step 4 */ 1, 1, 1, 1};
  const spike_lists s = spike_lists_from_flags(flags, n, hist, hist, 5);
  ASSERT_EQ(s.count.size(), 4u);
  ASSERT_EQ(s.list.size(), 16u);
  EXPECT_EQ(sorted_slot(s, 4 % 4, n), (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(sorted_slot(s, 3 % 4, n), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(s.count[5 % 4], 0u) << "step 5's own slot is appended to: it must start empty";
  EXPECT_EQ(s.count[2], 0u);
  // Early in a run only the steps that happened count.
  const spike_lists early = spike_lists_from_flags(flags, n, hist, hist, 1);
  EXPECT_EQ(sorted_slot(early, 0, n), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(early.count[1] + early.count[2] + early.count[3], 0u);
  EXPECT_EQ(spike_lists_from_flags(flags, n, hist, hist, 0).count, std::vector<std::uint32_t>(4, 0));
  // Pairing rules reading one step late while other rules read two: only step 4's list, in
  // three slots.
  const spike_lists shorter = spike_lists_from_flags(flags, n, hist, 2, 5);
  ASSERT_EQ(shorter.count.size(), 3u);
  EXPECT_EQ(sorted_slot(shorter, 4 % 3, n), (std::vector<std::uint32_t>{1, 3}));
  EXPECT_EQ(shorter.count[0] + shorter.count[2], 0u);
  EXPECT_EQ(spike_lists_from_flags(flags, n, hist, 0, 9).count, std::vector<std::uint32_t>(3, 0)) << "no lists read late";
}

// The kernel's order over many steps, with random spikes: every list read in a step (by rules,
// ago < list_len, and by propagation, ago 0) holds that step's spikes, the list a
// propagation phase without a barrier may still read (step t - 1's) is not the one emptied,
// and lists rebuilt from the flags at any step equal the live ones in every slot read later.
TEST(SpikeLists, KernelOrderKeepsEveryListReadAndRestoreRebuildsThem) {
  std::mt19937 rng(7);
  const std::pair<std::uint64_t, std::uint64_t> cases[] = {{1, 1}, {2, 2}, {5, 5}, {5, 2}, {4, 0}};
  for (const auto& [hist, list_len] : cases) {
    const std::uint64_t n = 9, slots = spike_list_slots(list_len);
    std::vector<std::uint8_t> flags(hist * n, 0);
    spike_lists live{std::vector<std::uint32_t>(slots * n, 0), std::vector<std::uint32_t>(slots, 0)};
    for (std::uint64_t t = 0; t < 40; ++t) {
      // Restored before step t: step t reads what an uninterrupted run reads.
      const spike_lists restored = spike_lists_from_flags(flags, n, hist, list_len, t);
      for (std::uint64_t ago = 1; ago < list_len && ago <= t; ++ago)
        EXPECT_EQ(sorted_slot(restored, (t - ago) % slots, n), sorted_slot(live, (t - ago) % slots, n)) << "hist " << hist << " t " << t;
      EXPECT_EQ(restored.count[t % slots], 0u);
      // Step t: empty the next slot, write this step's flags and list (unordered on the device).
      if (t > 0) EXPECT_NE((t + 1) % slots, (t - 1) % slots) << "step t empties the list step t - 1 may still be read from";
      live.count[(t + 1) % slots] = 0;
      std::vector<std::uint32_t> fired;
      for (std::uint64_t i = 0; i < n; ++i) {
        const bool f = rng() % 3 == 0;
        flags[(t % hist) * n + i] = f ? 1 : 0;
        if (f) fired.push_back(static_cast<std::uint32_t>(i));
      }
      std::shuffle(fired.begin(), fired.end(), rng);
      for (auto i : fired) live.list[(t % slots) * n + live.count[t % slots]++] = i;
      for (std::uint64_t ago = 0; ago < std::max<std::uint64_t>(list_len, 1) && ago <= t; ++ago)
        EXPECT_EQ(sorted_slot(live, (t - ago) % slots, n), flagged(flags, (t - ago) % hist, n)) << "hist " << hist << " t " << t;
    }
  }
}

}  // namespace
}  // namespace engram
