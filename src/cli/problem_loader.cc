#include "problem_loader.h"

#include "kjudge/problem/bundle.h"
#include "kjudge/problem/spec_json.h"
#include "kjudge/problem/version_input.h"
#include "kjudge/store/problem_repository.h"

namespace kjudge::cli {

Result<LoadedProblems> LoadProblemsIntoStore(const std::filesystem::path& root, store::Database& db) {
  std::vector<problem::Diagnostic> diagnostics;
  auto bundles = problem::LoadProblemTree(root, &diagnostics);
  if (!bundles.ok() || !diagnostics.empty()) {
    std::string message = "problems in " + root.string() + " have errors:";
    for (const auto& d : diagnostics) message += "\n  " + d.ToString();
    if (!bundles.ok() && diagnostics.empty()) message += "\n  " + bundles.error().message;
    return MakeError(ErrorCode::kInvalidArgument, message);
  }
  LoadedProblems loaded;
  store::ProblemRepository repo(db);
  for (const auto& b : *bundles) {
    const store::ProblemVersionInput input = problem::VersionInputOf(b);
    KJ_ASSIGN_OR_RETURN(store::PublishResult published, repo.Publish(input));
    loaded.names.push_back(b.spec.name);
    if (published.created_version || published.changed_active) loaded.new_versions.push_back(b.spec.name);
  }
  return loaded;
}

}  // namespace kjudge::cli
