// Shared setup for store tests: a fresh database file in a private temporary directory, a manual
// clock, and builders for the rows most tests need (a user, a published problem, a submission).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kjudge/core/clock.h"
#include "kjudge/core/sha256.h"
#include "kjudge/store/database.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/submission_repository.h"
#include "kjudge/store/user_repository.h"

namespace kjudge::store::testing {

/// A directory under $TMPDIR (or /tmp) removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/kjudge-store-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string File(std::string_view name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// The first column of the first row of `sql` with bound `values`, as text ("" when there is no
/// row). For reading the raw state of the database the way an operator with the sqlite3 shell would.
template <typename... Ts>
std::string QueryText(Database& db, std::string_view sql, const Ts&... values) {
  auto tx = db.BeginRead();
  if (!tx.ok()) return "error: " + tx.error().message;
  auto stmt = tx->connection().Query(sql, values...);
  if (!stmt.ok()) return "error: " + stmt.error().message;
  auto row = stmt->Step();
  if (!row.ok()) return "error: " + row.error().message;
  return *row ? stmt->Text(0) : "";
}

template <typename... Ts>
std::int64_t QueryInt(Database& db, std::string_view sql, const Ts&... values) {
  std::string text = QueryText(db, sql, values...);
  EXPECT_EQ(text.find("error"), std::string::npos) << text;
  return text.empty() ? 0 : std::stoll(text);
}

/// Runs one raw write statement with bound `values` in its own transaction, bypassing the
/// repositories (to prove the schema itself refuses something).
template <typename... Ts>
Status RawExec(Database& db, std::string_view sql, const Ts&... values) {
  KJ_ASSIGN_OR_RETURN(WriteTransaction tx, db.BeginWrite());
  KJ_RETURN_IF_ERROR(tx.connection().Exec(sql, values...));
  return tx.Commit();
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenDatabase();
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(opened).value();
  }

  DatabaseOptions Options() {
    DatabaseOptions options;
    options.clock = &clock_;
    // Tests do not survive power loss either; NORMAL still survives a killed process.
    options.durability = Durability::kNormal;
    return options;
  }

  Result<std::unique_ptr<Database>> OpenDatabase() { return Database::Open(path(), Options()); }

  std::string path() const { return dir_.File("kjudge.db"); }

  User MakeUser(const std::string& name, Role role = Role::kCompetitor) {
    auto user = UserRepository(*db_).Create({name, "", role});
    EXPECT_TRUE(user.ok()) << user.error().message;
    return user.ok() ? *user : User{};
  }

  static ProblemVersionInput ProblemInput(const std::string& name, const std::string& revision = "1",
                                          std::vector<std::string> gpus = {"H100", "cpu"}) {
    ProblemVersionInput input;
    input.name = name;
    input.title = "Problem " + name + " r" + revision;
    input.content_hash = Sha256Hex(name + "@" + revision);
    input.spec_json = R"({"name":")" + name + R"(","revision":")" + revision + R"("})";
    input.files = {{"problem.yaml", "name: " + name + "\n"}, {"reference.cpp", "// reference r" + revision + "\n"}};
    input.gpus = std::move(gpus);
    return input;
  }

  PublishResult Publish(const std::string& name, const std::string& revision = "1") {
    auto published = ProblemRepository(*db_).Publish(ProblemInput(name, revision));
    EXPECT_TRUE(published.ok()) << published.error().message;
    return published.ok() ? *published : PublishResult{};
  }

  Submission MakeSubmission(const User& user, const PublishResult& problem, Mode mode = Mode::kTest,
                            const std::string& source = "int main() {}\n") {
    NewSubmission s;
    s.user_id = user.id;
    s.problem_version_id = problem.version.id;
    s.leaderboard_id = problem.created_leaderboards.empty() ? std::nullopt
                                                            : std::optional(problem.created_leaderboards[0].id);
    s.language = Language::kCpp;
    s.file_name = "submission.cpp";
    s.source = source;
    s.mode = mode;
    auto created = SubmissionRepository(*db_).Create(s);
    EXPECT_TRUE(created.ok()) << created.error().message;
    return created.ok() ? *created : Submission{};
  }

  Job MakeJob(const Submission& submission, const std::string& gpu = "cpu", int priority = 0) {
    auto job = JobRepository(*db_).Create({submission.id, gpu, submission.mode, priority, kDefaultMaxAttempts});
    EXPECT_TRUE(job.ok()) << job.error().message;
    return job.ok() ? *job : Job{};
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Database> db_;
};

}  // namespace kjudge::store::testing
