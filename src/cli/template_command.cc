// `kjudge template PROBLEM --lang cuda|hip|cpp [-o FILE] [--force]`: downloads the problem's
// starting point for a language (GET /api/v1/problems/{P}/templates/{lang}) into the file the
// server names (Content-Disposition), else template.<ext>, or FILE ("-" is stdout). An existing
// file is kept unless --force.
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "api_client.h"
#include "command.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct TemplateFlags {
  std::string problem;
  std::string language;
  std::string output;
  bool force = false;
  ServerFlags server;
};

std::string Extension(const std::string& language) {
  if (language == "cuda") return "cu";
  if (language == "hip") return "hip";
  return "cpp";
}

/// The file name a Content-Disposition header suggests, if it is a plain name we are willing to
/// create in the current directory (no path, no hidden file, nothing exotic); else "".
std::string SuggestedName(const std::string& disposition) {
  const auto at = disposition.find("filename=");
  if (at == std::string::npos) return "";
  std::string name = disposition.substr(at + 9);
  if (!name.empty() && name.front() == '"') {
    name = name.substr(1, name.find('"', 1) == std::string::npos ? std::string::npos : name.find('"', 1) - 1);
  } else {
    name = name.substr(0, name.find(';'));
  }
  if (name.empty() || name.front() == '.' || name.size() > 128) return "";
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return "";
  }
  return name;
}

/// Writes `content` to `path`; an existing file is an error unless `overwrite`.
Status WriteFile(const std::string& path, const std::string& content, bool overwrite) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0 && errno == EEXIST) {
    return MakeError(ErrorCode::kAlreadyExists, path + " already exists: --force overwrites it, -o FILE writes elsewhere");
  }
  if (fd < 0) return MakeError(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return MakeError(ErrorCode::kIo, "cannot write " + path + ": " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return MakeError(ErrorCode::kIo, "cannot write " + path + ": " + std::strerror(errno));
  return Ok();
}

int Download(const TemplateFlags& f) {
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  auto reply = client->http().Request("GET", "/api/v1/problems/" + UrlEncode(f.problem) + "/templates/" + UrlEncode(f.language));
  if (!reply.ok()) return ReportError(reply.error(), kExitUsage);
  if (reply->status != 200) {
    const Error e = ReplyError(*reply);
    return ReportError(e, ExitCodeFor(e));
  }
  if (f.output == "-") {
    std::cout << reply->body << std::flush;
    return kExitOk;
  }
  std::string path = f.output;
  if (path.empty()) path = SuggestedName(reply->Header("content-disposition"));
  if (path.empty()) path = "template." + Extension(f.language);
  if (auto st = WriteFile(path, reply->body, f.force); !st.ok()) {
    return ReportError(st.error(), st.error().code == ErrorCode::kAlreadyExists ? kExitFailed : kExitUsage);
  }
  std::cout << "wrote " << path << " (" << f.problem << ", " << f.language << " template)\n";
  return kExitOk;
}

}  // namespace

Command RegisterTemplate(CLI::App& root) {
  auto flags = std::make_shared<TemplateFlags>();
  CLI::App* cmd = root.add_subcommand("template", "Download a problem's template for a language");
  cmd->add_option("problem", flags->problem, "problem name")->required();
  auto settings = std::make_shared<Settings>(cmd, "template");
  settings->Add("lang", &flags->language, "cuda, hip or cpp (required)")->check(CLI::IsMember({"cuda", "hip", "cpp"}));
  cmd->add_option("-o,--output", flags->output, "file to write (default: the name the server gives, else template.<ext>; - for stdout)");
  settings->AddFlag("force", &flags->force, "overwrite an existing file");
  AddServerFlags(*settings, &flags->server);
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            if (flags->language.empty()) {
              return ReportError(MakeError(ErrorCode::kInvalidArgument, "say which language: --lang cuda, hip or cpp"), kExitUsage);
            }
            return Download(*flags);
          }};
}

}  // namespace kjudge::cli
