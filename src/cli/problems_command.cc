// `kjudge problems validate DIR...` and `kjudge problems list`: from a server (--server, or a
// server set in the environment or config file) or, with --db or no server configured, from a
// local database.
#include <cstdio>
#include <iostream>

#include "api_client.h"
#include "command.h"
#include "kjudge/problem/validate.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct ListFlags {
  std::string db = "kjudge.db";
  ServerFlags server{"", ""};  // no default server: without one, the local database is listed
  bool json = false;
};

std::string Joined(const nlohmann::json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (item.is_string()) out += (out.empty() ? "" : ",") + item.get<std::string>();
  }
  return out;
}

int ListFromServer(const ListFlags& f) {
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  auto body = client->GetJson("/api/v1/problems");
  if (!body.ok()) return ReportError(body.error(), ExitCodeFor(body.error()));
  if (!body->is_object() || !(*body)["problems"].is_array()) {
    return ReportError(MakeError(ErrorCode::kUnavailable, "the server sent no problem list"), kExitUsage);
  }
  if (f.json) {
    std::cout << body->dump(2) << "\n";
    return kExitOk;
  }
  std::printf("%-16s %-36s %-16s %s\n", "problem", "title", "languages", "gpus");
  for (const auto& p : (*body)["problems"]) {
    std::printf("%-16s %-36s %-16s %s\n", p.value("name", std::string()).c_str(), p.value("title", std::string()).c_str(),
                Joined(p.value("languages", nlohmann::json())).c_str(), Joined(p.value("gpus", nlohmann::json())).c_str());
  }
  if ((*body)["problems"].empty()) std::cout << "(no problems published)\n";
  return kExitOk;
}

int ListFromDatabase(const ListFlags& f) {
  if (!std::filesystem::exists(f.db)) {
    return ReportError(MakeError(ErrorCode::kNotFound, "no database at " + f.db + " (give --server to list a server's problems)"),
                       kExitFailed);
  }
  auto db = store::Database::Open(f.db);
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
}

}  // namespace

Command RegisterProblems(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand("problems", "Check problem specs, list published problems");
  cmd->require_subcommand(1);

  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* validate = cmd->add_subcommand("validate", "Check problem directories; prints file:line:col per error");
  validate->add_option("paths", *paths, "problem directories, problem.yaml files, or trees of them")->required();
  auto validate_settings = std::make_shared<Settings>(validate, "problems");

  auto list_flags = std::make_shared<ListFlags>();
  CLI::App* list = cmd->add_subcommand("list", "Problems a server offers (--server), or those published in a local database (--db)");
  auto list_settings = std::make_shared<Settings>(list, "problems");
  list_settings->Add("db", &list_flags->db, "SQLite database file (when no server is given)");
  AddServerFlags(*list_settings, &list_flags->server);
  list_settings->AddFlag("json", &list_flags->json, "print the JSON the server sent");

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
       [list_flags, list_settings] {
         if (auto st = list_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
         const bool server = !list_flags->server.server.empty() && !list_settings->FromCommandLine("db");
         return server ? ListFromServer(*list_flags) : ListFromDatabase(*list_flags);
       }},
  };
  return {cmd, [subs] { return RunChosen(subs); }};
}

}  // namespace kjudge::cli
