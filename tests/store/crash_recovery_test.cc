// A writer killed with SIGKILL in the middle of its writes must leave a database that opens,
// passes PRAGMA integrity_check, and still holds every transaction whose COMMIT had returned.
//
// Each round forks a child that opens the database and commits transactions in a loop (a user and
// an audit entry with a large payload, so a transaction spans several pages), writing each
// committed id to a pipe only after COMMIT returned. The parent waits on the pipe (with a
// deadline, never a sleep) for a random number of reports, kills the child wherever it is,
// collects any reports still in the pipe, and checks the reopened database.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kjudge/core/sha256.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryText;

constexpr int kRounds = 4;
constexpr int kMaxReportsBeforeKill = 200;
constexpr auto kDeadline = std::chrono::seconds(60);

// One record on the pipe: written with a single write() of 16 bytes, which a pipe delivers whole
// (anything up to PIPE_BUF is atomic).
struct Report {
  std::int64_t user_id;
  std::int64_t sequence;
};

std::string UserName(int round, std::int64_t sequence) {
  return "crash_r" + std::to_string(round) + "_" + std::to_string(sequence);
}

// Deterministic content, so the parent can tell an intact row from a torn one.
std::string DisplayName(const std::string& name) { return Sha256Hex(name) + Sha256Hex(name + "!"); }
std::string Detail(const std::string& name) {
  std::string filler;
  const std::string unit = Sha256Hex("payload:" + name);
  while (filler.size() < 24 * 1024) filler += unit;
  return R"({"name":")" + name + R"(","filler":")" + filler + R"("})";
}

// The child: commit forever, reporting each commit. Never returns.
[[noreturn]] void WriteUntilKilled(const std::string& path, int round, int report_fd) {
  auto db = Database::Open(path);  // the default durability, as the server uses
  if (!db.ok()) _exit(10);
  for (std::int64_t sequence = 0;; ++sequence) {
    auto tx = (*db)->BeginWrite();
    if (!tx.ok()) _exit(11);
    const std::string name = UserName(round, sequence);
    auto user = UserRepository(*tx).Create({name, DisplayName(name), Role::kCompetitor});
    if (!user.ok()) _exit(12);
    if (!AuditRepository(*tx).Append({user->id, name, "crash.write", "user:" + name, Detail(name)}).ok()) _exit(13);
    if (!tx->Commit().ok()) _exit(14);
    Report report{user->id, sequence};
    if (write(report_fd, &report, sizeof report) != static_cast<ssize_t>(sizeof report)) _exit(15);
  }
}

// Reads whole reports from `fd` until `want` have arrived (or, with want < 0, until end of file),
// failing the test at the deadline.
void ReadReports(int fd, std::vector<Report>& reports, std::string& partial, long want,
                 std::chrono::steady_clock::time_point deadline) {
  while (want < 0 || static_cast<long>(reports.size()) < want) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    ASSERT_GT(left.count(), 0) << "no report from the writer before the deadline";
    pollfd pfd{fd, POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    ASSERT_GE(ready, 0) << std::strerror(errno);
    if (ready == 0) continue;
    char buffer[4096];
    ssize_t n = read(fd, buffer, sizeof buffer);
    ASSERT_GE(n, 0) << std::strerror(errno);
    if (n == 0) {
      ASSERT_LT(want, 0) << "the writer died before reporting " << want << " commits";
      return;
    }
    partial.append(buffer, static_cast<std::size_t>(n));
    while (partial.size() >= sizeof(Report)) {
      Report r;
      std::memcpy(&r, partial.data(), sizeof r);
      reports.push_back(r);
      partial.erase(0, sizeof r);
    }
  }
}

TEST(CrashRecoveryTest, EveryCommittedRowSurvivesAWriterKilledMidWrite) {
  testing::TempDir dir;
  const std::string path = dir.File("crash.db");
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> reports_before_kill(1, kMaxReportsBeforeKill);

  std::vector<std::pair<int, Report>> committed;  // (round, report) across all rounds
  for (int round = 0; round < kRounds; ++round) {
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      WriteUntilKilled(path, round, fds[1]);
    }
    close(fds[1]);
    std::vector<Report> reports;
    std::string partial;
    const long kill_after = reports_before_kill(rng);
    ReadReports(fds[0], reports, partial, kill_after, std::chrono::steady_clock::now() + kDeadline);
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    // Reports already in the pipe when the child died are commits too.
    ReadReports(fds[0], reports, partial, -1, std::chrono::steady_clock::now() + kDeadline);
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer stopped on its own (exit " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << ")";
    ASSERT_TRUE(partial.empty()) << "a torn report on the pipe";
    for (const Report& r : reports) committed.emplace_back(round, r);

    // Reopen as the restarted server would, and check everything committed so far.
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(QueryText(**db, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(QueryText(**db, "PRAGMA foreign_key_check"), "");
    UserRepository users(**db);
    for (const auto& [r, report] : committed) {
      const std::string name = UserName(r, report.sequence);
      auto user = users.Get(report.user_id);
      ASSERT_TRUE(user.ok()) << name << " was reported committed but is missing: " << user.error().message;
      EXPECT_EQ(user->name, name);
      EXPECT_EQ(user->display_name, DisplayName(name)) << name;
      EXPECT_EQ(QueryText(**db, "SELECT detail_json FROM audit_log WHERE actor_user_id = ?", report.user_id),
                Detail(name))
          << name;
    }
    // A transaction is all or nothing: no user without its audit entry, even the uncommitted last one.
    EXPECT_EQ(QueryText(**db, "SELECT count(*) FROM users WHERE id NOT IN (SELECT actor_user_id FROM audit_log)"),
              "0");
  }
  EXPECT_GE(committed.size(), static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace kjudge::store
