#include "engine/loader.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <doctest/doctest.h>

#include "engine/ops/op_sql.h"
#include "engine/sum_file.h"

namespace bellows {

namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/bellows-loader-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << text;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> Versions(const Directory& d) {
  std::vector<std::string> out;
  for (const Migration& m : d.migrations)
    out.push_back(m.VersionText() + ":" + m.file + (m.down_file.empty() ? "" : "+" + m.down_file));
  return out;
}

}  // namespace

TEST_CASE("loader: bellows files in version order, SQL sections and no-ops") {
  TempDir d;
  d.Write("0010_b.sql",
          "-- bellows:no-transaction\n-- bellows:up\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- "
          "bellows:down\nDROP INDEX i;");
  d.Write("0002_a.yaml", "operations:\n  - drop_table: {table: t}\n");
  d.Write("0003_empty.sql", "-- just a comment\n");
  d.Write("README.md", "notes");
  d.Write("x.dow.sql", "typo");
  auto dir = LoadDirectory(d.path(), DirFormat::kAuto);
  REQUIRE(dir.ok());
  CHECK(dir->format == DirFormat::kBellows);
  CHECK(Versions(*dir) ==
        std::vector<std::string>{"2:0002_a.yaml", "3:0003_empty.sql", "10:0010_b.sql"});
  CHECK(dir->migrations[0].kind == MigrationKind::kYaml);
  CHECK(dir->migrations[1].operations.empty());  // comment-only: a no-op
  CHECK(dir->migrations[2].no_transaction);
  REQUIRE(dir->warnings.size() == 1);
  CHECK(dir->warnings[0].find("x.dow.sql") != std::string::npos);
  CHECK(dir->migrations[2].checksum.size() == 64);
}

TEST_CASE("loader: golang-migrate up and down files are one migration") {
  TempDir d;
  d.Write("1_init.up.sql", "CREATE TABLE a (id int);");
  d.Write("1_init.down.sql", "DROP TABLE a;");
  d.Write("2_more.up.sql", "CREATE TABLE b (id int);");
  auto dir = LoadDirectory(d.path(), DirFormat::kAuto);
  REQUIRE(dir.ok());
  CHECK(dir->format == DirFormat::kGolangMigrate);
  CHECK(dir->detected);
  CHECK(Versions(*dir) ==
        std::vector<std::string>{"1:1_init.up.sql+1_init.down.sql", "2:2_more.up.sql"});
  CHECK_FALSE(dir->migrations[0].down_checksum.empty());
  CHECK(dir->files.size() == 3);
}

TEST_CASE("loader: Flyway versioned, undo and repeatable files") {
  TempDir d;
  d.Write("V1__init.sql", "CREATE TABLE a (id int);");
  d.Write("V1.1__more.sql", "CREATE TABLE b (id int);");
  d.Write("U1.1__more.sql", "DROP TABLE b;");
  d.Write("V2_0__x.sql", "SELECT 1;");
  d.Write("R__views.sql", "CREATE VIEW v AS SELECT 1;");
  auto dir = LoadDirectory(d.path(), DirFormat::kAuto);
  REQUIRE(dir.ok());
  CHECK(dir->format == DirFormat::kFlyway);
  CHECK(Versions(*dir) == std::vector<std::string>{"1:V1__init.sql",
                                                   "1.1:V1.1__more.sql+U1.1__more.sql",
                                                   "2:V2_0__x.sql", "R__views:R__views.sql"});
  CHECK(dir->migrations[3].kind == MigrationKind::kRepeatable);
}

TEST_CASE("loader: dbmate and goose markers") {
  SUBCASE("dbmate") {
    TempDir d;
    d.Write("20200101000000_a.sql",
            "-- migrate:up transaction:false\nCREATE TABLE a (id int);\n-- migrate:down\nDROP "
            "TABLE a;\n");
    auto dir = LoadDirectory(d.path(), DirFormat::kAuto);
    REQUIRE(dir.ok());
    CHECK(dir->format == DirFormat::kDbmate);
    CHECK(dir->migrations[0].no_transaction);
    auto* sql = dynamic_cast<const SqlOp*>(dir->migrations[0].operations.at(0).get());
    REQUIRE(sql != nullptr);
    CHECK(sql->has_down());
  }
  SUBCASE("goose") {
    TempDir d;
    d.Write("00001_a.sql",
            "-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE a (id int);\n-- +goose "
            "StatementEnd\n-- +goose Down\nDROP TABLE a;\n");
    auto dir = LoadDirectory(d.path(), DirFormat::kAuto);
    REQUIRE(dir.ok());
    CHECK(dir->format == DirFormat::kGoose);
    CHECK(dir->migrations[0].VersionText() == "1");
  }
}

TEST_CASE("loader: errors name the files") {
  TempDir d;
  SUBCASE("two files with one version") {
    d.Write("0001_a.sql", "SELECT 1;");
    d.Write("01_b.yaml", "operations: []\n");
    auto dir = LoadDirectory(d.path(), DirFormat::kBellows);
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.status().message() == "two files have version 1: 0001_a.sql and 01_b.yaml");
  }
  SUBCASE("a misplaced operation field") {
    d.Write("0001_a.yaml", "operations:\n  - create_index: {name: i, table: t, colums: [a]}\n");
    auto dir = LoadDirectory(d.path(), DirFormat::kBellows);
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.status().message() == "create_index: missing required field \"columns\"");
    CHECK(dir.status().location()->line == 2);
  }
  SUBCASE("a missing directory") {
    auto dir = LoadDirectory(d.path() + "/nope", DirFormat::kBellows);
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.status().code() == Code::kUsage);
  }
  SUBCASE("nested YAML aliases that would expand to billions of nodes (found by fuzzing)") {
    std::string text;
    text += "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 9; ++i) {
      std::string prev = "*a" + std::to_string(i - 1);
      text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
      for (int k = 0; k < 9; ++k) text += (k ? ", " : "") + prev;
      text += "]\n";
    }
    d.Write("0001_bomb.yaml", text + "operations:\n  - sql: {up: *a9}\n");
    auto dir = LoadDirectory(d.path(), DirFormat::kBellows);
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.status().code() == Code::kInvalid);
    CHECK(dir.status().message() == "the document expands to more than 200000 nodes");
  }
  SUBCASE("an alias used inside the node it names (found by fuzzing: a stack overflow)") {
    d.Write("0001_loop.yaml", "a0: &a0 [x, *a0, *a0]\noperations:\n  - sql: {up: SELECT 1}\n");
    auto dir = LoadDirectory(d.path(), DirFormat::kBellows);
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.status().code() == Code::kInvalid);
    CHECK(dir.status().message() == "the document nests deeper than 200 levels");
    CHECK(dir.status().location()->line == 1);
  }
}

TEST_CASE("sum file: written in sha256sum format and checked") {
  TempDir d;
  d.Write("0001_a.sql", "SELECT 1;\n");
  auto dir = LoadDirectory(d.path(), DirFormat::kBellows);
  REQUIRE(dir.ok());
  bool missing = false;
  CHECK(CheckSumFile(*dir, &missing).ok());
  CHECK(missing);
  REQUIRE(WriteSumFile(*dir).ok());
  CHECK(SumFileText(*dir) ==
        "b4e0497804e46e0a0b0b8c31975b062152d551bac49c3c2e80932567b4085dcd  0001_a.sql\n");
  CHECK(CheckSumFile(*dir, &missing).ok());
  CHECK_FALSE(missing);
  d.Write("bellows.sum", "not a sum file\n");
  Status s = CheckSumFile(*dir, &missing);
  CHECK(s.code() == Code::kInvalid);
  CHECK(s.location()->line == 1);
}

}  // namespace bellows
