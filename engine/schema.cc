#include "engine/schema.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <utility>

#include "engine/sql_lexer.h"
#include "engine/strings.h"

namespace bellows {

const char* ConstraintKindName(ConstraintKind kind) {
  switch (kind) {
    case ConstraintKind::kUnique:
      return "unique";
    case ConstraintKind::kCheck:
      return "check";
    case ConstraintKind::kForeignKey:
      return "foreign_key";
  }
  return "check";
}

Constraint MakeConstraint(std::string name, ConstraintKind kind, std::vector<std::string> columns) {
  Constraint c;
  c.name = std::move(name);
  c.kind = kind;
  c.columns = std::move(columns);
  return c;
}

bool MentionsIdentifier(std::string_view expr, std::string_view name) {
  LexOptions lex;
  lex.backtick_identifiers = true;
  for (const Token& t : Tokenize(expr, lex)) {
    if ((t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent) &&
        EqualsIgnoreCase(IdentifierText(t), name)) {
      return true;
    }
  }
  return false;
}

bool Index::Covers(std::string_view column) const {
  for (const IndexKey& k : keys) {
    if (k.column == column) return true;
    if (!k.expression.empty() && MentionsIdentifier(k.expression, column)) return true;
  }
  return !where.empty() && MentionsIdentifier(where, column);
}

const Column* Table::FindColumn(std::string_view column) const {
  for (const Column& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

Column* Table::FindColumn(std::string_view column) {
  return const_cast<Column*>(static_cast<const Table*>(this)->FindColumn(column));
}

int Table::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int>(i);
  }
  return -1;
}

const Index* Table::FindIndex(std::string_view index) const {
  for (const Index& i : indexes) {
    if (i.name == index) return &i;
  }
  return nullptr;
}

const Constraint* Table::FindConstraint(std::string_view constraint) const {
  for (const Constraint& c : constraints) {
    if (!c.name.empty() && c.name == constraint) return &c;
  }
  return nullptr;
}

std::vector<std::string> Table::ColumnNames() const {
  std::vector<std::string> out;
  for (const Column& c : columns) out.push_back(c.name);
  return out;
}

std::vector<std::string> Table::KeyColumns() const {
  if (!primary_key.empty()) return primary_key;
  for (const Index& index : indexes) {
    if (!index.unique || !index.where.empty()) continue;
    std::vector<std::string> key;
    for (const IndexKey& k : index.keys) {
      const Column* c = k.column.empty() ? nullptr : FindColumn(k.column);
      if (c == nullptr || c->nullable) {
        key.clear();
        break;
      }
      key.push_back(k.column);
    }
    if (!key.empty()) return key;
  }
  for (const Constraint& con : constraints) {
    if (con.kind != ConstraintKind::kUnique) continue;
    bool all_not_null = std::all_of(con.columns.begin(), con.columns.end(), [&](const auto& n) {
      const Column* c = FindColumn(n);
      return c != nullptr && !c->nullable;
    });
    if (all_not_null && !con.columns.empty()) return con.columns;
  }
  return {};
}

void Table::RenameColumnEverywhere(std::string_view from, std::string_view to) {
  auto rename = [&](std::string& n) {
    if (n == from) n = std::string(to);
  };
  for (Column& c : columns) rename(c.name);
  for (std::string& k : primary_key) rename(k);
  for (Constraint& con : constraints) {
    for (std::string& c : con.columns) rename(c);
  }
  for (Index& index : indexes) {
    for (IndexKey& k : index.keys) rename(k.column);
  }
}

TableList::TableList(std::initializer_list<Table> tables) {
  for (const Table& t : tables) push_back(t);
}

Table& TableList::operator[](size_t i) {
  std::shared_ptr<Table>& slot = slots_[i];
  if (slot.use_count() > 1) slot = std::make_shared<Table>(*slot);
  hashes_[i] = kStale;  // the caller may rename it
  return *slot;
}

void TableList::push_back(Table table) {
  hashes_.push_back(HashName(table.name));
  slots_.push_back(std::make_shared<Table>(std::move(table)));
}

void TableList::Erase(std::string_view name) {
  for (size_t i = slots_.size(); i-- > 0;) {
    if (slots_[i]->name != name) continue;
    slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(i));
    hashes_.erase(hashes_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

size_t TableList::HashName(std::string_view name) {
  size_t h = std::hash<std::string_view>{}(name);
  return h == kStale ? 1 : h;
}

size_t TableList::Find(std::string_view name) const {
  const size_t h = HashName(name);
  size_t found = npos;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (hashes_[i] == kStale) hashes_[i] = HashName(slots_[i]->name);
    if (hashes_[i] == h && slots_[i]->name == name) {
      found = i;
      break;
    }
  }
#ifndef NDEBUG
  // Debug builds (the sanitizer runs of CI) prove the hashes never hide a table.
  for (size_t i = 0; i < slots_.size() && found == npos; ++i)
    assert(slots_[i]->name != name && "TableList: a table was renamed without NamesChanged()");
#endif
  return found;
}

void TableList::NamesChanged() { std::fill(hashes_.begin(), hashes_.end(), kStale); }

const Table* Schema::FindTable(std::string_view name) const {
  size_t i = tables.Find(name);
  return i == TableList::npos ? nullptr : &tables[i];
}

Table* Schema::FindTable(std::string_view name) {
  size_t i = tables.Find(name);
  return i == TableList::npos ? nullptr : &tables[i];
}

const View* Schema::FindView(std::string_view name) const {
  for (const View& v : views) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

const Table* Schema::FindIndexTable(std::string_view index) const {
  for (const Table& t : tables) {
    if (t.FindIndex(index)) return &t;
  }
  return nullptr;
}

Table* Schema::FindIndexTable(std::string_view index) {
  for (size_t i = 0; i < tables.size(); ++i) {
    if (std::as_const(tables)[i].FindIndex(index)) return &tables[i];
  }
  return nullptr;
}

void Schema::DropTable(std::string_view name) {
  tables.Erase(name);
  std::erase_if(triggers, [&](const Trigger& t) { return t.table == name; });
}

void Schema::RenameTableReferences(std::string_view from, std::string_view to) {
  tables.NamesChanged();
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::vector<Constraint>& read = std::as_const(tables)[i].constraints;
    bool refers = std::any_of(read.begin(), read.end(),
                              [&](const Constraint& c) { return c.ref_table == from; });
    if (!refers) continue;  // untouched tables stay shared with the schema's copies
    for (Constraint& c : tables[i].constraints) {
      if (c.ref_table == from) c.ref_table = std::string(to);
    }
  }
  for (Trigger& tr : triggers) {
    if (tr.table == from) tr.table = std::string(to);
  }
}

void Schema::RenameReferencedColumn(std::string_view table, std::string_view from,
                                    std::string_view to) {
  for (size_t i = 0; i < tables.size(); ++i) {
    const std::vector<Constraint>& read = std::as_const(tables)[i].constraints;
    bool refers = std::any_of(read.begin(), read.end(), [&](const Constraint& c) {
      return c.ref_table == table &&
             std::find(c.ref_columns.begin(), c.ref_columns.end(), from) != c.ref_columns.end();
    });
    if (!refers) continue;
    for (Constraint& c : tables[i].constraints) {
      if (c.ref_table != table) continue;
      for (std::string& rc : c.ref_columns) {
        if (rc == from) rc = std::string(to);
      }
    }
  }
}

void Schema::DropView(std::string_view name) {
  std::erase_if(views, [&](const View& v) { return v.name == name; });
}

std::vector<const Trigger*> Schema::TriggersOn(std::string_view table) const {
  std::vector<const Trigger*> out;
  for (const Trigger& t : triggers) {
    if (t.table == table) out.push_back(&t);
  }
  return out;
}

std::vector<const Table*> Schema::ReferencingTables(std::string_view table) const {
  std::vector<const Table*> out;
  for (const Table& t : tables) {
    if (t.name == table) continue;
    for (const Constraint& c : t.constraints) {
      if (c.kind == ConstraintKind::kForeignKey && c.ref_table == table) {
        out.push_back(&t);
        break;
      }
    }
  }
  return out;
}

}  // namespace bellows
