#include "engine/lint_types.h"

#include <string>

#include "engine/strings.h"

namespace bellows {

namespace {

// "varchar(20)" -> ("varchar", {20}); "decimal(10, 2)" -> ("decimal", {10, 2}).
std::string BaseName(const std::string& t, std::vector<long long>* args) {
  size_t open = t.find('(');
  std::string base = std::string(Trim(t.substr(0, open)));
  if (open != std::string::npos) {
    size_t close = t.find(')', open);
    for (const std::string& a : Split(t.substr(open + 1, close - open - 1), ',')) {
      try {
        args->push_back(std::stoll(std::string(Trim(a))));
      } catch (...) {
        args->push_back(-1);
      }
    }
    if (close != std::string::npos) {
      std::string rest(Trim(t.substr(close + 1)));
      if (!rest.empty()) base += " " + rest;
    }
  }
  return base;
}

}  // namespace

TypeInfo ClassifyType(std::string_view type, std::string_view dialect) {
  std::vector<long long> args;
  std::string base = BaseName(NormalizeSpace(Lower(type)), &args);
  if (EndsWith(base, " unsigned")) base = base.substr(0, base.size() - 9);
  TypeInfo t;
  auto integer = [&](int bytes) {
    t.family = TypeInfo::Family::kInteger;
    t.bytes = bytes;
  };
  if (base == "tinyint") {
    integer(1);
  } else if (base == "smallint" || base == "int2" || base == "smallserial") {
    integer(2);
  } else if (base == "mediumint") {
    integer(3);
  } else if (base == "int" || base == "integer" || base == "int4" || base == "serial") {
    // SQLite's INTEGER is 8 bytes.
    integer(dialect == "sqlite" ? 8 : 4);
  } else if (base == "bigint" || base == "int8" || base == "bigserial") {
    integer(8);
  } else if (base == "decimal" || base == "numeric") {
    t.family = TypeInfo::Family::kDecimal;
    t.precision = args.empty() ? (dialect == "mysql" ? 10 : -1) : static_cast<int>(args[0]);
    t.scale = args.size() > 1 ? static_cast<int>(args[1]) : 0;
  } else if (base == "real" || base == "float4") {
    t.family = TypeInfo::Family::kFloat;
    t.bytes = dialect == "sqlite" ? 8 : 4;
  } else if (base == "double" || base == "double precision" || base == "float8" ||
             base == "float") {
    t.family = TypeInfo::Family::kFloat;
    t.bytes = 8;
  } else if (base == "varchar" || base == "character varying" || base == "nvarchar" ||
             base == "char" || base == "character" || base == "bpchar") {
    t.family = TypeInfo::Family::kText;
    t.length = args.empty() ? (base == "char" || base == "character" ? 1 : -1) : args[0];
    t.fixed = base == "char" || base == "character" || base == "bpchar";
    if (dialect == "sqlite") t.length = -1;  // SQLite keeps any length in any text column
  } else if (base == "text" || base == "clob" || base == "longtext" || base == "mediumtext" ||
             base == "tinytext") {
    t.family = TypeInfo::Family::kText;
    if (dialect == "mysql") {
      t.length = base == "tinytext"     ? 255
                 : base == "text"       ? 65535
                 : base == "mediumtext" ? 16777215
                                        : -1;
    }
  }
  return t;
}

std::optional<bool> Fits(std::string_view from, std::string_view to, std::string_view dialect) {
  using F = TypeInfo::Family;
  TypeInfo a = ClassifyType(from, dialect);
  TypeInfo b = ClassifyType(to, dialect);
  if (a.family == F::kOther || b.family == F::kOther) return std::nullopt;
  static const int kDigits[9] = {0, 3, 5, 8, 10, 10, 10, 10, 19};
  auto longer = [](long long x, long long y) { return y < 0 || (x >= 0 && y >= x); };
  switch (a.family) {
    case F::kInteger:
      if (b.family == F::kInteger) return b.bytes >= a.bytes;
      if (b.family == F::kDecimal)
        return b.precision < 0 || b.precision - b.scale >= kDigits[a.bytes];
      if (b.family == F::kFloat) return b.bytes == 8 && a.bytes <= 4;
      return longer(kDigits[a.bytes] + 1, b.length);
    case F::kDecimal:
      if (b.family == F::kDecimal) {
        if (b.precision < 0) return true;
        if (a.precision < 0) return false;
        return b.precision - b.scale >= a.precision - a.scale && b.scale >= a.scale;
      }
      if (b.family == F::kText) return a.precision >= 0 && longer(a.precision + 2, b.length);
      return false;
    case F::kFloat:
      if (b.family == F::kFloat) return b.bytes >= a.bytes;
      if (b.family == F::kText) return b.length < 0;
      return false;
    case F::kText:
      if (b.family != F::kText) return false;
      return longer(a.length, b.length);
    case F::kOther:
      break;
  }
  return std::nullopt;
}

bool PostgresBinaryWidening(std::string_view from, std::string_view to) {
  using F = TypeInfo::Family;
  TypeInfo a = ClassifyType(from, "postgres");
  TypeInfo b = ClassifyType(to, "postgres");
  if (a.family == F::kText && b.family == F::kText && !a.fixed && !b.fixed)
    return b.length < 0 || (a.length >= 0 && b.length >= a.length);
  if (a.family == F::kDecimal && b.family == F::kDecimal)
    return b.scale == a.scale &&
           (b.precision < 0 || (a.precision >= 0 && b.precision >= a.precision));
  return false;
}

}  // namespace bellows
