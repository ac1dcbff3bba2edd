// The `kjudge` binary as a user runs it: help, exit codes, one-line errors, and the precedence of
// flags over KJUDGE_* environment variables over the --config file.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "support/subprocess.h"

namespace kjudge {
namespace {

namespace fs = std::filesystem;
using testing::RunProcess;

std::string Bin() { return KJUDGE_BIN; }

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kjudge-cli-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void Write(const std::string& name, const std::string& text) const { std::ofstream(dir_ / name) << text; }

  fs::path dir_;
};

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

constexpr const char* kSubcommands[] = {"serve",      "runner",   "submit", "submissions", "cancel", "template",
                                        "leaderboard", "problems", "admin",  "version"};

TEST_F(CliTest, EverySubcommandHasHelp) {
  for (const char* sub : kSubcommands) {
    auto r = RunProcess({Bin(), sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub << ": " << r.out;
  }
  auto top = RunProcess({Bin(), "--help"});
  EXPECT_EQ(top.exit_code, 0);
  for (const char* sub : kSubcommands) {
    EXPECT_NE(top.out.find(sub), std::string::npos) << sub;
  }
}

TEST_F(CliTest, UsageErrorsExitTwoWithOneLine) {
  for (std::vector<std::string> argv : {std::vector<std::string>{Bin()}, {Bin(), "frobnicate"}, {Bin(), "serve", "--no-such-flag"},
                                        {Bin(), "serve", "--threads", "0"}, {Bin(), "submit"}, {Bin(), "cancel", "x"},
                                        {Bin(), "template"}, {Bin(), "submissions", "--limit", "0"}}) {
    auto r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 2) << argv.back() << ": " << r.err;
    EXPECT_EQ(Lines(r.err), 1) << argv.back() << ": " << r.err;
    EXPECT_EQ(r.err.rfind("kjudge: ", 0), 0u) << r.err;
  }
}

TEST_F(CliTest, VersionPrintsTheVersion) {
  auto r = RunProcess({Bin(), "version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("kjudge ", 0), 0u) << r.out;
}

TEST_F(CliTest, FlagBeatsEnvironmentBeatsConfigFile) {
  Write("k.yaml", "serve:\n  db: " + Path("from-config.db") + "\n  listen: 127.0.0.1:1111\n");
  const std::map<std::string, std::string> env = {{"KJUDGE_DB", Path("from-env.db")}};
  auto config_only = RunProcess({Bin(), "serve", "--config", Path("k.yaml"), "--dry-run"});
  EXPECT_EQ(config_only.exit_code, 0) << config_only.err;
  EXPECT_NE(config_only.out.find("from-config.db"), std::string::npos) << config_only.out;
  EXPECT_NE(config_only.out.find("127.0.0.1:1111"), std::string::npos) << config_only.out;

  auto env_wins = RunProcess({Bin(), "serve", "--config", Path("k.yaml"), "--dry-run"}, env);
  EXPECT_NE(env_wins.out.find("from-env.db"), std::string::npos) << env_wins.out;
  EXPECT_NE(env_wins.out.find("127.0.0.1:1111"), std::string::npos) << "unset keys still come from the file";

  auto flag_wins = RunProcess({Bin(), "serve", "--config", Path("k.yaml"), "--db", Path("from-flag.db"), "--dry-run"}, env);
  EXPECT_NE(flag_wins.out.find("from-flag.db"), std::string::npos) << flag_wins.out;
  EXPECT_TRUE(fs::exists(Path("from-flag.db"))) << "serve creates the database it is given";
  EXPECT_FALSE(fs::exists(Path("from-env.db.never")));
}

TEST_F(CliTest, BadConfigFileIsAUsageError) {
  Write("typo.yaml", "serve:\n  dbb: x.db\n");
  auto typo = RunProcess({Bin(), "serve", "--config", Path("typo.yaml"), "--dry-run"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("dbb"), std::string::npos) << typo.err;
  Write("broken.yaml", "serve: [\n");
  auto broken = RunProcess({Bin(), "serve", "--config", Path("broken.yaml"), "--dry-run"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("broken.yaml:"), std::string::npos) << broken.err;
  auto missing = RunProcess({Bin(), "serve", "--config", Path("absent.yaml"), "--dry-run"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(CliTest, ProblemsValidateReportsFileLineColumnAndExitsOne) {
  auto good = RunProcess({Bin(), "problems", "validate", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd"});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  fs::create_directories(dir_ / "bad");
  Write("bad/problem.yaml", "name: bad\ntitle: Bad\nlanguages: [cpp]\ngpus: [cpu]\nbogus_key: 1\n");
  auto bad = RunProcess({Bin(), "problems", "validate", Path("bad")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("problem.yaml:5:1"), std::string::npos) << bad.err;
}

TEST_F(CliTest, ServeRefusesInvalidProblemsAndUnusableDatabase) {
  fs::create_directories(dir_ / "bad");
  Write("bad/problem.yaml", "name: [\n");
  auto r = RunProcess({Bin(), "serve", "--db", Path("k.db"), "--problems", Path("bad"), "--dry-run"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("problem.yaml:"), std::string::npos) << r.err;
  Write("not-a-db", std::string(4096, 'x'));
  auto notdb = RunProcess({Bin(), "serve", "--db", Path("not-a-db"), "--dry-run"});
  EXPECT_EQ(notdb.exit_code, 1) << notdb.err;
  EXPECT_EQ(Lines(notdb.err), 1) << notdb.err;
}

TEST_F(CliTest, AdminCreatesUsersAndTokens) {
  ASSERT_EQ(RunProcess({Bin(), "serve", "--db", Path("k.db"), "--dry-run"}).exit_code, 0);
  auto add = RunProcess({Bin(), "admin", "user", "add", "erin", "--role", "organizer", "--db", Path("k.db")});
  EXPECT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out.rfind("kj_", 0), 0u) << add.out;
  auto again = RunProcess({Bin(), "admin", "user", "add", "erin", "--db", Path("k.db")});
  EXPECT_EQ(again.exit_code, 1) << "a taken name fails";
  auto list = RunProcess({Bin(), "admin", "user", "list", "--db", Path("k.db")});
  EXPECT_NE(list.out.find("erin\torganizer"), std::string::npos) << list.out;
  auto token = RunProcess({Bin(), "admin", "token", "issue", "erin", "--kind", "runner", "--db", Path("k.db")});
  EXPECT_EQ(token.exit_code, 0) << token.err;
  auto audit = RunProcess({"/usr/bin/sqlite3", Path("k.db"), "SELECT action || ' ' || target FROM audit_log ORDER BY id"});
  if (audit.exit_code == 0) {
    EXPECT_EQ(audit.out, "user.create user:erin\ntoken.issue user:erin\n");
  }
  auto nodb = RunProcess({Bin(), "admin", "user", "list", "--db", Path("nothing.db")});
  EXPECT_EQ(nodb.exit_code, 1);
}

}  // namespace
}  // namespace kjudge
