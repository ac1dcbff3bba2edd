#include "kjudge/store/migrations.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kjudge/core/sha256.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::QueryText;

class MigrationsTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<Database>> Open(const std::vector<Migration>& migrations) {
    DatabaseOptions options;
    options.clock = &clock_;
    options.durability = Durability::kNormal;
    return Database::Open(dir_.File("m.db"), migrations, options);
  }

  static Migration M(int version, std::string name, std::string sql) { return {version, std::move(name), std::move(sql)}; }

  const Migration m1_ = M(1, "things", "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");
  const Migration m2_ = M(2, "thing_size", "ALTER TABLE things ADD COLUMN size INTEGER NOT NULL DEFAULT 0;");
  const Migration m3_ = M(3, "others", "CREATE TABLE others (id INTEGER PRIMARY KEY);");

  testing::TempDir dir_;
  ManualClock clock_{1'234'000};
};

void ExpectRefused(const Result<std::unique_ptr<Database>>& db, std::string_view names, std::string_view says) {
  ASSERT_FALSE(db.ok()) << "expected a refusal naming " << names;
  EXPECT_EQ(db.error().code, ErrorCode::kFailedPrecondition) << db.error().message;
  EXPECT_NE(db.error().message.find(names), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find(says), std::string::npos) << db.error().message;
}

TEST_F(MigrationsTest, BuiltinMigrationsAreEmbeddedInOrderStartingWithTheInitialSchema) {
  const auto& builtin = BuiltinMigrations();
  ASSERT_FALSE(builtin.empty());
  EXPECT_EQ(builtin[0].Label(), "0001_initial");
  EXPECT_NE(builtin[0].sql.find("CREATE TABLE users"), std::string::npos);
  for (std::size_t i = 1; i < builtin.size(); ++i) EXPECT_LT(builtin[i - 1].version, builtin[i].version);
}

TEST_F(MigrationsTest, EachAppliedMigrationIsRecordedWithItsChecksumAndTime) {
  auto db = Open({m1_, m2_});
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto tx = (*db)->BeginRead();
  ASSERT_TRUE(tx.ok());
  auto applied = ListAppliedMigrations(tx->connection());
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->size(), 2u);
  EXPECT_EQ((*applied)[0].version, 1);
  EXPECT_EQ((*applied)[0].name, "things");
  EXPECT_EQ((*applied)[0].checksum, Sha256Hex(m1_.sql));
  EXPECT_EQ((*applied)[0].applied_ms, 1'234'000);
  EXPECT_EQ((*applied)[1].checksum, Sha256Hex(m2_.sql));
  EXPECT_EQ(QueryText(**db, "SELECT size FROM things"), "");  // the column exists
}

TEST_F(MigrationsTest, ReopeningAppliesNothingTwiceAndLaterMigrationsAreAdded) {
  ASSERT_TRUE(Open({m1_}).ok());
  clock_.AdvanceMs(1000);
  auto db = Open({m1_, m2_, m3_});
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(QueryInt(**db, "SELECT count(*) FROM schema_migrations"), 3);
  EXPECT_EQ(QueryInt(**db, "SELECT applied_ms FROM schema_migrations WHERE version = 1"), 1'234'000);
  EXPECT_EQ(QueryInt(**db, "SELECT applied_ms FROM schema_migrations WHERE version = 3"), 1'235'000);
}

TEST_F(MigrationsTest, AnAppliedMigrationWhoseFileChangedIsRefused) {
  ASSERT_TRUE(Open({m1_, m2_}).ok());
  Migration edited = m1_;
  edited.sql += "\n-- a harmless-looking edit\n";
  ExpectRefused(Open({edited, m2_}), "0001_things", "changed after it was applied");
}

TEST_F(MigrationsTest, ARenamedAppliedMigrationIsRefused) {
  ASSERT_TRUE(Open({m1_}).ok());
  ExpectRefused(Open({M(1, "renamed", m1_.sql)}), "0001_things", "changed");
}

TEST_F(MigrationsTest, AnAppliedMigrationMissingFromTheBinaryIsRefused) {
  ASSERT_TRUE(Open({m1_, m2_, m3_}).ok());
  ExpectRefused(Open({m1_, m3_}), "0002_thing_size", "does not have it");
}

TEST_F(MigrationsTest, ADatabaseNewerThanTheBinaryIsRefused) {
  ASSERT_TRUE(Open({m1_, m2_}).ok());
  ExpectRefused(Open({m1_}), "0002_thing_size", "newer than this kjudge binary");
}

TEST_F(MigrationsTest, AMigrationInsertedBeforeAnAppliedOneIsRefused) {
  ASSERT_TRUE(Open({m1_, m3_}).ok());
  ExpectRefused(Open({m1_, m2_, m3_}), "0002_thing_size", "is not applied but the later migration 0003_others");
}

TEST_F(MigrationsTest, AFailingMigrationIsRolledBackWholeAndNamed) {
  Migration broken = M(2, "broken", "CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);");
  auto db = Open({m1_, broken});
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("0002_broken"), std::string::npos) << db.error().message;
  auto reopened = Open({m1_});
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(QueryInt(**reopened, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), 0);
  EXPECT_EQ(QueryInt(**reopened, "SELECT max(version) FROM schema_migrations"), 1);
}

TEST_F(MigrationsTest, AMigrationLeavingAForeignKeyViolationIsRolledBack) {
  Migration parent = M(1, "parent", "CREATE TABLE parent (id INTEGER PRIMARY KEY);");
  // Foreign keys are enforced per statement, except for rows created by a table rebuild like this
  // one, which foreign_key_check catches.
  Migration orphan = M(2, "orphan",
                       "CREATE TABLE staging (id INTEGER, parent_id INTEGER);"
                       "INSERT INTO staging VALUES (1, 99);"
                       "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));"
                       "PRAGMA defer_foreign_keys = ON;"
                       "INSERT INTO child SELECT * FROM staging;");
  auto db = Open({parent, orphan});
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("0002_orphan"), std::string::npos) << db.error().message;
}

TEST_F(MigrationsTest, FileNamesAreParsedAndCheckedStrictly) {
  const EmbeddedFile good[] = {{"0002_second.sql", "B"}, {"0001_first.sql", "A"}};
  auto parsed = ParseMigrations(good);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].Label(), "0001_first");
  EXPECT_EQ((*parsed)[1].sql, "B");

  for (std::string_view bad : {"1_short.sql", "0001-dash.sql", "0001_Upper.sql", "0001_x.txt", "abcd_x.sql", "0001_.sql"}) {
    const EmbeddedFile files[] = {{bad, ""}};
    EXPECT_FALSE(ParseMigrations(files).ok()) << bad;
  }
  const EmbeddedFile duplicate[] = {{"0001_a.sql", ""}, {"0001_b.sql", ""}};
  auto dup = ParseMigrations(duplicate);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("same number"), std::string::npos);
}

TEST_F(MigrationsTest, ProcessesOpeningAFreshFileAtOnceApplyEachMigrationOnce) {
  constexpr int kOpeners = 4;
  std::vector<std::thread> threads;
  std::vector<Status> results(kOpeners);
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto db = Open({m1_, m2_, m3_});
      results[i] = db.ok() ? Ok() : Status(db.error());
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.error().message;
  auto db = Open({m1_, m2_, m3_});
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(QueryInt(**db, "SELECT count(*) FROM schema_migrations"), 3);
}

}  // namespace
}  // namespace kjudge::store
