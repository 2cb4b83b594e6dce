// .npy writing and reading round trip, and rejection of files that are not .npy.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "engram/errors.hpp"
#include "engram/npy.hpp"

using namespace engram;

TEST(Npy, RoundTripKeepsDtypeShapeAndData) {
  const std::string path = testing::TempDir() + "/rt.npy";
  std::vector<float> v = {1.5f, -2.25f, 3.0f, 4.0f, 5.0f, 6.0f};
  npy::write(path, v, {2, 3});
  const npy::array a = npy::read(path);
  EXPECT_EQ(a.descr, "<f4");
  EXPECT_EQ(a.shape, (std::vector<std::uint64_t>{2, 3}));
  ASSERT_EQ(a.data.size(), 24u);
  EXPECT_EQ(reinterpret_cast<const float*>(a.data.data())[1], -2.25f);
  // The data starts on a 64-byte boundary, as numpy writes it.
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  EXPECT_EQ(static_cast<std::size_t>(f.tellg()) % 64, 24u % 64);
}

TEST(Npy, RejectsMissingAndForeignFiles) {
  EXPECT_THROW(npy::read("/nonexistent/x.npy"), io_error);
  const std::string path = testing::TempDir() + "/not.npy";
  std::ofstream(path) << "hello world, not numpy";
  EXPECT_THROW(npy::read(path), io_error);
}
