// engram's own exp/log (models/math.hpp) against the C library: they exist to be identical on
// host and device, so they must also be accurate.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "models/math.hpp"
#include "models/sampling.hpp"

using namespace engram;

TEST(Math, ExpMatchesLibmWithinTwoUlp) {
  for (double x = -700.0; x <= 700.0; x += 0.0137) {
    const double ref = std::exp(x);
    EXPECT_NEAR(math::exp(x) / ref, 1.0, 4.5e-16) << "x = " << x;
  }
}

TEST(Math, ExpSpecialValues) {
  EXPECT_EQ(math::exp(0.0), 1.0);
  EXPECT_EQ(math::exp(-800.0), 0.0);
  EXPECT_TRUE(std::isinf(math::exp(800.0)));
  EXPECT_TRUE(std::isnan(math::exp(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_NEAR(math::exp(-740.0) / std::exp(-740.0), 1.0, 1e-10);  // subnormal result
}

TEST(Math, ExpfWithinOneUlpOfCorrectlyRounded) {
  for (float x = -80.f; x <= 80.f; x += 0.00731f) {
    const float ref = static_cast<float>(std::exp(static_cast<double>(x)));
    const float got = math::expf(x);
    EXPECT_LE(std::abs(got - ref), std::nextafter(ref, INFINITY) - ref) << "x = " << x;
  }
}

TEST(Math, FloorSmallIsFloor) {
  const double cases[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
                          -0.49999999999999994, 1e-300, -1e-300, 123456.75, -123456.75, 1125899906842623.5,
                          -1125899906842623.5, 2251799813685247.0, -2251799813685247.0};
  for (double y : cases) EXPECT_EQ(math::floor_small(y), std::floor(y)) << "y = " << y;
  for (double y = -300.0; y <= 300.0; y += 0.0625) EXPECT_EQ(math::floor_small(y), std::floor(y)) << "y = " << y;
  for (double y = -300.0; y <= 300.0; y += 0.01) EXPECT_EQ(math::floor_small(y), std::floor(y)) << "y = " << y;
}

// math::expf as it was written before it was made branch-free for vectorization (2026-11-23):
// the branch-free one must give the same bits, or every model's spikes would change.
static float expf_with_branches(float xf) {
  const double x = static_cast<double>(xf);
  if (x != x) return xf;
  if (x > 88.8) return static_cast<float>(HUGE_VAL);
  if (x < -104.0) return 0.0f;
  const double k = std::floor(x * 1.44269504088896338700 + 0.5);
  const double r = (x - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
  const double p =
      1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0 + r * (1.0 / 40320.0))))))));
  return static_cast<float>(p * math::pow2(static_cast<int>(k)));
}

TEST(Math, ExpfIsBitForBitTheBranchingForm) {
  const auto same = [](float x) {
    const float a = math::expf(x), b = expf_with_branches(x);
    return std::memcmp(&a, &b, sizeof a) == 0 || (a != a && b != b);
  };
  for (float x = -110.f; x <= 90.f; x += 0.000917f) ASSERT_TRUE(same(x)) << "x = " << x;
  // Every float near the ends of the range and near 0, one ulp apart.
  for (float start : {-104.001f, 88.799f, -1e-3f}) {
    float x = start;
    for (int i = 0; i < 20000; ++i, x = std::nextafter(x, INFINITY)) ASSERT_TRUE(same(x)) << "x = " << x;
  }
  for (float x : {0.0f, -0.0f, INFINITY, -INFINITY, std::numeric_limits<float>::quiet_NaN(),
                  std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::max()})
    EXPECT_TRUE(same(x)) << "x = " << x;
  EXPECT_TRUE(std::isinf(math::expf(89.0f)));
  EXPECT_EQ(math::expf(-105.0f), 0.0f);
  EXPECT_TRUE(std::isnan(math::expf(std::numeric_limits<float>::quiet_NaN())));
}

TEST(Math, LogMatchesLibm) {
  for (double x = 1e-300; x < 1e300; x *= 1.37) EXPECT_NEAR(math::log(x), std::log(x), 4.5e-16 * std::max(1.0, std::abs(std::log(x)))) << x;
  for (double x = 0.5; x < 2.0; x += 1e-4) EXPECT_NEAR(math::log(x), std::log(x), 3e-16) << x;
  EXPECT_TRUE(std::isinf(math::log(0.0)));
  EXPECT_TRUE(std::isnan(math::log(-1.0)));
  EXPECT_NEAR(math::log(5e-320), std::log(5e-320), 1e-12);  // subnormal input
}

TEST(Math, NormalQuantileIsAccurate) {
  // Known quantiles of the standard normal distribution.
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 2e-8);
  EXPECT_NEAR(normal_quantile(0.001), -3.090232306167813, 5e-8);
  EXPECT_NEAR(normal_quantile(1e-9), -5.997807015007686, 1e-6);
}
