// `kjudge problems validate DIR...` and `kjudge problems list --db PATH`.
#include <iostream>

#include "command.h"
#include "kjudge/problem/validate.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "settings.h"

namespace kjudge::cli {

Command RegisterProblems(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand("problems", "Check problem specs, list published problems");
  cmd->require_subcommand(1);

  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* validate = cmd->add_subcommand("validate", "Check problem directories; prints file:line:col per error");
  validate->add_option("paths", *paths, "problem directories, problem.yaml files, or trees of them")->required();
  auto validate_settings = std::make_shared<Settings>(validate, "problems");

  auto db_path = std::make_shared<std::string>("kjudge.db");
  CLI::App* list = cmd->add_subcommand("list", "Problems published in a database, with their leaderboards");
  auto list_settings = std::make_shared<Settings>(list, "problems");
  list_settings->Add("db", db_path.get(), "SQLite database file");

  std::vector<Command> subs = {
      {validate,
       [paths, validate_settings] {
         if (auto st = validate_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
         std::vector<std::filesystem::path> p(paths->begin(), paths->end());
         auto report = problem::ValidateTree(p);
         for (const auto& d : report.diagnostics) std::cerr << d << "\n";
         std::cout << report.problems_checked << " problem(s) checked, " << report.diagnostics.size() << " error(s)\n";
         return report.ok() ? kExitOk : kExitFailed;
       }},
      {list,
       [db_path, list_settings] {
         if (auto st = list_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
         if (!std::filesystem::exists(*db_path)) {
           return ReportError(MakeError(ErrorCode::kNotFound, "no database at " + *db_path), kExitFailed);
         }
         auto db = store::Database::Open(*db_path);
         if (!db.ok()) return ReportError(db.error(), kExitFailed);
         auto problems = store::ProblemRepository(**db).List();
         if (!problems.ok()) return ReportError(problems.error(), kExitFailed);
         for (const auto& p : *problems) {
           std::cout << p.name << "\t" << p.title << "\t";
           auto boards = store::LeaderboardRepository(**db).ListForProblem(p.id);
           if (boards.ok()) {
             for (std::size_t i = 0; i < boards->size(); ++i) std::cout << (i ? "," : "") << (*boards)[i].gpu;
           }
           std::cout << "\n";
         }
         return kExitOk;
       }},
  };
  return {cmd, [subs] { return RunChosen(subs); }};
}

}  // namespace kjudge::cli
