#pragma once
// SQLite 3.40 dialect: types, quoting and the rendering of plan steps. Pure: no database.
// What SQLite cannot ALTER is done by the 12-step rebuild
// (https://www.sqlite.org/lang_altertable.html#otheralter) inside one transaction.

#include "engine/dialect.h"

namespace bellows::sqlite {

class SqliteDialect final : public Dialect {
 public:
  explicit SqliteDialect(DialectOptions options = {}) : options_(std::move(options)) {}

  std::string_view Name() const override { return "sqlite"; }
  bool Supports(Capability capability) const override;
  std::string QuoteIdentifier(std::string_view name) const override;
  std::string QuoteString(std::string_view value) const override;
  SplitOptions SqlSplitOptions() const override;
  size_t MaxIdentifierLength() const override { return 1024; }
  std::string MapType(std::string_view type, bool identity) const override;
  bool SameType(std::string_view a, std::string_view b) const override;
  Result<RenderedStep> Render(const Step& step, const Schema& physical) const override;
  std::string LatestSql(const VersionSpec& version) const override;
  std::string LatestSchema(const VersionSpec& version) const override;
  std::string LatestEnv(const VersionSpec& version) const override;
  std::vector<std::string> BackfillPrelude() const override { return {}; }
  std::string DefaultVersionPrefix(std::string_view) const override { return "main"; }
  std::string StateTable(std::string_view name) const override;
  std::string StateSchemaDdl() const override { return ""; }
  std::string StateTextType(bool long_text) const override;

  // Exposed for the connection (introspection) and tests.
  std::string CreateTableSql(const Table& table) const;
  std::string CreateIndexSql(const std::string& table, const Index& index) const;
  std::string ColumnSql(const Column& column, bool inline_primary_key) const;
  std::string ConstraintSql(const Constraint& constraint) const;

 private:
  // The 12-step rebuild of `before` into `after`. `sources` gives, per column of `after`,
  // the SQL expression over `before`'s columns that fills it; a column missing from
  // `sources` takes its default.
  Result<RenderedStep> Rebuild(
      const Schema& physical, const Table& before, const Table& after,
      const std::vector<std::pair<std::string, std::string>>& sources) const;
  Result<RenderedStep> RenderSync(const ShadowSync& sync, const Schema& physical) const;
  Result<RenderedStep> RenderCreateVersion(const VersionSpec& version,
                                           const Schema& physical) const;
  std::string KeyPredicate(const Table& table, std::string_view row) const;

  DialectOptions options_;
};

}  // namespace bellows::sqlite
