// Unit tests of the engine's smaller modules: durations, URLs, checksums, SQL file sections,
// the DDL recogniser, canonical schema JSON, bellows.yaml.

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <doctest/doctest.h>

#include "engine/checksum.h"
#include "engine/config.h"
#include "engine/ddl_recognizer.h"
#include "engine/duration.h"
#include "engine/schema_json.h"
#include "engine/sql_file.h"
#include "engine/url.h"

namespace bellows {

TEST_CASE("durations: units, bare seconds, errors") {
  CHECK(ParseDuration("500ms")->count() == 500);
  CHECK(ParseDuration("2s")->count() == 2000);
  CHECK(ParseDuration("1.5")->count() == 1500);
  CHECK(ParseDuration("1m")->count() == 60000);
  CHECK(ParseDuration("1h")->count() == 3600000);
  for (const char* bad : {"", "s", "-1s", "2 weeks", "1x"}) {
    CAPTURE(bad);
    CHECK(ParseDuration(bad).status().code() == Code::kUsage);
  }
  CHECK(FormatDuration(Millis(250)) == "250ms");
  CHECK(FormatDuration(Millis(1500)) == "1.5s");
}

TEST_CASE("urls: passwords are masked, dialects recognised") {
  CHECK(MaskUrl("postgres://app:s3cret@db:5432/x?sslmode=require") ==
        "postgres://app:***@db:5432/x?sslmode=require");
  CHECK(MaskUrl("mysql://root@h/x") == "mysql://root@h/x");
  CHECK(MaskUrl("postgres://h/x?user=a&password=p&x=1") ==
        "postgres://h/x?user=a&password=***&x=1");
  CHECK(MaskSecrets("FATAL: password s3cret rejected", "postgres://app:s3cret@db/x") ==
        "FATAL: password *** rejected");
  // Mistyped URLs are masked too: a password holding '@' or '/', a missing "//" or ':'.
  CHECK(MaskUrl("mysql://app:Sup3r@S3cret@h/x") == "mysql://app:***@h/x");
  CHECK(MaskUrl("mysql://app:Sup3r/S3cret@h:x/db") == "mysql://app:***@h:x/db");
  CHECK(MaskUrl("mysql:app:pw@h/x") == "mysql:app:***@h/x");
  CHECK(MaskUrl("mysql//app:pw@h/x") == "mysql//app:***@h/x");
  CHECK(MaskSecrets("no route to app:Sup3r@S3cret@h", "mysql://app:Sup3r@S3cret@h/x") ==
        "no route to app:***@h");
  // Every password= parameter (found by fuzzing: the second one showed).
  CHECK(MaskUrl("mysql://u@h/db?password=a&password=secret") ==
        "mysql://u@h/db?password=***&password=***");
  CHECK(MaskSecrets("auth secret or first1 failed",
                    "mysql://u@h/db?password=first1&password=secret") == "auth *** or *** failed");
  // A password holding "password=" (found by fuzzing: masking it as a parameter took the '@'
  // with it, and the userinfo's password showed).
  CHECK(MaskUrl("mysql://u:pwpassword=@h/db") == "mysql://u:***@h/db");
  CHECK(MaskUrl("mysql://u:pw@h/db?password=x") == "mysql://u:***@h/db?password=***");
  // A parameter value holding a space is masked to the next '&', as the MySQL adapter reads it.
  CHECK(MaskUrl("mysql://u@h/db?password= a b&x=1") == "mysql://u@h/db?password=***&x=1");
  // (the longest reading goes first: "pw user=u" may be the password, all of it is hidden)
  CHECK(MaskSecrets("host=h password=pw user=u: refused", "host=h password=pw user=u") ==
        "host=h password=***: refused");
  CHECK(MaskSecrets("auth failed for pw", "host=h password=pw user=u") == "auth failed for ***");
  CHECK(UrlDialect("sqlite:app.db") == "sqlite");
  CHECK(UrlDialect("postgresql://x") == "postgres");
  CHECK(UrlDialect("mariadb://x") == "mysql");
  CHECK(UrlDialect("oracle://x") == "");
}

TEST_CASE("checksum: SHA-256 of the exact bytes") {
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("a\r\n") != Sha256Hex("a\n"));
}

TEST_CASE("sql file sections keep the file's line numbers") {
  auto r = ParseSqlFile(
      "-- header\n-- bellows:up\nCREATE TABLE a (x int);\n-- bellows:down\nDROP TABLE a;\n"
      "-- bellows:contract\nSELECT 1;\n",
      "m.sql", SqlMarkers::kBellows);
  REQUIRE(r.ok());
  REQUIRE(r->up);
  CHECK(r->up->at.line == 1);  // text before the first marker belongs to up, from line 1
  CHECK(r->up->text.all()->find("CREATE TABLE a") != std::string::npos);
  REQUIRE(r->down);
  CHECK(r->down->at.line == 5);
  CHECK(*r->down->text.all() == "DROP TABLE a;\n");
  REQUIRE(r->contract);
  CHECK(r->contract->at.line == 7);

  auto typo = ParseSqlFile("-- bellows:dwon\n", "m.sql", SqlMarkers::kBellows);
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().ToString() == "m.sql:1:1: unknown marker \"-- bellows:dwon\"");

  auto options = ParseSqlFile("-- bellows:no-transaction\n-- bellows:allow-out-of-order\nVACUUM;\n",
                              "m.sql", SqlMarkers::kBellows);
  REQUIRE(options.ok());
  CHECK(options->no_transaction);
  CHECK(options->allow_out_of_order);
}

TEST_CASE("ddl recogniser follows what SQL does to the schema") {
  LexOptions lex;
  Schema s;
  CHECK(ApplyDdl("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)", lex, s) == DdlEffect::kApplied);
  CHECK(ApplyDdl("ALTER TABLE t ADD COLUMN b INTEGER NOT NULL DEFAULT 0", lex, s) ==
        DdlEffect::kApplied);
  CHECK(ApplyDdl("ALTER TABLE t RENAME COLUMN a TO title", lex, s) == DdlEffect::kApplied);
  CHECK(ApplyDdl("CREATE UNIQUE INDEX t_title ON t (title)", lex, s) == DdlEffect::kApplied);
  CHECK(ApplyDdl("ALTER TABLE t RENAME TO u", lex, s) == DdlEffect::kApplied);
  CHECK(ApplyDdl("INSERT INTO u (title) VALUES ('x')", lex, s) == DdlEffect::kNone);
  CHECK(ApplyDdl("CREATE VIEW v AS SELECT title FROM u", lex, s) == DdlEffect::kApplied);
  const Table* u = s.FindTable("u");
  REQUIRE(u != nullptr);
  CHECK(u->ColumnNames() == std::vector<std::string>{"id", "title", "b"});
  CHECK(u->FindIndex("t_title") != nullptr);
  CHECK(s.FindView("v") != nullptr);
  CHECK(ApplyDdl("ALTER TABLE u DROP COLUMN b", lex, s) == DdlEffect::kApplied);
  CHECK(u->FindColumn("b") == nullptr);
  CHECK(ApplyDdl("DO $$ BEGIN EXECUTE 'x'; END $$", lex, s) == DdlEffect::kOpaque);
  CHECK(s.opaque);
  CHECK(ApplyDdl("ALTER TABLE u ALTER COLUMN title TYPE varchar(9)", lex, s) == DdlEffect::kOpaque);
  CHECK(s.FindTable("u")->opaque);
  CHECK(ApplyDdl("DROP TABLE IF EXISTS u", lex, s) == DdlEffect::kApplied);
  CHECK(s.FindTable("u") == nullptr);
}

TEST_CASE("canonical schema JSON: order-independent, round-trips") {
  Schema a;
  a.tables.push_back({.name = "b", .columns = {{.name = "id", .type = "INTEGER"}}});
  a.tables.push_back(
      {.name = "a", .columns = {{.name = "x", .type = "TEXT", .default_expr = "'a'  "}}});
  Schema b;
  b.tables.push_back(a.tables[1]);
  b.tables.push_back(a.tables[0]);
  b.tables[0].columns[0].type = "text";
  b.tables[0].columns[0].default_expr = "'a'";
  CHECK(Fingerprint(a) == Fingerprint(b));
  b.tables[1].columns[0].nullable = false;
  CHECK(Fingerprint(a) != Fingerprint(b));
  Schema round = SchemaFromJson(ToJson(a));
  CHECK(ToJson(round) == ToJson(a));
}

TEST_CASE("bellows.yaml: every setting, unknown keys named") {
  char tmpl[] = "/tmp/bellows-config-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string path = dir + "/bellows.yaml";
  std::ofstream(path)
      << "url: sqlite:x.db\ndir: db\nlock_timeout: 3s\nbatch_size: 50\nrequire_sum: true\n"
         "state: {prefix: app_bellows_}\ndialects: [sqlite, postgres]\n";
  auto c = LoadConfig(path);
  REQUIRE(c.ok());
  CHECK(c->url == "sqlite:x.db");
  CHECK(c->dir == "db");
  CHECK(c->lock_timeout == "3s");
  CHECK(c->batch_size == 50);
  CHECK(c->require_sum == true);
  CHECK(c->state_prefix == "app_bellows_");
  CHECK(c->dialects == std::vector<std::string>{"sqlite", "postgres"});
  std::ofstream(path) << "url: x\ndialect: [oracle]\n";
  auto bad = LoadConfig(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("unknown field \"dialect\"") != std::string::npos);
  CHECK(bad.status().location()->line == 2);
  std::filesystem::remove_all(dir);
}

}  // namespace bellows
