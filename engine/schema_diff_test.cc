#include "engine/schema_diff.h"

#include <doctest/doctest.h>

#include "engine/schema_json.h"
#include "engine/strings.h"

namespace bellows {

namespace {

Schema Shop() {
  Schema s;
  Table users;
  users.name = "users";
  users.columns = {{"id", "integer", false}, {"name", "text", true}, {"email", "text", true}};
  users.primary_key = {"id"};
  Table orders;
  orders.name = "orders";
  orders.columns = {{"id", "integer", false}, {"user_id", "integer", true}, {"total", "integer"}};
  orders.primary_key = {"id"};
  Constraint fk = MakeConstraint("orders_user_fkey", ConstraintKind::kForeignKey, {"user_id"});
  fk.ref_table = "users";
  fk.ref_columns = {"id"};
  fk.on_delete = "CASCADE";
  Constraint check = MakeConstraint("orders_total_check", ConstraintKind::kCheck);
  check.check = "total > 0";
  orders.constraints = {fk, check};
  s.tables = {users, orders};
  s.views = {{"v", "SELECT id FROM users"}};
  return s;
}

std::vector<std::string> Lines(const Schema& a, const Schema& b) {
  return Lines(DiffSchemas(a, b));
}

}  // namespace

TEST_CASE("schema diff: no change, whatever the order of objects and spacing") {
  Schema a = Shop();
  Schema b = Shop();
  std::swap(b.tables[0], b.tables[1]);
  std::swap(b.tables[0].constraints[0], b.tables[0].constraints[1]);
  b.views[0].definition = "SELECT  id\n FROM users";
  b.tables[1].columns[1].type = "TEXT";
  CHECK(DiffSchemas(a, b).empty());
  CHECK(Fingerprint(a) == Fingerprint(b));
}

TEST_CASE("schema diff: each kind of change reads as one line") {
  Schema a = Shop();
  Schema b = Shop();
  Table* users = b.FindTable("users");
  Table* orders = b.FindTable("orders");
  users->indexes.push_back({"users_email_idx", false, {{"email"}}});
  orders->constraints.erase(orders->constraints.begin() + 1);  // the check
  orders->FindColumn("total")->type = "bigint";
  users->FindColumn("name")->default_expr = "'x'";
  users->FindColumn("name")->nullable = false;
  users->columns.push_back({"nick", "varchar(40)", true});
  b.views.clear();
  b.triggers.push_back({"audit", "orders", "CREATE TRIGGER audit ..."});
  b.bellows_objects = {"trigger _bellows_junk on orders"};
  a.bellows_objects = {"schema public_3"};
  CHECK(Lines(a, b) == std::vector<std::string>{
                           "~ column orders.total: integer -> bigint",
                           "- constraint orders_total_check on orders: check (total > 0)",
                           "+ trigger audit on orders",
                           "- bellows object schema public_3: the state tables expect it",
                           "+ orphan trigger _bellows_junk on orders: no bellows record expects it",
                           "~ column users.name: null -> not null",
                           "~ column users.name: default NULL -> 'x'",
                           "+ column users.nick: varchar(40)",
                           "+ index users_email_idx on users(email)",
                           "- view v",
                       });
}

TEST_CASE("schema diff: tables, keys, foreign key actions and index definitions") {
  Schema a = Shop();
  Schema b = Shop();
  b.DropTable("users");
  Table audit;
  audit.name = "audit";
  audit.columns = {{"id", "integer", false}, {"at", "text"}};
  b.tables.push_back(audit);
  Table* orders = b.FindTable("orders");
  orders->primary_key = {"id", "user_id"};
  orders->constraints[0].on_delete = "";
  std::swap(orders->columns[1], orders->columns[2]);
  std::vector<std::string> lines = Lines(a, b);
  INFO(Join(lines, "\n"));
  CHECK(lines == std::vector<std::string>{
                     "+ table audit: (id, at)",
                     "~ table orders: column order (id, user_id, total) -> (id, total, user_id)",
                     "~ primary key on orders: (id) -> (id, user_id)",
                     "~ constraint orders_user_fkey on orders: foreign key (user_id) references "
                     "users(id) on delete cascade -> foreign key (user_id) references users(id)",
                     "- table users",
                 });
  nlohmann::json j = ToJson(DiffSchemas(a, b).front());
  CHECK(j["change"] == "added");
  CHECK(j["kind"] == "table");
  CHECK(j["name"] == "audit");
}

}  // namespace bellows
