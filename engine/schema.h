#pragma once
// The in-memory schema model: tables, columns, keys, constraints, indexes, views, triggers.
// One model serves the planner (a virtual schema that operations update without a
// database), the dialects (introspection fills it; renderers read it) and drift (its
// canonical JSON is fingerprinted). Types and expressions are kept as dialect SQL text.
// No I/O. Lookups are by exact name.

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bellows {

struct Column {
  std::string name;
  std::string type;  // dialect type text: "INTEGER", "varchar(255)"
  bool nullable = true;
  std::optional<std::string> default_expr;  // SQL expression; nullopt = no default
  bool identity = false;                    // auto-numbered (serial/identity, AUTO_INCREMENT,
                                            // INTEGER PRIMARY KEY)
  std::string identity_detail;              // dialect spelling: "AUTOINCREMENT", "ALWAYS" ...
  std::string collation;                    // empty = the default
  std::string comment;
  std::optional<std::string> generated;  // generation expression
  bool generated_stored = false;

  bool operator==(const Column&) const = default;
};

enum class ConstraintKind { kUnique, kCheck, kForeignKey };
const char* ConstraintKindName(ConstraintKind kind);  // "unique", "check", "foreign_key"

struct Constraint;
Constraint MakeConstraint(std::string name, ConstraintKind kind,
                          std::vector<std::string> columns = {});

// Whether SQL text `expr` names identifier `name` (bare or quoted, any case). The model keeps
// expressions as text; this is the test for "does this check / index / view use column x".
bool MentionsIdentifier(std::string_view expr, std::string_view name);

struct Constraint {
  std::string name;  // empty when the database has no name for it (SQLite)
  ConstraintKind kind = ConstraintKind::kCheck;
  std::vector<std::string> columns;  // unique and foreign key columns
  std::string check;                 // check expression
  std::string ref_table;             // foreign key target
  std::vector<std::string> ref_columns;
  std::string on_delete;  // "CASCADE", "SET NULL", ...; empty = NO ACTION
  std::string on_update;
  std::string deferrable;  // "DEFERRABLE INITIALLY DEFERRED", as written
  bool validated = true;   // false: PostgreSQL NOT VALID

  bool operator==(const Constraint&) const = default;
};

struct IndexKey {
  std::string column;      // a column name, or empty when `expression` is set
  std::string expression;  // an expression key
  bool descending = false;
  std::string collation;

  bool operator==(const IndexKey&) const = default;
};

struct Index {
  std::string name;
  bool unique = false;
  std::vector<IndexKey> keys;
  std::string where;   // partial index predicate; empty = none
  bool valid = true;   // false: a PostgreSQL INVALID index left by a failed CONCURRENTLY
  std::string method;  // access method when not the default ("gin", "hash"); empty = default

  bool operator==(const Index&) const = default;
  bool Covers(std::string_view column) const;  // a key or the predicate names `column`
};

struct Table {
  std::string name;
  std::vector<Column> columns;
  std::vector<std::string> primary_key;  // column names, in key order
  std::string primary_key_name;          // empty when unnamed
  std::vector<Constraint> constraints;
  std::vector<Index> indexes;
  std::string options;  // dialect table options: "WITHOUT ROWID", "STRICT"
  std::string comment;
  bool opaque = false;  // changed by SQL bellows could not follow (offline model only)
  // Parts of the definition the model does not represent (SQLite ON CONFLICT clauses ...):
  // a rebuild of the table would lose them, so it is refused.
  std::vector<std::string> unmodelled;

  const Column* FindColumn(std::string_view column) const;
  Column* FindColumn(std::string_view column);
  int ColumnIndex(std::string_view column) const;  // -1 when absent
  const Index* FindIndex(std::string_view index) const;
  const Constraint* FindConstraint(std::string_view constraint) const;
  std::vector<std::string> ColumnNames() const;
  // The key backfill pages by: the primary key, else a unique index on NOT NULL columns.
  // Empty when the table has neither.
  std::vector<std::string> KeyColumns() const;
  // Renames `from` to `to` in the columns, key, constraints and index keys (not in expressions).
  void RenameColumnEverywhere(std::string_view from, std::string_view to);
};

struct View {
  std::string name;
  std::string definition;  // the SELECT, as the database keeps it
  bool operator==(const View&) const = default;
};

struct Trigger {
  std::string name;
  std::string table;
  std::string definition;  // the full CREATE TRIGGER statement or body, as the database keeps it
  bool operator==(const Trigger&) const = default;
};

struct Sequence {
  std::string name;
  std::string owned_by;  // "table.column" for identity/serial sequences; empty = free-standing
  bool operator==(const Sequence&) const = default;
};

// The tables of a schema, in creation order. Copies share each table until one of them changes
// it (copy-on-write): the planner copies the schema model for every batch, and a long history
// has thousands of tables that one migration does not touch. Reading goes through const
// access (iteration is read-only); writing through the non-const operator[], front(), back()
// or Schema::FindTable, which give the table to this list alone first. A Table& so obtained
// stays valid until this list is copied; do not keep it across a copy.
class TableList {
 public:
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = Table;
    using difference_type = std::ptrdiff_t;
    using pointer = const Table*;
    using reference = const Table&;

    const_iterator() = default;
    const Table& operator*() const { return **it_; }
    const Table* operator->() const { return it_->get(); }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(it_++); }
    bool operator==(const const_iterator&) const = default;

   private:
    friend class TableList;
    explicit const_iterator(std::vector<std::shared_ptr<Table>>::const_iterator it) : it_(it) {}
    std::vector<std::shared_ptr<Table>>::const_iterator it_;
  };

  TableList() = default;
  TableList(std::initializer_list<Table> tables);

  const_iterator begin() const { return const_iterator(slots_.begin()); }
  const_iterator end() const { return const_iterator(slots_.end()); }
  size_t size() const { return slots_.size(); }
  bool empty() const { return slots_.empty(); }
  const Table& operator[](size_t i) const { return *slots_[i]; }
  Table& operator[](size_t i);
  const Table& front() const { return *slots_.front(); }
  Table& front() { return (*this)[0]; }
  const Table& back() const { return *slots_.back(); }
  Table& back() { return (*this)[slots_.size() - 1]; }
  void push_back(Table table);
  // Removes the tables named `name`.
  void Erase(std::string_view name);
  // The position of the table named `name`, or npos. A hash of each name, kept beside the
  // tables, makes the scan cheap; a table given out writable may be renamed, so its hash is
  // taken again on the next lookup, and NamesChanged() (called by every rename) retakes all.
  size_t Find(std::string_view name) const;
  void NamesChanged();
  static constexpr size_t npos = static_cast<size_t>(-1);

 private:
  static constexpr size_t kStale = 0;
  static size_t HashName(std::string_view name);

  std::vector<std::shared_ptr<Table>> slots_;
  mutable std::vector<size_t> hashes_;  // parallel to slots_; kStale = take again
};

class Schema {
 public:
  TableList tables;  // in creation order
  std::vector<View> views;
  std::vector<Trigger> triggers;
  std::vector<Sequence> sequences;
  bool opaque = false;  // SQL bellows could not follow touched unnamed objects (offline only)
  // bellows' own objects found by introspection, one line each ("schema public_3", "view
  // public_3.users", "trigger _bellows_sync_users on users"): state tables and shadow columns
  // are not listed. Drift compares them with the recorded set (SPEC 6); the planner ignores
  // them.
  std::vector<std::string> bellows_objects;

  const Table* FindTable(std::string_view name) const;
  Table* FindTable(std::string_view name);
  const View* FindView(std::string_view name) const;
  // The table holding index `name`, or nullptr.
  const Table* FindIndexTable(std::string_view index) const;
  Table* FindIndexTable(std::string_view index);
  bool HasRelation(std::string_view name) const { return FindTable(name) || FindView(name); }
  void DropTable(std::string_view name);
  // After table `from` was renamed `to`: the name lookup, foreign keys and triggers follow it.
  void RenameTableReferences(std::string_view from, std::string_view to);
  // After column `from` of `table` was renamed `to`: foreign keys referencing it follow it.
  void RenameReferencedColumn(std::string_view table, std::string_view from, std::string_view to);
  void DropView(std::string_view name);
  // Triggers defined on `table`.
  std::vector<const Trigger*> TriggersOn(std::string_view table) const;
  // Tables with a foreign key referencing `table` (other than itself).
  std::vector<const Table*> ReferencingTables(std::string_view table) const;
};

}  // namespace bellows
