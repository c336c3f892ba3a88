#pragma once
// A dialect for the operations' unit tests: every step renders as one line "<kind>: <what>",
// so a test reads the plan an operation makes without any database or dialect SQL.

#include "engine/dialect.h"
#include "engine/strings.h"

namespace bellows::testing {

class DescribingDialect final : public Dialect {
 public:
  explicit DescribingDialect(bool not_valid = false) : not_valid_(not_valid) {}
  std::string_view Name() const override { return "sqlite"; }
  bool Supports(Capability c) const override {
    return c == Capability::kTransactionalDdl ||
           (not_valid_ && c == Capability::kNotValidConstraints);
  }
  std::string QuoteIdentifier(std::string_view n) const override {
    return "\"" + std::string(n) + "\"";
  }
  std::string QuoteString(std::string_view v) const override { return "'" + std::string(v) + "'"; }
  SplitOptions SqlSplitOptions() const override { return {}; }
  size_t MaxIdentifierLength() const override { return 63; }
  std::string MapType(std::string_view type, bool) const override { return Lower(type); }
  bool SameType(std::string_view a, std::string_view b) const override {
    return Lower(a) == Lower(b);
  }
  Result<RenderedStep> Render(const Step& step, const Schema&) const override {
    RenderedStep r;
    r.sql.push_back(StepKind(step) + ": " + DescribeStep(step));
    return r;
  }
  std::string LatestSql(const VersionSpec&) const override { return ""; }
  std::string LatestSchema(const VersionSpec& v) const override { return v.name; }
  std::string LatestEnv(const VersionSpec&) const override { return ""; }
  std::string DefaultVersionPrefix(std::string_view) const override { return "main"; }
  std::vector<std::string> BackfillPrelude() const override { return {}; }
  std::string StateTable(std::string_view name) const override {
    return "bellows_" + std::string(name);
  }
  std::string StateSchemaDdl() const override { return ""; }
  std::string StateTextType(bool) const override { return "TEXT"; }

 private:
  bool not_valid_;
};

}  // namespace bellows::testing
