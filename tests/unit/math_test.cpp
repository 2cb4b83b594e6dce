// engram's own exp/log (models/math.hpp) against the C library: they exist to be identical on
// host and device, so they must also be accurate.
#include <gtest/gtest.h>

#include <cmath>
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
