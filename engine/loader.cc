#include "engine/loader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "engine/checksum.h"
#include "engine/migration_yaml.h"
#include "engine/ops/op_sql.h"
#include "engine/sql_file.h"
#include "engine/sql_lexer.h"
#include "engine/strings.h"

namespace bellows {

namespace fs = std::filesystem;

const char* DirFormatName(DirFormat f) {
  switch (f) {
    case DirFormat::kAuto:
      return "auto";
    case DirFormat::kBellows:
      return "bellows";
    case DirFormat::kGolangMigrate:
      return "golang-migrate";
    case DirFormat::kFlyway:
      return "flyway";
    case DirFormat::kDbmate:
      return "dbmate";
    case DirFormat::kGoose:
      return "goose";
  }
  return "bellows";
}

Result<DirFormat> ParseDirFormat(std::string_view name) {
  for (DirFormat f : {DirFormat::kAuto, DirFormat::kBellows, DirFormat::kGolangMigrate,
                      DirFormat::kFlyway, DirFormat::kDbmate, DirFormat::kGoose}) {
    if (name == DirFormatName(f)) return f;
  }
  return BELLOWS_ERR(kUsage, "unknown directory format \"" + std::string(name) + "\"")
      .WithHint("use auto, bellows, golang-migrate, flyway, dbmate or goose");
}

const char* MigrationKindName(MigrationKind kind) {
  switch (kind) {
    case MigrationKind::kYaml:
      return "yaml";
    case MigrationKind::kSql:
      return "sql";
    case MigrationKind::kRepeatable:
      return "repeatable";
  }
  return "sql";
}

const Migration* Directory::Find(std::string_view version_text) const {
  auto it = by_version_.find(std::string(version_text));
  if (it != by_version_.end() && it->second < migrations.size() &&
      migrations[it->second].VersionText() == version_text) {
    return &migrations[it->second];
  }
  for (const Migration& m : migrations) {  // not indexed, or changed since
    if (m.VersionText() == version_text) return &m;
  }
  return nullptr;
}

void Directory::Index() {
  by_version_.clear();
  for (size_t i = 0; i < migrations.size(); ++i)
    by_version_.emplace(migrations[i].VersionText(), i);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return BELLOWS_ERR(kUsage, "cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

namespace {

struct Pending {
  std::string version;  // as written
  std::string name;
  std::string up_file, down_file;
  bool repeatable = false;
  bool yaml = false;
};

// Files Detect read, by name, so that loading does not read them again.
using ReadTexts = std::map<std::string, std::string>;

DirFormat Detect(const std::vector<std::string>& names, const std::string& dir, ReadTexts* read) {
  static const std::regex kGolang(R"(^\d+_.+\.(up|down)\.sql$)");
  static const std::regex kFlyway(R"(^([VU]\d+([._]\d+)*|R)__.+\.sql$)");
  for (const std::string& n : names) {
    if (std::regex_match(n, kGolang)) return DirFormat::kGolangMigrate;
  }
  for (const std::string& n : names) {
    if (std::regex_match(n, kFlyway)) return DirFormat::kFlyway;
  }
  for (const std::string& n : names) {
    if (!EndsWith(n, ".sql")) continue;
    Result<std::string> text = ReadFile(dir + "/" + n);
    if (!text.ok()) continue;
    if (text->find("-- migrate:up") != std::string::npos) return DirFormat::kDbmate;
    if (text->find("-- +goose Up") != std::string::npos) return DirFormat::kGoose;
    read->emplace(n, std::move(*text));
  }
  return DirFormat::kBellows;
}

// Sorts the directory's files into migrations by name; files that match no pattern become
// warnings.
Result<std::vector<Pending>> Group(const std::vector<std::string>& names, DirFormat format,
                                   std::vector<std::string>* warnings) {
  static const std::regex kBellows(R"(^(\d+)_(.+)\.(yaml|yml|sql)$)");
  static const std::regex kGolang(R"(^(\d+)_(.+)\.(up|down)\.sql$)");
  static const std::regex kFlyway(R"(^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$)");
  static const std::regex kFlywayRepeatable(R"(^R__(.+)\.sql$)");
  static const std::regex kPlain(R"(^(\d+)_(.+)\.sql$)");
  std::map<std::string, Pending> by_key;  // keyed by version text as written (+ name for R__)
  std::vector<Pending> out;
  for (const std::string& n : names) {
    std::smatch m;
    Pending p;
    bool down = false;
    if (format == DirFormat::kBellows && std::regex_match(n, m, kBellows)) {
      p = {m[1], m[2], n, "", false, m[3] != "sql"};
    } else if (format == DirFormat::kGolangMigrate && std::regex_match(n, m, kGolang)) {
      p = {m[1], m[2], "", "", false, false};
      down = m[3] == "down";
    } else if (format == DirFormat::kFlyway && std::regex_match(n, m, kFlyway)) {
      p = {m[2], m[3], "", "", false, false};
      down = m[1] == "U";
    } else if (format == DirFormat::kFlyway && std::regex_match(n, m, kFlywayRepeatable)) {
      p = {"", m[1], n, "", true, false};
    } else if ((format == DirFormat::kDbmate || format == DirFormat::kGoose) &&
               std::regex_match(n, m, kPlain)) {
      p = {m[1], m[2], n, "", false, false};
    } else {
      warnings->push_back("ignored " + n + ": the name matches no " + DirFormatName(format) +
                          " migration pattern");
      continue;
    }
    if (p.repeatable) {
      out.push_back(p);
      continue;
    }
    std::optional<Version> v = Version::Parse(p.version);
    if (!v) {
      warnings->push_back("ignored " + n + ": \"" + p.version + "\" is not a version");
      continue;
    }
    std::string key = v->canonical();
    auto it = by_key.find(key);
    if (format == DirFormat::kGolangMigrate || format == DirFormat::kFlyway) {
      if (it == by_key.end()) it = by_key.emplace(key, p).first;
      std::string& slot = down ? it->second.down_file : it->second.up_file;
      if (!slot.empty()) {
        return BELLOWS_ERR(kInvalid, "two files have version " + key + ": " + slot + " and " + n)
            .WithHint("give one of them a new version");
      }
      slot = n;
      continue;
    }
    if (it != by_key.end()) {
      return BELLOWS_ERR(kInvalid,
                         "two files have version " + key + ": " + it->second.up_file + " and " + n)
          .WithHint("give one of them a new version (bellows new picks the next free one)");
    }
    by_key.emplace(key, p);
  }
  std::vector<std::pair<Version, Pending>> versioned;
  for (auto& [key, p] : by_key) {
    if (p.up_file.empty()) {
      return BELLOWS_ERR(kInvalid, "down file " + p.down_file + " has no up file")
          .WithHint("add the up file or remove it");
    }
    versioned.emplace_back(*Version::Parse(p.version), p);
  }
  std::sort(versioned.begin(), versioned.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Pending> result;
  for (auto& [v, p] : versioned) result.push_back(p);
  std::sort(out.begin(), out.end(),
            [](const Pending& a, const Pending& b) { return a.name < b.name; });
  result.insert(result.end(), out.begin(), out.end());
  return result;
}

SqlMarkers MarkersOf(DirFormat f) {
  switch (f) {
    case DirFormat::kBellows:
      return SqlMarkers::kBellows;
    case DirFormat::kDbmate:
      return SqlMarkers::kDbmate;
    case DirFormat::kGoose:
      return SqlMarkers::kGoose;
    default:
      return SqlMarkers::kNone;
  }
}

// Whether SQL text holds no statement: whitespace, -- and /* */ comments, semicolons.
bool OnlyComments(std::string_view text) {
  LexOptions lex;
  for (const Token& t : Tokenize(text, lex)) {
    if (!t.IsTrivia() && !t.IsPunct(';')) return false;
  }
  return true;
}

std::string Stem(const std::string& file) {
  std::string s = file;
  for (const char* ext : {".up.sql", ".down.sql", ".yaml", ".yml", ".sql"}) {
    if (EndsWith(s, ext)) return s.substr(0, s.size() - std::strlen(ext));
  }
  return s;
}

}  // namespace

Result<Directory> LoadDirectory(const std::string& path, DirFormat format) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    return BELLOWS_ERR(kUsage, "migration directory " + path + " does not exist")
        .WithHint("create it with bellows init, or pass --dir");
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    std::string n = entry.path().filename().string();
    if (!entry.is_regular_file() || n.empty() || n[0] == '.' || n == "bellows.sum") continue;
    if (EndsWith(n, ".md") || EndsWith(n, ".txt")) continue;
    names.push_back(n);
  }
  if (ec) return BELLOWS_ERR(kUsage, "cannot list " + path + ": " + ec.message());
  std::sort(names.begin(), names.end());

  Directory dir;
  dir.path = path;
  dir.format = format;
  ReadTexts read;
  if (format == DirFormat::kAuto) {
    dir.format = Detect(names, path, &read);
    dir.detected = true;
  }
  // A file's text as Detect read it, or read now.
  auto text_of = [&read](const std::string& name, const std::string& shown) -> Result<std::string> {
    auto it = read.find(name);
    if (it == read.end()) return ReadFile(shown);
    std::string text = std::move(it->second);
    read.erase(it);
    return text;
  };
  BELLOWS_ASSIGN_OR_RETURN(std::vector<Pending> groups, Group(names, dir.format, &dir.warnings));
  for (const Pending& p : groups) {
    Migration m;
    m.name = p.name;
    m.file = p.up_file;
    m.down_file = p.down_file;
    m.id = Stem(p.up_file);
    if (p.repeatable) {
      m.kind = MigrationKind::kRepeatable;
    } else {
      m.version = *Version::Parse(p.version);
      m.kind = p.yaml ? MigrationKind::kYaml : MigrationKind::kSql;
    }
    const std::string shown = (fs::path(path) / p.up_file).string();
    BELLOWS_ASSIGN_OR_RETURN(std::string text, text_of(p.up_file, shown));
    m.checksum = Sha256Hex(text);
    dir.files.push_back({p.up_file, m.checksum});
    if (m.kind == MigrationKind::kYaml) {
      Status s = ReadYamlMigration(text, shown, &m);
      if (!s.ok()) return s.WithMigration(m.id);
    } else {
      BELLOWS_ASSIGN_OR_RETURN(SqlFileSections sections,
                               ParseSqlFile(text, shown, MarkersOf(dir.format)));
      if (!p.down_file.empty()) {
        const std::string down_shown = (fs::path(path) / p.down_file).string();
        BELLOWS_ASSIGN_OR_RETURN(std::string down, text_of(p.down_file, down_shown));
        m.down_checksum = Sha256Hex(down);
        dir.files.push_back({p.down_file, m.down_checksum});
        sections.down = SqlSection{DialectText(down), {down_shown, 1, 1}};
      }
      m.no_transaction = sections.no_transaction;
      m.allow_out_of_order = sections.allow_out_of_order;
      bool empty = !sections.up || OnlyComments(sections.up->text.all().value_or(""));
      if (!empty || sections.contract) {
        SqlSection up = sections.up.value_or(SqlSection{DialectText(""), {shown, 1, 1}});
        m.operations.push_back(
            std::make_shared<SqlOp>(up, sections.down, sections.contract, sections.no_transaction));
        std::const_pointer_cast<Operation>(m.operations.back())->set_location(up.at);
      }
    }
    dir.migrations.push_back(std::move(m));
  }
  dir.Index();
  return dir;
}

}  // namespace bellows
