#include "engine/status.h"

#include <doctest/doctest.h>

namespace bellows {

namespace {
Result<int> Half(int n) {
  if (n % 2 != 0) return BELLOWS_ERR(kInvalid, std::to_string(n) + " is odd");
  return n / 2;
}
Status Quarter(int n, int* out) {
  BELLOWS_ASSIGN_OR_RETURN(int half, Half(n));
  BELLOWS_ASSIGN_OR_RETURN(*out, Half(half));
  return Status::Ok();
}
}  // namespace

TEST_CASE("status: OK is empty, errors carry code, context and location") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.code() == Code::kOk);

  Status s = BELLOWS_ERR(kDatabase, "syntax error");
  s.With("step 3").With("applying 0002_x").WithLocation({"m/0002_x.sql", 4, 7}).WithHint("fix it");
  CHECK_FALSE(s.ok());
  CHECK(s.code() == Code::kDatabase);
  CHECK(s.message() == "applying 0002_x: step 3: syntax error");
  CHECK(s.ToString() == "m/0002_x.sql:4:7: applying 0002_x: step 3: syntax error");
  CHECK(s.hint() == "fix it");
  CHECK(s.origin().find("engine/status_test.cc:") == 0);

  Status copy = s;
  CHECK(copy.message() == s.message());
}

TEST_CASE("status: ASSIGN_OR_RETURN propagates the first error") {
  int out = 0;
  CHECK(Quarter(8, &out).ok());
  CHECK(out == 2);
  Status s = Quarter(6, &out);
  CHECK(s.code() == Code::kInvalid);
  CHECK(s.message() == "3 is odd");
}

}  // namespace bellows
