#include "tests/e2e/harness.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>

namespace bellows::e2e {

namespace fs = std::filesystem;

Db::Db(const std::string& path) {
  REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
  sqlite3_busy_timeout(db_, 5000);
}

Db::~Db() { sqlite3_close_v2(db_); }

std::string Db::Exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  std::string message = rc == SQLITE_OK ? "" : (error ? error : "error");
  sqlite3_free(error);
  return message;
}

void Db::Must(const std::string& sql) {
  std::string error = Exec(sql);
  INFO(sql);
  REQUIRE(error == "");
}

Table Db::Query(const std::string& sql) {
  Table out;
  sqlite3_stmt* stmt = nullptr;
  INFO(sql);
  REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* v = sqlite3_column_text(stmt, i);
      row.push_back(v ? reinterpret_cast<const char*>(v) : "NULL");
    }
    out.push_back(row);
  }
  sqlite3_finalize(stmt);
  return out;
}

Project::Project() {
  char tmpl[] = "/tmp/bellows-e2e-XXXXXX";
  char* made = mkdtemp(tmpl);
  REQUIRE(made != nullptr);
  dir_ = made;
  fs::create_directories(dir_ + "/migrations");
}

Project::~Project() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void Project::Write(const std::string& name, const std::string& text) {
  std::ofstream out(dir_ + "/migrations/" + name, std::ios::binary | std::ios::trunc);
  out << text;
}

void Project::Remove(const std::string& name) { fs::remove(dir_ + "/migrations/" + name); }

void Project::CopyMigrations(const std::string& source) {
  for (const auto& entry : fs::directory_iterator(source)) {
    if (entry.is_regular_file())
      fs::copy_file(entry.path(), dir_ + "/migrations/" + entry.path().filename().string(),
                    fs::copy_options::overwrite_existing);
  }
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

nlohmann::json JsonOf(const Run& r) {
  INFO(r.out << r.err);
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

std::string ServerCommand(const char* variable) {
  const char* command = std::getenv(variable);
  if (command != nullptr && *command != '\0') return command;
  MESSAGE("SKIPPED: " << variable
                      << " is not set (scripts/test.sh sets it for the servers it starts)");
  return "";
}

RunAtExit::~RunAtExit() {
  int ignored = std::system(command_.c_str());
  (void)ignored;
}

Run RunHeldBack(const Project& p, const std::string& args, int held,
                const std::function<void()>& release) {
  Run run;
  std::atomic<bool> finished{false};
  std::thread runner([&] {
    run = p.Bellows(args);
    finished = true;
  });
  struct Join {
    std::thread& thread;
    ~Join() {
      if (thread.joinable()) thread.join();
    }
  } join{runner};
  std::this_thread::sleep_for(std::chrono::seconds(held));
  CHECK_FALSE(finished.load());
  release();
  runner.join();
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  return run;
}

bool WaitUntil(const std::function<bool()>& done, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::vector<nlohmann::json> EventsOf(const Run& r, const std::string& name) {
  std::vector<nlohmann::json> events;
  std::istringstream in(r.err);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object() && e.value("event", "") == name) events.push_back(std::move(e));
  }
  return events;
}

std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += c;
    out += c;
  }
  return out + "'";
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Run Shell(const std::string& dir, const std::string& command) {
  std::string cmd = "cd " + ShellQuote(dir) + " && env -u BELLOWS_URL -u DATABASE_URL " + command +
                    " > out.txt 2> err.txt";
  int status = std::system(cmd.c_str());
  Run r;
  if (WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.exit_code = 128 + WTERMSIG(status);
  r.out = ReadAll(dir + "/out.txt");
  r.err = ReadAll(dir + "/err.txt");
  return r;
}

Run Project::Bellows(const std::string& args, const std::map<std::string, std::string>& env,
                     bool plain) const {
  std::string cmd;
  for (const auto& [k, v] : env) cmd += k + "=" + ShellQuote(v) + " ";
  cmd += plain ? ShellQuote(BELLOWS_BIN) + " " + args : Command(args);
  return Shell(dir_, cmd);
}

std::string Project::Command(const std::string& args) const {
  return ShellQuote(BELLOWS_BIN) + " --dir migrations --url " + ShellQuote(url()) + " " + args;
}

std::string ExamplesDir() { return BELLOWS_EXAMPLES; }

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Table Observable(const Project& p) {
  Db db(p.db_path());
  Table out = SchemaSql(db);
  for (const auto& t :
       db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'bellows_%' "
                "ORDER BY name")) {
    for (const auto& r : db.Query("SELECT * FROM \"" + t[0] + "\" ORDER BY rowid")) {
      std::vector<std::string> tagged = {t[0]};
      tagged.insert(tagged.end(), r.begin(), r.end());
      out.push_back(tagged);
    }
  }
  return out;
}

Table Rows(Db& db, const std::string& table, const std::string& columns) {
  return db.Query("SELECT " + columns + " FROM \"" + table + "\" ORDER BY rowid");
}

Table SchemaSql(Db& db) {
  return db.Query(
      "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'bellows_%' "
      "AND name NOT LIKE 'sqlite_%' ORDER BY type, name");
}

}  // namespace bellows::e2e
