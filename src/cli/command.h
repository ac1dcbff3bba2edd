// How the `kjudge` subcommands plug into main: each Register* function adds its subcommand (and
// any nested ones) to the root app and returns what to run when it was chosen on the command line.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace kjudge::cli {

/// Runs a parsed subcommand; returns the process exit code (see ExitCode in settings.h).
using RunCommand = std::function<int()>;

/// A subcommand and what to run when the command line chose it.
struct Command {
  CLI::App* app = nullptr;
  RunCommand run;
};

Command RegisterServe(CLI::App& root);
Command RegisterRunner(CLI::App& root);
Command RegisterSubmit(CLI::App& root);
Command RegisterProblems(CLI::App& root);
Command RegisterAdmin(CLI::App& root);
Command RegisterVersion(CLI::App& root);
Command RegisterSupervise(CLI::App& root);
Command RegisterLeaderboard(CLI::App& root);
Command RegisterCompare(CLI::App& root);
Command RegisterSubmissions(CLI::App& root);
Command RegisterTemplate(CLI::App& root);
Command RegisterCancel(CLI::App& root);

/// Runs whichever of `commands` the command line chose; kExitUsage if none was.
int RunChosen(const std::vector<Command>& commands);

}  // namespace kjudge::cli
