// Loading a problems/ tree into the database at server start-up: every problem is parsed and
// validated, then published (a new version when its content hash is new; leaderboards per GPU).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/database.h"

namespace kjudge::cli {

struct LoadedProblems {
  std::vector<std::string> names;      ///< every problem found
  std::vector<std::string> new_versions;  ///< those whose content changed (or were new)
};

/// kInvalidArgument listing every diagnostic ("file:line:col: message") when any spec is wrong;
/// nothing is published then.
Result<LoadedProblems> LoadProblemsIntoStore(const std::filesystem::path& root, store::Database& db);

}  // namespace kjudge::cli
