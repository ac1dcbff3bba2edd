#include "kjudge/core/config_file.h"

#include <gtest/gtest.h>

namespace kjudge {
namespace {

TEST(ConfigFileTest, SectionWinsOverTopLevel) {
  auto cfg = ConfigFile::Parse("log_level: warn\ndb: top.db\nserve:\n  db: serve.db\n  local-runner: [cpu, cpu]\n",
                               "k.yaml");
  ASSERT_TRUE(cfg.ok()) << cfg.error().message;
  EXPECT_EQ(cfg->Lookup("serve", "db")->at(0), "serve.db");
  EXPECT_EQ(cfg->Lookup("runner", "db")->at(0), "top.db");
  EXPECT_EQ(cfg->Lookup("serve", "log-level")->at(0), "warn");
  EXPECT_EQ(cfg->Lookup("serve", "local_runner")->size(), 2u);
  EXPECT_FALSE(cfg->Lookup("serve", "listen").has_value());
}

TEST(ConfigFileTest, SyntaxErrorNamesFileAndLine) {
  auto cfg = ConfigFile::Parse("serve:\n  db: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message.find("bad.yaml:"), std::string::npos) << cfg.error().message;
}

TEST(ConfigFileTest, NestedMappingIsRejectedWithLocation) {
  auto cfg = ConfigFile::Parse("serve:\n  db:\n    deeper: 1\n", "c.yaml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().message.find("c.yaml:3:"), std::string::npos) << cfg.error().message;
}

TEST(ConfigFileTest, UnknownKeysAreReported) {
  auto cfg = ConfigFile::Parse("serve:\n  dbb: x\n  db: y\nlog_level: info\n", "c.yaml");
  ASSERT_TRUE(cfg.ok());
  auto unknown = cfg->UnknownKeys({{"serve", {"db", "log-level"}}});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0], "serve.dbb");
}

TEST(ConfigFileTest, TopLevelMustBeAMapping) {
  EXPECT_FALSE(ConfigFile::Parse("- a\n- b\n", "l.yaml").ok());
  EXPECT_TRUE(ConfigFile::Parse("", "empty.yaml").ok());
}

}  // namespace
}  // namespace kjudge
