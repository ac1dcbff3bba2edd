#include "kjudge/store/schema_enums.h"

#include <array>
#include <string>

namespace kjudge::store {

namespace {

// The one mapping between C++ values and schema strings. Keep in step with the CHECK
// constraints in migrations/ (schema_enums_test inserts every name to prove it).
constexpr std::array<EnumName<Role>, 4> kRoles{{
    {Role::kCompetitor, "competitor"},
    {Role::kOrganizer, "organizer"},
    {Role::kAdmin, "admin"},
    {Role::kRunner, "runner"},
}};
constexpr std::array<EnumName<TokenKind>, 4> kTokenKinds{{
    {TokenKind::kApi, "api"},
    {TokenKind::kPopcornCli, "popcorn_cli"},
    {TokenKind::kRunner, "runner"},
    {TokenKind::kInvite, "invite"},
}};
constexpr std::array<EnumName<Visibility>, 2> kVisibilities{{
    {Visibility::kPublic, "public"},
    {Visibility::kHidden, "hidden"},
}};
constexpr std::array<EnumName<LeaderboardState>, 2> kLeaderboardStates{{
    {LeaderboardState::kOpen, "open"},
    {LeaderboardState::kClosed, "closed"},
}};
constexpr std::array<EnumName<PointsRule>, 3> kPointsRules{{
    {PointsRule::kRankPoints, "rank_points"},
    {PointsRule::kRelativeScore, "relative_score"},
    {PointsRule::kSolRatio, "sol_ratio"},
}};
constexpr std::array<EnumName<Language>, 3> kLanguages{{
    {Language::kCuda, "cuda"},
    {Language::kHip, "hip"},
    {Language::kCpp, "cpp"},
}};
constexpr std::array<EnumName<Mode>, 4> kModes{{
    {Mode::kTest, "test"},
    {Mode::kBenchmark, "benchmark"},
    {Mode::kLeaderboard, "leaderboard"},
    {Mode::kProfile, "profile"},
}};
constexpr std::array<EnumName<JobStatus>, 6> kJobStatuses{{
    {JobStatus::kQueued, "queued"},
    {JobStatus::kLeased, "leased"},
    {JobStatus::kRunning, "running"},
    {JobStatus::kDone, "done"},
    {JobStatus::kFailed, "failed"},
    {JobStatus::kCancelled, "cancelled"},
}};
constexpr std::array<EnumName<Verdict>, 7> kVerdicts{{
    {Verdict::kPassed, "passed"},
    {Verdict::kWrongAnswer, "wrong_answer"},
    {Verdict::kCompileError, "compile_error"},
    {Verdict::kRuntimeError, "runtime_error"},
    {Verdict::kTimeLimit, "time_limit"},
    {Verdict::kRejected, "rejected"},
    {Verdict::kInternalError, "internal_error"},
}};
constexpr std::array<EnumName<ArtifactKind>, 1> kArtifactKinds{{
    {ArtifactKind::kNcuReport, "ncu_report"},
}};

template <typename E, std::size_t N>
std::string_view Lookup(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return "?";  // unreachable for a valid enumerator
}

template <typename E, std::size_t N>
Result<E> ParseIn(const std::array<EnumName<E>, N>& table, std::string_view name, std::string_view what) {
  std::string accepted;
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
    if (!accepted.empty()) accepted += ", ";
    accepted += entry.name;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown " + std::string(what) + " '" + std::string(name) + "' (one of: " + accepted + ")");
}

}  // namespace

#define KJ_STORE_ENUM(Type, table, what)                                                       \
  template <>                                                                                  \
  std::span<const EnumName<Type>> EnumNames<Type>() {                                          \
    return table;                                                                              \
  }                                                                                            \
  template <>                                                                                  \
  Result<Type> Parse<Type>(std::string_view name) {                                            \
    return ParseIn(table, name, what);                                                         \
  }                                                                                            \
  std::string_view Name(Type value) { return Lookup(table, value); }

KJ_STORE_ENUM(Role, kRoles, "role")
KJ_STORE_ENUM(TokenKind, kTokenKinds, "token kind")
KJ_STORE_ENUM(Visibility, kVisibilities, "visibility")
KJ_STORE_ENUM(LeaderboardState, kLeaderboardStates, "leaderboard state")
KJ_STORE_ENUM(PointsRule, kPointsRules, "points rule")
KJ_STORE_ENUM(Language, kLanguages, "language")
KJ_STORE_ENUM(Mode, kModes, "mode")
KJ_STORE_ENUM(JobStatus, kJobStatuses, "job status")
KJ_STORE_ENUM(Verdict, kVerdicts, "verdict")
KJ_STORE_ENUM(ArtifactKind, kArtifactKinds, "artifact kind")

#undef KJ_STORE_ENUM

bool IsTerminal(JobStatus status) {
  return status == JobStatus::kDone || status == JobStatus::kFailed || status == JobStatus::kCancelled;
}

bool CanTransition(JobStatus from, JobStatus to) {
  switch (from) {
    case JobStatus::kQueued:
      return to == JobStatus::kLeased || to == JobStatus::kCancelled;
    case JobStatus::kLeased:
      // A runner may report the final result without a separate "running" step.
      return to == JobStatus::kRunning || to == JobStatus::kQueued || to == JobStatus::kDone ||
             to == JobStatus::kFailed || to == JobStatus::kCancelled;
    case JobStatus::kRunning:
      return to == JobStatus::kQueued || to == JobStatus::kDone || to == JobStatus::kFailed ||
             to == JobStatus::kCancelled;
    case JobStatus::kDone:
    case JobStatus::kFailed:
    case JobStatus::kCancelled:
      return false;
  }
  return false;
}

}  // namespace kjudge::store
