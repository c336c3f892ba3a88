#include "engine/version.h"

#include <doctest/doctest.h>

namespace bellows {

TEST_CASE("version: leading zeros and separators compare as numbers") {
  struct Case {
    const char* a;
    const char* b;
    int order;  // sign of a <=> b
  } cases[] = {
      {"0001", "1", 0},
      {"2", "10", -1},
      {"13.1", "13_1", 0},
      {"1.0", "1", 0},
      {"1.2", "1.10", -1},
      {"20261123154500", "20261123154501", -1},
      {"99999999999999999999", "100000000000000000000", -1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.a);
    CAPTURE(c.b);
    auto a = Version::Parse(c.a);
    auto b = Version::Parse(c.b);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    auto cmp = *a <=> *b;
    CHECK((cmp < 0 ? -1 : cmp > 0 ? 1 : 0) == c.order);
  }
}

TEST_CASE("version: canonical text strips leading zeros") {
  CHECK(Version::Parse("0001")->canonical() == "1");
  CHECK(Version::Parse("13_01")->canonical() == "13.1");
  CHECK(Version::Parse("0")->canonical() == "0");
  CHECK(Version::Parse("1.0")->canonical() == "1");  // Flyway V1 and V1.0 are one version
  CHECK(Version::Parse("0.0")->canonical() == "0");
  CHECK(Version::Parse("1.0.5")->canonical() == "1.0.5");
}

TEST_CASE("version: rejects what is not digits and separators") {
  for (const char* bad : {"", "v1", "1..2", "1.", "_1", "1a"}) {
    CAPTURE(bad);
    CHECK_FALSE(Version::Parse(bad).has_value());
  }
}

}  // namespace bellows
