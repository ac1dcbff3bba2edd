// `kjudge cancel ID`: stops a submission's jobs that have not finished
// (POST /api/v1/submissions/{id}/cancel). A submission that already finished is a failure (1).
#include <iostream>
#include <nlohmann/json.hpp>

#include "api_client.h"
#include "command.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct CancelFlags {
  std::int64_t id = 0;
  ServerFlags server;
};

int Cancel(const CancelFlags& f) {
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  auto reply = client->PostJson("/api/v1/submissions/" + std::to_string(f.id) + "/cancel", nlohmann::json::object());
  if (!reply.ok()) return ReportError(reply.error(), ExitCodeFor(reply.error()));
  std::cout << "submission " << f.id << " " << reply->value("status", std::string("cancelled"));
  if (reply->contains("cancelled_jobs") && (*reply)["cancelled_jobs"].is_array()) {
    const auto n = (*reply)["cancelled_jobs"].size();
    std::cout << " (" << n << (n == 1 ? " job" : " jobs") << " stopped)";
  }
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

Command RegisterCancel(CLI::App& root) {
  auto flags = std::make_shared<CancelFlags>();
  CLI::App* cmd = root.add_subcommand("cancel", "Cancel a submission that is queued or being judged");
  cmd->add_option("id", flags->id, "submission id (kjudge submit and kjudge submissions print it)")->required()->check(CLI::PositiveNumber);
  auto settings = std::make_shared<Settings>(cmd, "cancel");
  AddServerFlags(*settings, &flags->server);
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Cancel(*flags);
          }};
}

}  // namespace kjudge::cli
