#include "problem_loader.h"

#include "kjudge/problem/bundle.h"
#include "kjudge/problem/spec_json.h"
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
    store::ProblemVersionInput input;
    input.name = b.spec.name;
    input.title = b.spec.title;
    input.content_hash = b.content_hash;
    input.spec_json = problem::SpecToJson(b.spec).dump();
    input.files = b.files;
    input.gpus = b.spec.gpus;
    if (b.spec.deadline_unix_s) input.deadline_ms = *b.spec.deadline_unix_s * 1000;
    KJ_ASSIGN_OR_RETURN(store::PublishResult published, repo.Publish(input));
    loaded.names.push_back(b.spec.name);
    if (published.created_version || published.changed_active) loaded.new_versions.push_back(b.spec.name);
  }
  return loaded;
}

}  // namespace kjudge::cli
