// A scratch directory holding problems written by a test, removed afterwards.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

#include "problem/spec_fixture.h"

namespace kjudge::problem::testing {

class ProblemDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    root_ = std::filesystem::temp_directory_path() /
            ("kjudge-problem-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  /// Writes `content` to root/rel, creating directories.
  void Write(const std::string& rel, const std::string& content) {
    const auto path = root_ / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  /// A complete problem `dir` (relative to root) from kMiniSpec with `name`.
  void WriteMiniProblem(const std::string& dir, const std::string& name = "mini") {
    Write(dir + "/problem.yaml", Replace(kMiniSpec, "name: mini", "name: " + name));
    for (const char* f : {"reference.cpp", "glue.cpp", "glue.cu", "template.cpp", "template.cu"}) {
      Write(dir + "/" + f, std::string("// ") + f + "\n");
    }
  }

  std::filesystem::path root_;
};

}  // namespace kjudge::problem::testing
