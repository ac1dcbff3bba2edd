// kjudge: one binary, subcommands like git (serve, runner, submit, submissions, cancel, template,
// problems, leaderboard, admin, version).
// Exit codes: 0 success, 1 the requested thing failed, 2 usage or configuration error.
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "command.h"
#include "settings.h"

namespace kjudge::cli {

int RunChosen(const std::vector<Command>& commands) {
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return kExitUsage;
}

namespace {

int Main(int argc, char** argv) {
  CLI::App app{"kjudge: GPU kernel competition server and judging daemon"};
  app.name("kjudge");
  app.require_subcommand(1);
  const std::vector<Command> commands = {RegisterServe(app),       RegisterRunner(app),      RegisterSubmit(app),
                                         RegisterSubmissions(app), RegisterCancel(app),      RegisterTemplate(app),
                                         RegisterProblems(app),    RegisterLeaderboard(app), RegisterCompare(app), RegisterAdmin(app),
                                         RegisterVersion(app),     RegisterSupervise(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string message = e.what();
    for (char& c : message) c = c == '\n' ? ' ' : c;
    std::cerr << "kjudge: " << message << " (see --help)\n";
    return kExitUsage;
  }
  return RunChosen(commands);
}

}  // namespace
}  // namespace kjudge::cli

int main(int argc, char** argv) {
  try {
    return kjudge::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "kjudge: internal error: " << e.what() << "\n";
    return kjudge::cli::kExitFailed;
  }
}
