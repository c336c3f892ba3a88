#pragma once
// Kill-and-resume, shared by the PostgreSQL and MariaDB suites (SPEC 4.0): a command is killed
// with SIGKILL right after its n-th state record (BELLOWS_FAULT_AFTER_STEP=n), for n = 1, 2, ...
// until it runs through; after each kill, status must say where the batch stopped and the same
// command must finish it.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

struct KillCase {
  std::string command;      // "start --batch-size 4", "complete", "rollback"
  std::string interrupted;  // the batch state status shows while the command is unfinished
  std::string settled;      // what status shows when the kill came after the last record
  std::string then;         // run after the command has finished ("" = nothing)
};

// `P` is a dialect's project (PgProject, MyProject: a fresh database and its `project`), made
// for every kill; `prepare` sets it up, `verify` checks it at the end. Returns the number of
// runs killed.
template <typename P>
int KillAfterEveryRecord(const KillCase& k, const std::function<void(P&)>& prepare,
                         const std::function<void(P&)>& verify) {
  int crashes = 0;
  for (int n = 1; n < 100; ++n) {
    CAPTURE(n);
    P target;
    prepare(target);
    Project& p = target.project;
    Run r = p.Bellows(k.command, {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    if (r.exit_code == 0) break;
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 128 + 9);
    ++crashes;
    Run status = p.Bellows("status");
    INFO(status.out, status.err);
    CHECK(status.exit_code == 0);
    if (Has(status.out, "is " + k.interrupted)) {
      Run resumed = p.Bellows(k.command);
      INFO(resumed.out, resumed.err);
      REQUIRE(resumed.exit_code == 0);
    } else {
      CHECK(Has(status.out, k.settled));
    }
    if (!k.then.empty()) {
      Run then = p.Bellows(k.then);
      INFO(then.out, then.err);
      REQUIRE(then.exit_code == 0);
    }
    verify(target);
  }
  return crashes;
}

// Kills `start`, then `complete` (each with `options`), at a random moment: `timeout -s KILL`
// after 5-400 ms, drawn from the seed 20261206 (BELLOWS_TEST_SEED replays another; failed
// checks print it). After each kill the same command finishes the job, except that start
// refuses (exit 7) a batch expanded just before the kill. Returns the number of runs killed.
template <typename P>
int KillAtRandomMoments(int rounds, const std::string& options,
                        const std::function<void(P&)>& prepare,
                        const std::function<void(P&)>& verify) {
  unsigned seed = 20261206;
  if (const char* s = std::getenv("BELLOWS_TEST_SEED")) seed = static_cast<unsigned>(std::stoul(s));
  CAPTURE(seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> after_ms(5, 400);
  int killed = 0;
  for (int round = 0; round < rounds; ++round) {
    const int ms = after_ms(random);
    CAPTURE(round);
    CAPTURE(ms);
    P target;
    prepare(target);
    Project& p = target.project;
    for (const char* command : {"start", "complete"}) {
      CAPTURE(command);
      Run r = Shell(p.dir(), "timeout -s KILL " + std::to_string(ms / 1000.0) + " " +
                                 p.Command(std::string(command) + " " + options));
      INFO(r.out, r.err);
      if (r.exit_code == 0) continue;
      REQUIRE((r.exit_code == 128 + 9 || r.exit_code == 124));
      ++killed;
      Run status = p.Bellows("status");
      INFO(status.out, status.err);
      CHECK(status.exit_code == 0);
      Run again = p.Bellows(command);
      INFO(again.out, again.err);
      CHECK((again.exit_code == 0 || (again.exit_code == 7 && Has(status.out, "is expanded"))));
    }
    verify(target);
  }
  return killed;
}

// An application (a `Conn` on the base tables, the old version) inserts user 'w<i>' and renames
// user 1 to it, for i = 1, 2, ..., all the while `start` (with `options`) is killed after
// record n, run again, and the batch completed. No statement may fail; `verify` gets the
// project and the i of every write the application saw succeed, in order.
template <typename P, typename Conn>
void WritersThroughKilledStart(const std::vector<int>& kill_after, const std::string& options,
                               const std::function<void(P&)>& prepare,
                               const std::function<void(P&, const std::vector<int>&)>& verify) {
  for (int n : kill_after) {
    CAPTURE(n);
    P target;
    prepare(target);
    Project& p = target.project;
    std::atomic<bool> stop{false};
    std::vector<int> written;
    std::vector<std::string> failures;
    std::thread app([&] {
      Conn c(target.db.url());
      for (int i = 1; !stop; ++i) {
        std::string w = "w" + std::to_string(i);
        std::string e = c.Exec("INSERT INTO users (name) VALUES ('" + w + "')");
        if (e.empty()) e = c.Exec("UPDATE users SET name = '" + w + "' WHERE id = 1");
        if (e.empty()) {
          written.push_back(i);
        } else {
          failures.push_back(w + ": " + e);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    Run killed = p.Bellows("start " + options, {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    Run resumed = p.Bellows("start " + options);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    app.join();
    INFO(killed.err, resumed.err);
    CHECK(killed.exit_code == 128 + 9);
    REQUIRE(resumed.exit_code == 0);
    Run complete = p.Bellows("complete");
    INFO(complete.out, complete.err);
    REQUIRE(complete.exit_code == 0);
    CHECK(failures.empty());
    for (size_t i = 0; i < failures.size() && i < 3; ++i) MESSAGE(failures[i]);
    REQUIRE_FALSE(written.empty());
    verify(target, written);
  }
}

// The operations the accounts migration of the crash tests leaves out: a check, a unique and a
// foreign key added, a table renamed, one dropped, raw SQL with its down section, an index and
// a constraint dropped, a table created. Their
// tables and rows come first (0001, 0002, applied); 0003 is the migration killed.
inline void WriteOtherOpsBase(Project& p) {
  p.Write("0001_pets.yaml", R"yaml(operations:
  - create_table:
      table: owners
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: name, type: varchar(50), nullable: false}
  - create_table:
      table: pets
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: owner_id, type: integer}
        - {name: name, type: varchar(50), nullable: false}
      constraints:
        - {name: pets_id_positive, type: check, check: "id > 0"}
  - create_index: {name: pets_name_idx, table: pets, columns: [name]}
  - create_table:
      table: oldname
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: v, type: integer}
  - create_table:
      table: scratch
      columns:
        - {name: id, type: integer, primary_key: true}
)yaml");
  p.Write("0002_seed.sql", R"sql(INSERT INTO owners (id, name) VALUES (1, 'ann'), (2, 'bob');
INSERT INTO pets (id, owner_id, name) VALUES (1, 1, 'rex'), (2, 2, 'tom'), (3, NULL, 'stray');
INSERT INTO oldname (id, v) VALUES (1, 10), (2, 20);
INSERT INTO scratch (id) VALUES (1);
)sql");
}
inline void WriteOtherOps(Project& p) {
  p.Write("0003_other_ops.yaml",
          R"yaml(description: the operations the accounts migration leaves out, for the crash matrix
operations:
  - create_constraint: {table: pets, name: pets_name_nonempty, type: check, check: "name <> ''", allow_copy: true}
  - create_constraint: {table: owners, name: owners_name_uniq, type: unique, columns: [name]}
  - create_constraint:
      table: pets
      name: pets_owner_fkey
      type: foreign_key
      columns: [owner_id]
      references: {table: owners, columns: [id]}
  - rename_table: {from: oldname, to: newname}
  - drop_table: {table: scratch}
  - drop_index: {name: pets_name_idx}
  - drop_constraint: {table: pets, name: pets_id_positive}
  - create_table:
      table: tags
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: pet_id, type: integer, nullable: false, references: {table: pets, column: id}}
  - sql:
      up: "INSERT INTO owners (id, name) VALUES (100, 'sql-added')"
      down: "DELETE FROM owners WHERE id = 100"
)yaml");
}

// The crash matrix of the other operations (WriteOtherOps) on a server dialect: start,
// complete and rollback each killed after every record, then finished. `state_of` reads what a
// database `make` sets up looks like (schema and rows, versions); `ends` checks a killed and
// finished run against that.
template <typename P>
void KillOtherOpsAfterEveryRecord(
    const std::function<std::pair<Table, Table>(const std::function<void(P&)>&)>& state_of,
    const std::function<std::function<void(P&)>(const Table&, const Table&)>& ends) {
  auto must = [](P& t, const std::string& args) {
    Run r = t.project.Bellows(args);
    INFO(args, "\n", r.out, r.err);
    REQUIRE(r.exit_code == 0);
  };
  std::function<void(P&)> setup = [must](P& t) {
    WriteOtherOpsBase(t.project);
    must(t, "apply");
    WriteOtherOps(t.project);
  };
  std::function<void(P&)> started = [=](P& t) {
    setup(t);
    must(t, "start");
  };
  std::function<void(P&)> completed = [=](P& t) {
    started(t);
    must(t, "complete");
  };
  const std::pair<Table, Table> after = state_of(completed), before = state_of(setup);
  REQUIRE(after != before);
  struct Case {
    KillCase kill;
    std::function<void(P&)> prepare;
    std::pair<Table, Table> expected;
  };
  const std::vector<Case> cases = {
      {{"start", "starting", "is expanded", "complete"}, setup, after},
      {{"complete", "completing", "in flight: none", ""}, started, after},
      {{"rollback", "rolling_back", "in flight: none", ""}, started, before}};
  for (const Case& c : cases) {
    CAPTURE(c.kill.command);
    const int killed =
        KillAfterEveryRecord<P>(c.kill, c.prepare, ends(c.expected.first, c.expected.second));
    MESSAGE(c.kill.command << ": runs killed: " << killed);
    CHECK(killed >= 3);
  }
}

// The shop example on a server dialect: `apply` of its last six migrations (after `apply
// --to 7`) killed after every `step`-th record, then `apply` again; the end must equal a clean
// run's. `state_of` and `ends` as for KillOtherOpsAfterEveryRecord; `fix_times` sets the rows'
// created_at (CURRENT_TIMESTAMP when seeded) to one value, so that runs compare.
template <typename P>
void KillShopApply(
    int step,
    const std::function<std::pair<Table, Table>(const std::function<void(P&)>&)>& state_of,
    const std::function<std::function<void(P&)>(const Table&, const Table&)>& ends,
    const std::function<void(P&)>& fix_times) {
  auto must = [](P& t, const std::string& args) {
    Run r = t.project.Bellows(args);
    INFO(args, "\n", r.out, r.err);
    REQUIRE(r.exit_code == 0);
  };
  std::function<void(P&)> setup = [must, fix_times](P& t) {
    t.project.CopyMigrations(ExamplesDir() + "/shop/migrations");
    must(t, "apply --to 7");
    fix_times(t);
  };
  const std::pair<Table, Table> clean = state_of([=](P& t) {
    setup(t);
    must(t, "apply");
  });
  const std::function<void(P&)> same_as_clean = ends(clean.first, clean.second);
  int killed = 0;
  for (int n = 1; n < 400; n += step) {
    CAPTURE(n);
    P t;
    setup(t);
    Run r = t.project.Bellows("apply", {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    if (r.exit_code == 0) break;
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 128 + 9);
    ++killed;
    Run status = t.project.Bellows("status");
    INFO(status.out, status.err);
    CHECK(status.exit_code == 0);
    must(t, "apply");
    same_as_clean(t);
  }
  MESSAGE("shop apply: runs killed: " << killed);
  CHECK(killed >= 3);
}

}  // namespace bellows::e2e
