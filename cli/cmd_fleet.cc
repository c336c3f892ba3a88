// bellows fleet plan|apply|start|complete|rollback|status: the ordinary command on every
// selected target of a targets file, in waves, with bounded parallelism (docs/fleet.md).

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "cli/fleet.h"
#include "cli/lifecycle.h"
#include "dialects/open.h"
#include "engine/fleet_journal.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace bellows::cli {

namespace {

namespace fs = std::filesystem;

struct FleetOptions : LifecycleOptions {
  std::string targets, bake, health_check, run_file;
  std::vector<std::string> select, waves;
  int parallel = 0, per_server = 0, max_failures = 0;
  bool new_run = false;
  bool complete_in_flight = false;
};

// Everything a target's job needs, shared read-only by the worker threads.
struct FleetContext {
  std::string command;
  const Directory* dir;
  RunOptions run;
  DialectOptions dialect;
  FleetProgress* progress;
};

std::string TargetsPath(Session& s, const FleetOptions& o) {
  if (!o.targets.empty()) return o.targets;
  if (fs::exists("bellows.fleet.yaml") || s.config().path.empty()) return "bellows.fleet.yaml";
  return (fs::path(s.config().path).parent_path() / "bellows.fleet.yaml").string();
}

// Opens the target's database; `r` gets its URL as shown.
Result<std::unique_ptr<Connection>> ConnectTarget(const FleetContext& c, const FleetTarget& t,
                                                  std::string* url, TargetReport& r) {
  BELLOWS_ASSIGN_OR_RETURN(*url, ResolveUrl(t));
  r.database = t.url_env.empty() ? t.url : MaskUrl(*url);
  Result<std::unique_ptr<Connection>> conn = OpenConnection(*url, c.dialect);
  if (!conn.ok()) return MaskStatus(conn.status(), *url);
  return conn;
}

// status and plan: where the target stands, and what apply would run there.
Status Inspect(const FleetContext& c, Connection& conn, TargetReport& r) {
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(conn, *c.dir, c.run));
  r.version_before = r.version_after = inv.current_version;
  std::vector<std::string> pending;
  for (const Migration* m : inv.pending) pending.push_back(m->VersionText());
  r.details["pending"] = pending;
  nlohmann::json flight = nullptr;
  std::string summary = Count(static_cast<long long>(pending.size()), "pending migration");
  if (inv.in_flight) {
    std::vector<std::string> versions;
    for (const HistoryRow& h : inv.history) {
      if (h.batch_id == inv.in_flight->id) versions.push_back(h.version);
    }
    flight = {{"batch", inv.in_flight->id},
              {"state", inv.in_flight->state},
              {"migrations", versions},
              {"version", inv.in_flight->version_name}};
    summary = "batch " + std::to_string(inv.in_flight->id) + " (" + Join(versions, ",") + ") " +
              inv.in_flight->state + "; " + summary;
  }
  r.details["in_flight"] = flight;
  if (c.command == "plan" && !pending.empty()) summary = "would apply " + Join(pending, ",");
  r.details["summary"] = summary;
  if (c.command == "plan" && !inv.problems.empty()) return inv.problems.front();
  return Status::Ok();
}

Status Change(const FleetContext& c, Connection& conn, const std::string& id, TargetReport& r) {
  Result<Inventory> before = TakeInventory(conn, *c.dir, c.run);
  if (before.ok()) r.version_before = before->current_version;
  TargetEvents events(*c.progress, id);
  Status st;
  {
    Runner runner(conn, *c.dir, c.run, events);
    if (c.command == "apply") st = runner.Apply(&r.run);
    if (c.command == "start") st = runner.Start(&r.run);
    if (c.command == "complete") st = runner.Complete(&r.run);
    if (c.command == "rollback") st = runner.Rollback(&r.run);
  }
  Result<Inventory> after = TakeInventory(conn, *c.dir, c.run);
  if (after.ok()) r.version_after = after->current_version;
  return st;
}

Status RunTarget(const FleetContext& c, const FleetTarget& t, TargetReport& r) {
  auto started = std::chrono::steady_clock::now();
  std::string url;
  Status st;
  Result<std::unique_ptr<Connection>> conn = ConnectTarget(c, t, &url, r);
  if (!conn.ok()) {
    st = conn.status();
  } else if (c.command == "status" || c.command == "plan") {
    st = Inspect(c, **conn, r);
  } else {
    st = Change(c, **conn, t.id, r);
  }
  r.duration = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
  r.error = MaskStatus(st, url);
  r.exit_code = ExitCode(st);
  r.result = st.ok() ? "ok" : "failed";
  return r.error;
}

// fleet complete contracts nothing until every selected target is expanded with the same
// migrations (or already completed them): the new application version runs everywhere first.
Status CheckExpanded(const FleetContext& c, const std::vector<FleetTarget>& targets,
                     const std::vector<size_t>& selected, const FleetLimits& limits,
                     const std::vector<std::string>& servers) {
  struct Seen {
    TargetReport report;             // status of the target: pending, in_flight
    std::vector<std::string> batch;  // migrations of its batch in flight
    std::string state;               // that batch's state
  };
  std::vector<Seen> seen(targets.size());
  FleetContext inspect = c;
  inspect.command = "status";
  FleetLimits all = limits;
  all.max_failures = static_cast<int>(targets.size()) + 1;
  FleetScheduler check(all, servers);
  check.Run(
      {FleetWave{"check", selected, Millis{0}}},
      [&](size_t i) {
        Status st = RunTarget(inspect, targets[i], seen[i].report);
        const nlohmann::json& flight = seen[i].report.details["in_flight"];
        if (st.ok() && !flight.is_null()) {
          seen[i].batch = flight["migrations"].get<std::vector<std::string>>();
          seen[i].state = flight["state"].get<std::string>();
        }
        return st;
      },
      [](size_t, const Status&) {},
      [](const FleetWave&, const FleetWave&) { return Status::Ok(); });
  auto ready = [](const Seen& t) { return t.state == kExpanded || t.state == kCompleting; };
  std::vector<std::string> expanded;  // the batch's migrations, from the first ready target
  for (size_t i : selected) {
    if (ready(seen[i])) {
      expanded = seen[i].batch;
      break;
    }
  }
  std::vector<std::string> problems;
  for (size_t i : selected) {
    const Seen& t = seen[i];
    const std::string& id = targets[i].id;
    if (!t.report.error.ok()) {
      problems.push_back(id + ": cannot tell (" + t.report.error.message() + ")");
    } else if (!t.batch.empty() && !ready(t)) {
      problems.push_back(id + ": its batch is " + t.state);
    } else if (!t.batch.empty() && t.batch != expanded) {
      problems.push_back(id + ": expanded " + Join(t.batch, ",") + ", not " + Join(expanded, ","));
    } else if (t.batch.empty()) {
      // Nothing in flight: fine when the batch is already completed here.
      const nlohmann::json& pending = t.report.details["pending"];
      for (const std::string& v : expanded) {
        if (std::find(pending.begin(), pending.end(), v) == pending.end()) continue;
        problems.push_back(id + ": not expanded (" + v + " is pending)");
        break;
      }
    }
  }
  if (problems.empty()) return Status::Ok();
  return BELLOWS_ERR(kConflict, "fleet complete refused: " +
                                    Count(static_cast<long long>(problems.size()), "target") +
                                    " not expanded with the same batch: " + Join(problems, "; "))
      .WithHint(
          "run bellows fleet start on them (or fleet rollback everywhere); complete "
          "contracts only when the new version runs on every target");
}

// SIGINT or SIGTERM: start no new target and let the running ones finish (each ends in a
// recorded state either way); a second signal ends the process at once.
std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted = true; }

void CatchInterrupts() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// Sleeps `d`, or less when interrupted.
void Bake(Millis d) {
  auto until = std::chrono::steady_clock::now() + d;
  while (!g_interrupted && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

Status RunFleet(Session& s, const std::string& command, const FleetOptions& o) {
  BELLOWS_ASSIGN_OR_RETURN(FleetFile file, LoadFleetFile(TargetsPath(s, o)));
  BELLOWS_ASSIGN_OR_RETURN(std::vector<FleetTarget> targets, GatherTargets(s, file));
  std::vector<Selector> select;
  for (const std::string& text : o.select) {
    BELLOWS_ASSIGN_OR_RETURN(Selector sel, ParseSelector(text));
    select.push_back(std::move(sel));
  }
  std::vector<size_t> selected;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (Matches(targets[i], select)) selected.push_back(i);
  }
  if (selected.empty())
    return BELLOWS_ERR(kUsage,
                       "no target of " + file.path + " matches --select " + Join(o.select, " "));
  const bool changes = command != "status" && command != "plan";
  std::vector<FleetWaveSpec> specs = file.waves;
  if (!o.waves.empty()) {
    specs.clear();
    for (const std::string& w : o.waves) {
      BELLOWS_ASSIGN_OR_RETURN(Selector sel, ParseSelector(w));
      specs.push_back({w, {sel}, std::nullopt});
    }
  }
  Millis bake{0};
  if (!o.bake.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(bake, ParseDuration(o.bake));
    for (FleetWaveSpec& spec : specs) spec.bake = bake;
  }
  std::vector<FleetWave> waves =
      changes ? BuildWaves(targets, selected, specs, bake)
              : std::vector<FleetWave>{FleetWave{"all", selected, Millis{0}}};
  FleetLimits limits;
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  limits.parallel = o.parallel > 0 ? o.parallel : static_cast<int>(file.parallel.value_or(cores));
  limits.per_server =
      o.per_server > 0 ? o.per_server : static_cast<int>(file.per_server.value_or(1));
  limits.max_failures = !changes             ? static_cast<int>(targets.size()) + 1
                        : o.max_failures > 0 ? o.max_failures
                                             : static_cast<int>(file.max_failures.value_or(1));
  std::string health = !o.health_check.empty() ? o.health_check : file.health_check;

  FleetContext c;
  c.command = command;
  BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
  c.dir = &dir;
  BELLOWS_ASSIGN_OR_RETURN(c.run, s.MakeRunOptions());
  if (changes) BELLOWS_TRY(CheckSum(s, dir, o.require_sum || c.run.require_sum));
  c.run.to = o.to;
  c.run.allow_out_of_order = o.allow_out_of_order;
  c.run.allow_missing = o.allow_missing;
  c.run.complete_in_flight = o.complete_in_flight;
  c.dialect = s.MakeDialectOptions();
  FleetProgress progress(s.out().json(), s.options().quiet, selected.size());
  c.progress = &progress;

  std::vector<std::string> servers;
  for (const FleetTarget& t : targets) {
    if (!t.server.empty()) {
      servers.push_back(t.server);
      continue;
    }
    Result<std::string> url = ResolveUrl(t);
    servers.push_back(url.ok() ? ServerKey(*url) : t.id);
  }
  std::vector<TargetReport> reports(targets.size());
  const std::string fingerprint = DirectoryFingerprint(dir);
  auto& f = s.out().fields();
  f["plan_fingerprint"] = fingerprint;
  f["targets_file"] = file.path;
  nlohmann::json wave_list = nlohmann::json::array();
  for (const FleetWave& w : waves)
    wave_list.push_back({{"name", w.name}, {"targets", w.targets.size()}});
  f["waves"] = wave_list;
  f["run_id"] = nullptr;

  // fleet complete contracts nothing (and records no run) unless every target is ready.
  if (command == "complete") BELLOWS_TRY(CheckExpanded(c, targets, selected, limits, servers));

  // The run file: finished targets of an interrupted run of this command are skipped.
  std::unique_ptr<FleetRunWriter> writer;
  if (changes) {
    std::string path = !o.run_file.empty() ? o.run_file : file.path + ".run";
    BELLOWS_ASSIGN_OR_RETURN(std::optional<FleetRun> last, ReadFleetRun(path));
    bool resume = last && !last->complete && last->command == command && !o.new_run;
    if (resume && last->fingerprint != fingerprint) {
      return BELLOWS_ERR(kConflict, "fleet " + command + " run " + last->run_id + " stopped with " +
                                        std::to_string(last->finished.size()) +
                                        " targets finished, on migrations with fingerprint " +
                                        last->fingerprint + "; the directory's is now " +
                                        fingerprint)
          .WithHint(
              "finish that run with the migrations it started with, or pass --new-run to "
              "start over with these (targets keep their own state either way)");
    }
    FleetRun run;
    if (resume) {
      run = *last;
      for (size_t i : selected) {
        auto it = run.finished.find(targets[i].id);
        if (it != run.finished.end() && it->second == 0) reports[i].result = "done_earlier";
      }
      progress.Note("resuming fleet " + command + " run " + run.run_id + " (started " +
                    run.started_at + ")");
    } else {
      std::string stamp = ReplaceAll(ReplaceAll(NowUtc(), "-", ""), ":", "");
      run = FleetRun{
          stamp + "-" + std::to_string(getpid()), command, fingerprint, NowUtc(), {}, false};
    }
    f["run_id"] = run.run_id;
    BELLOWS_ASSIGN_OR_RETURN(writer, FleetRunWriter::Open(path, run, resume));
  }

  CatchInterrupts();
  limits.interrupt = &g_interrupted;
  FleetScheduler scheduler(limits, servers);
  for (const FleetWave& w : waves) {
    for (size_t i : w.targets) reports[i].wave = w.name;
  }
  FleetOutcome outcome = scheduler.Run(
      waves,
      [&](size_t i) {
        if (reports[i].result == "done_earlier") return Status::Ok();
        return RunTarget(c, targets[i], reports[i]);
      },
      [&](size_t i, const Status&) {
        if (reports[i].result == "done_earlier") return;
        if (writer) writer->Record(targets[i].id, reports[i].exit_code);
        progress.Finished(targets[i].id, reports[i]);
      },
      [&](const FleetWave& done, const FleetWave& next) -> Status {
        if (done.bake.count() > 0) {
          progress.Note("wave " + done.name + " done; baking " + FormatDuration(done.bake) +
                        " before wave " + next.name);
          Bake(done.bake);
          if (g_interrupted) return BELLOWS_ERR(kNotRestored, "interrupted while baking");
        }
        if (health.empty()) return Status::Ok();
        setenv("BELLOWS_FLEET_WAVE", done.name.c_str(), 1);
        setenv("BELLOWS_FLEET_NEXT_WAVE", next.name.c_str(), 1);
        progress.Note("health check after wave " + done.name + ": " + health);
        int rc = std::system(health.c_str());
        if (rc == 0) return Status::Ok();
        int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
        return BELLOWS_ERR(kNotRestored, "the health check after wave " + done.name +
                                             " exited with " + std::to_string(code))
            .WithHint("wave " + done.name +
                      " is migrated and the rest is not: fix the cause "
                      "and run the same command again, or fleet rollback --select the wave");
      });
  Status st = ReportFleet(s, command, targets, reports, outcome);
  if (writer && st.ok()) writer->Complete();
  return st;
}

}  // namespace

Command SetupFleet(CLI::App& app) {
  auto o = std::make_shared<FleetOptions>();
  CLI::App* sub = app.add_subcommand(
      "fleet", "Run plan|apply|start|complete|rollback|status on every target of a targets file");
  sub->require_subcommand(1);
  sub->add_option("--targets", o->targets,
                  "Targets file (default: bellows.fleet.yaml here or beside bellows.yaml)");
  sub->add_option("--select", o->select,
                  "Only targets with this label (label=value, label=a,b for either; id=... by "
                  "id); repeat to require several")
      ->allow_extra_args(false);
  sub->add_option("--parallel", o->parallel, "Targets at once in total (default: cores)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--per-server", o->per_server, "Targets at once per server (default 1)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-failures", o->max_failures,
                  "Start no new target once this many failed (default 1)")
      ->check(CLI::PositiveNumber);
  sub->add_option("--wave", o->waves,
                  "A wave, by selector (label=value), run before the rest; repeat for more "
                  "(overrides the file's waves)")
      ->allow_extra_args(false);
  sub->add_option("--bake", o->bake, "Pause after each wave before the next (e.g. 10m)");
  sub->add_option("--health-check", o->health_check,
                  "Shell command run between waves; non-zero stops the fleet");
  sub->add_option("--run-file", o->run_file,
                  "Where the run is recorded (default: the targets file + .run)");
  sub->add_flag("--new-run", o->new_run,
                "Start a new run although the last one of this command did not finish");
  AddLifecycleFlags(sub, *o);
  sub->add_flag("--complete-in-flight", o->complete_in_flight,
                "apply: also complete a batch that start started");
  std::vector<CLI::App*> subs;
  for (const auto& [name, help] : std::vector<std::pair<std::string, std::string>>{
           {"plan", "What apply would run on each target"},
           {"apply", "apply on every target, wave by wave"},
           {"start", "Expand every target"},
           {"complete", "Contract every target; refused until all are expanded with one batch"},
           {"rollback", "Undo the in-flight batch on every target"},
           {"status", "Where each target stands"}}) {
    CLI::App* c = sub->add_subcommand(name, help);
    c->fallthrough();
    subs.push_back(c);
  }
  return {sub, [o, subs](Session& s) -> Status {
            for (CLI::App* c : subs) {
              if (c->parsed()) return RunFleet(s, c->get_name(), *o);
            }
            return BELLOWS_ERR(kUsage, "bellows fleet needs a command")
                .WithHint("bellows fleet plan|apply|start|complete|rollback|status");
          }};
}

}  // namespace bellows::cli
