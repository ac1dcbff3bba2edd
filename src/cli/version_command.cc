#include <iostream>

#include "command.h"
#include "kjudge/core/version.h"
#include "settings.h"

namespace kjudge::cli {

Command RegisterVersion(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand("version", "Print the kjudge version");
  return {cmd, [] {
    std::cout << "kjudge " << Version() << "\n";
    return kExitOk;
  }};
}

}  // namespace kjudge::cli
