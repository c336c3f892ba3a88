#pragma once
// PostgreSQL 15 dialect: types, quoting and the rendering of plan steps. Pure: no database.
// Online patterns (https://www.postgresql.org/docs/15/explicit-locking.html): CREATE INDEX
// CONCURRENTLY, constraints NOT VALID then VALIDATE, NOT NULL through a validated CHECK, and
// no step that holds ACCESS EXCLUSIVE longer than a catalog change.

#include "engine/dialect.h"

namespace bellows::postgres {

class PostgresDialect final : public Dialect {
 public:
  explicit PostgresDialect(DialectOptions options = {});

  std::string_view Name() const override { return "postgres"; }
  bool Supports(Capability capability) const override;
  std::string QuoteIdentifier(std::string_view name) const override;
  std::string QuoteString(std::string_view value) const override;
  SplitOptions SqlSplitOptions() const override;
  size_t MaxIdentifierLength() const override { return 63; }
  std::string MapType(std::string_view type, bool identity) const override;
  bool SameType(std::string_view a, std::string_view b) const override;
  Result<RenderedStep> Render(const Step& step, const Schema& physical) const override;
  std::string LatestSql(const VersionSpec& version) const override;
  std::string LatestSchema(const VersionSpec& version) const override;
  std::string LatestEnv(const VersionSpec& version) const override;
  std::string DefaultVersionPrefix(std::string_view) const override { return schema_; }
  std::vector<std::string> BackfillPrelude() const override;
  std::string StateTable(std::string_view name) const override;
  std::string StateSchemaDdl() const override;
  std::string StateTextType(bool long_text) const override;

  // The target schema ("public" unless --schema) and a table in it, quoted.
  const std::string& schema() const { return schema_; }
  std::string Table(std::string_view table) const;
  std::string CreateTableSql(const bellows::Table& table) const;
  std::string ColumnSql(const Column& column) const;
  std::string ConstraintSql(const Constraint& constraint) const;
  std::string IndexSql(const std::string& table, const Index& index, bool concurrently) const;

 private:
  Result<RenderedStep> RenderSync(const ShadowSync& sync) const;
  Result<RenderedStep> RenderCreateVersion(const VersionSpec& version) const;
  RenderedStep RenderDropVersion(const VersionSpec& version) const;
  // The trigger filling `t`'s columns hidden from `version` on its writes (TableView::fill).
  Status AddFillTrigger(const VersionSpec& version, const TableView& t, RenderedStep& r) const;
  // A DO block dropping every fill trigger of the target schema.
  std::string DropFillTriggers() const;
  Result<RenderedStep> RenderSwap(const steps::SwapColumn& s, const Schema& physical) const;

  DialectOptions options_;
  std::string schema_;
};

// The canonical PostgreSQL spelling of a type, as format_type() prints it
// ("varchar(20)" -> "character varying(20)").
std::string CanonicalType(std::string_view type);

}  // namespace bellows::postgres
