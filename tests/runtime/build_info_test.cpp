// build_info_test.cpp — the runtime's build facts name what was compiled in.
#include "siteaudit/runtime/build_info.hpp"

#include <boost/version.hpp>
#include <catch2/catch.hpp>
#include <string>

TEST_CASE("build_info() names Boost.Context, the compiler and the sanitizers",
          "[runtime][build_info]") {
  const std::string info = siteaudit::rt::build_info();
  INFO(info);
  CHECK(info.rfind("runtime: fibers on Boost.Context ", 0) == 0);
  CHECK(info.find(std::to_string(BOOST_VERSION / 100000) + "." +
                  std::to_string(BOOST_VERSION / 100 % 1000)) != std::string::npos);
  CHECK(info.find('\n') == std::string::npos);
#if defined(__clang__)
  CHECK(info.find(", clang ") != std::string::npos);
#else
  CHECK(info.find(", GCC ") != std::string::npos);
#endif
#if defined(SITEAUDIT_ASAN)
  CHECK(info.find("sanitizers address,undefined") != std::string::npos);
#elif defined(SITEAUDIT_TSAN)
  CHECK(info.find("sanitizers thread") != std::string::npos);
#else
  CHECK(info.find("sanitizers none") != std::string::npos);
#endif
}
