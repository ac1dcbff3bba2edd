// `kjudge admin`: users, tokens and hack marks, directly on the database file (run it on the
// server machine; SQLite's locking makes that safe while the server runs).
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <vector>

#include "command.h"
#include "kjudge/core/clock.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/hack_repository.h"
#include "kjudge/store/submission_repository.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

/// Who ran an admin command: the operating-system user on the server machine.
std::string LocalActor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr ? user : "unknown");
}

/// Users and tokens are created in the same transaction as their audit entry.
Result<store::IssuedToken> CreateUserWithToken(store::Database& db, const std::string& name, store::Role role) {
  KJ_ASSIGN_OR_RETURN(auto tx, db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::User user, store::UserRepository(tx).Create({name, "", role}));
  const auto kind = role == store::Role::kRunner ? store::TokenKind::kRunner : store::TokenKind::kApi;
  KJ_ASSIGN_OR_RETURN(store::IssuedToken issued, store::TokenRepository(tx).Issue({user.id, kind, "first token", std::nullopt}));
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append(
      {std::nullopt, LocalActor(), "user.create", "user:" + name, R"({"role":")" + std::string(store::Name(role)) + R"("})"}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return issued;
}

Result<store::IssuedToken> IssueToken(store::Database& db, const std::string& name, store::TokenKind kind,
                                      const std::string& label) {
  KJ_ASSIGN_OR_RETURN(auto tx, db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::User user, store::UserRepository(tx).GetByName(name));
  KJ_ASSIGN_OR_RETURN(store::IssuedToken issued, store::TokenRepository(tx).Issue({user.id, kind, label, std::nullopt}));
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append(
      {std::nullopt, LocalActor(), "token.issue", "user:" + name, R"({"kind":")" + std::string(store::Name(kind)) + R"("})"}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return issued;
}

/// Invitations (one account each, with `role`), created with their audit entry.
Result<std::vector<std::string>> IssueInvites(store::Database& db, store::Role role, int count, const std::string& label,
                                              std::optional<std::int64_t> expires_ms) {
  KJ_ASSIGN_OR_RETURN(auto tx, db.BeginWrite());
  std::vector<std::string> codes;
  for (int i = 0; i < count; ++i) {
    KJ_ASSIGN_OR_RETURN(store::IssuedToken invite, store::TokenRepository(tx).IssueInvite(role, label, expires_ms));
    codes.push_back(invite.plaintext);
  }
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append(
      {std::nullopt, LocalActor(), "invite.issue", "invites",
       R"({"role":")" + std::string(store::Name(role)) + R"(","count":)" + std::to_string(count) + "}"}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return codes;
}

/// Marks a submission hacked (or, `mark` false, removes the mark) with its audit entry. A running
/// server's cached pages show the change within their time to live (30 s); the HTTP route
/// (POST /api/v1/admin/submissions/{id}/hacked) shows it at once.
Result<store::HackMark> SetHacked(store::Database& db, std::int64_t id, bool mark, const std::string& reason) {
  KJ_ASSIGN_OR_RETURN(auto tx, db.BeginWrite());
  auto sub = store::SubmissionRepository(tx).Get(id);
  if (!sub.ok() && sub.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kNotFound, "no submission " + std::to_string(id));
  }
  if (!sub.ok()) return sub.error();
  store::HackRepository hacks(tx);
  KJ_ASSIGN_OR_RETURN(store::HackMark changed,
                      mark ? hacks.Mark({id, reason, std::nullopt, LocalActor()}) : hacks.Unmark(id));
  const std::string detail = mark ? nlohmann::json{{"reason", reason}, {"user_id", sub->user_id}}.dump()
                                  : nlohmann::json{{"reason", changed.reason}, {"marked_by", changed.marked_by},
                                                   {"marked_ms", changed.marked_ms}}.dump();
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append({std::nullopt, LocalActor(), mark ? "submission.hacked" : "submission.unhacked",
                                                        "submission:" + std::to_string(id), detail}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return changed;
}

/// What a competitor needs next to a popcorn-cli id.
void PrintPopcornHint(const std::string& user, const std::string& cli_id) {
  std::cerr << "popcorn-cli id for " << user << " (shown only once). On their machine:\n"
            << "  1. put this line into ~/.popcorn.yaml:   cli_id: " << cli_id << "\n"
            << "  2. export POPCORN_API_URL=<this server's URL, e.g. https://kjudge.example.org>\n"
            << "  (docs/popcorn.md has the details)\n";
}

Result<std::unique_ptr<store::Database>> OpenExisting(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return MakeError(ErrorCode::kNotFound, "no database at " + path + " (start `kjudge serve --db " + path + "` once)");
  }
  return store::Database::Open(path);
}

}  // namespace

Command RegisterAdmin(CLI::App& root) {
  CLI::App* cmd = root.add_subcommand("admin", "Users, tokens and hack marks (on the server's database file)");
  cmd->require_subcommand(1);
  auto db_path = std::make_shared<std::string>("kjudge.db");

  CLI::App* user = cmd->add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>("competitor");
  CLI::App* add = user->add_subcommand("add", "Create a user and print their first API token (shown once)");
  add->add_option("name", *name, "user name")->required();
  auto add_settings = std::make_shared<Settings>(add, "admin");
  add_settings->Add("db", db_path.get(), "SQLite database file");
  add_settings->Add("role", role.get(), "competitor, organizer, admin or runner")
      ->check(CLI::IsMember({"competitor", "organizer", "admin", "runner"}));

  CLI::App* list = user->add_subcommand("list", "List users");
  auto list_settings = std::make_shared<Settings>(list, "admin");
  list_settings->Add("db", db_path.get(), "SQLite database file");

  CLI::App* token = cmd->add_subcommand("token", "Manage tokens");
  token->require_subcommand(1);
  auto kind = std::make_shared<std::string>("api");
  auto label = std::make_shared<std::string>("cli");
  CLI::App* issue = token->add_subcommand("issue", "Issue another token for a user (shown once)");
  issue->add_option("name", *name, "user name")->required();
  auto issue_settings = std::make_shared<Settings>(issue, "admin");
  issue_settings->Add("db", db_path.get(), "SQLite database file");
  issue_settings->Add("kind", kind.get(), "api, runner or popcorn-cli")->check(CLI::IsMember({"api", "runner", "popcorn-cli"}));
  issue_settings->Add("label", label.get(), "what the token is for");

  CLI::App* popcorn = cmd->add_subcommand("popcorn-id", "Issue a popcorn-cli id (cli_id) for a user and print its ~/.popcorn.yaml line (shown once)");
  popcorn->add_option("name", *name, "user name")->required();
  auto popcorn_settings = std::make_shared<Settings>(popcorn, "admin");
  popcorn_settings->Add("db", db_path.get(), "SQLite database file");
  auto popcorn_label = std::make_shared<std::string>("popcorn-cli");
  popcorn_settings->Add("label", popcorn_label.get(), "what the id is for (e.g. the competitor's machine)");

  CLI::App* invite = cmd->add_subcommand("invite", "Issue one-time invitations; each creates one account (codes shown once)");
  auto invite_settings = std::make_shared<Settings>(invite, "admin");
  auto invite_role = std::make_shared<std::string>("competitor");
  auto invite_count = std::make_shared<int>(1);
  auto invite_hours = std::make_shared<int>(0);
  auto invite_label = std::make_shared<std::string>("invite");
  invite_settings->Add("db", db_path.get(), "SQLite database file");
  invite_settings->Add("role", invite_role.get(), "the role the new account gets: competitor or organizer")
      ->check(CLI::IsMember({"competitor", "organizer"}));
  invite_settings->Add("count", invite_count.get(), "how many invitations")->check(CLI::Range(1, 10000));
  invite_settings->Add("expires-hours", invite_hours.get(), "hours until unused invitations expire (0: never)")
      ->check(CLI::Range(0, 24 * 365));
  invite_settings->Add("label", invite_label.get(), "what the invitations are for (shown in audits)");

  auto submission_id = std::make_shared<std::int64_t>(0);
  auto hack_reason = std::make_shared<std::string>();
  CLI::App* mark_hacked = cmd->add_subcommand(
      "mark-hacked", "Mark a submission hacked: it leaves every ranking; its runs, code and logs stay as evidence");
  mark_hacked->add_option("submission", *submission_id, "submission id")->required()->check(CLI::PositiveNumber);
  mark_hacked->add_option("--reason", *hack_reason, "what was found (shown to the submission's owner)")->required();
  auto mark_settings = std::make_shared<Settings>(mark_hacked, "admin");
  mark_settings->Add("db", db_path.get(), "SQLite database file");
  CLI::App* unmark_hacked = cmd->add_subcommand("unmark-hacked", "Remove a submission's hacked mark: its runs rank again");
  unmark_hacked->add_option("submission", *submission_id, "submission id")->required()->check(CLI::PositiveNumber);
  auto unmark_settings = std::make_shared<Settings>(unmark_hacked, "admin");
  unmark_settings->Add("db", db_path.get(), "SQLite database file");

  std::vector<Command> user_subs = {
      {add,
       [=] {
         if (auto st = add_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
         auto db = OpenExisting(*db_path);
         if (!db.ok()) return ReportError(db.error(), kExitFailed);
         auto r = store::Parse<store::Role>(*role);
         if (!r.ok()) return ReportError(r.error(), kExitUsage);
         auto issued = CreateUserWithToken(**db, *name, *r);
         if (!issued.ok()) return ReportError(issued.error(), kExitFailed);
         std::cout << issued->plaintext << "\n";
         std::cerr << "user " << *name << " (" << *role << ") created; the token above is shown only once\n";
         return kExitOk;
       }},
      {list,
       [=] {
         if (auto st = list_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
         auto db = OpenExisting(*db_path);
         if (!db.ok()) return ReportError(db.error(), kExitFailed);
         auto users = store::UserRepository(**db).List();
         if (!users.ok()) return ReportError(users.error(), kExitFailed);
         for (const auto& u : *users) std::cout << u.id << "\t" << u.name << "\t" << store::Name(u.role) << "\n";
         return kExitOk;
       }},
  };
  std::vector<Command> token_subs = {
      {issue,
       [=] {
         if (auto st = issue_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
         auto db = OpenExisting(*db_path);
         if (!db.ok()) return ReportError(db.error(), kExitFailed);
         const auto token_kind = *kind == "runner"        ? store::TokenKind::kRunner
                                 : *kind == "popcorn-cli" ? store::TokenKind::kPopcornCli
                                                          : store::TokenKind::kApi;
         auto issued = IssueToken(**db, *name, token_kind, *label);
         if (!issued.ok()) return ReportError(issued.error(), kExitFailed);
         std::cout << issued->plaintext << "\n";
         if (token_kind == store::TokenKind::kPopcornCli) PrintPopcornHint(*name, issued->plaintext);
         return kExitOk;
       }},
  };
  const Command popcorn_cmd{popcorn, [=] {
                              if (auto st = popcorn_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
                              auto db = OpenExisting(*db_path);
                              if (!db.ok()) return ReportError(db.error(), kExitFailed);
                              auto issued = IssueToken(**db, *name, store::TokenKind::kPopcornCli, *popcorn_label);
                              if (!issued.ok()) return ReportError(issued.error(), kExitFailed);
                              std::cout << "cli_id: " << issued->plaintext << "\n";
                              PrintPopcornHint(*name, issued->plaintext);
                              return kExitOk;
                            }};
  const Command invite_cmd{invite, [=] {
                             if (auto st = invite_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
                             auto db = OpenExisting(*db_path);
                             if (!db.ok()) return ReportError(db.error(), kExitFailed);
                             auto granted = store::Parse<store::Role>(*invite_role);
                             if (!granted.ok()) return ReportError(granted.error(), kExitUsage);
                             std::optional<std::int64_t> expires;
                             if (*invite_hours > 0) expires = DefaultClock().NowMs() + *invite_hours * 3600 * 1000ll;
                             auto codes = IssueInvites(**db, *granted, *invite_count, *invite_label, expires);
                             if (!codes.ok()) return ReportError(codes.error(), kExitFailed);
                             for (const auto& c : *codes) std::cout << c << "\n";
                             std::cerr << "each code above makes one " << *invite_role << " account and is shown only once; "
                                       << "redeem with `popcorn join NAME:CODE` (popcorn-cli) or POST /api/v1/register\n";
                             return kExitOk;
                           }};
  const Command mark_cmd{mark_hacked, [=] {
                           if (auto st = mark_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
                           if (auto st = store::ValidateHackReason(*hack_reason, "--reason"); !st.ok()) {
                             return ReportError(st.error(), kExitUsage);
                           }
                           auto db = OpenExisting(*db_path);
                           if (!db.ok()) return ReportError(db.error(), kExitFailed);
                           auto mark = SetHacked(**db, *submission_id, true, *hack_reason);
                           if (!mark.ok()) return ReportError(mark.error(), kExitFailed);
                           std::cout << "submission " << *submission_id << " marked hacked by " << mark->marked_by << "\n";
                           std::cerr << "it ranks nowhere now (a running server shows it within 30 s); its runs and code are kept; "
                                     << "undo with `kjudge admin unmark-hacked " << *submission_id << "`\n";
                           return kExitOk;
                         }};
  const Command unmark_cmd{unmark_hacked, [=] {
                             if (auto st = unmark_settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
                             auto db = OpenExisting(*db_path);
                             if (!db.ok()) return ReportError(db.error(), kExitFailed);
                             auto removed = SetHacked(**db, *submission_id, false, "");
                             if (!removed.ok()) return ReportError(removed.error(), kExitFailed);
                             std::cout << "submission " << *submission_id << " is no longer marked hacked (it was marked by "
                                       << removed->marked_by << ": " << removed->reason << ")\n";
                             return kExitOk;
                           }};
  std::vector<Command> subs = {{user, [user_subs] { return RunChosen(user_subs); }},
                               {token, [token_subs] { return RunChosen(token_subs); }},
                               popcorn_cmd,
                               invite_cmd,
                               mark_cmd,
                               unmark_cmd};
  return {cmd, [subs] { return RunChosen(subs); }};
}

}  // namespace kjudge::cli
