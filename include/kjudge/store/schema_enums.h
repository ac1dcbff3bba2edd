// The enumerations the schema stores as TEXT, as C++ enums, and the one table that maps each
// value to its schema string (src/store/schema_enums.cc). The strings are also what the HTTP API
// and the CLI show, and what the CHECK constraints in migrations/0001_initial.sql list.
//
// Thread safety: pure functions over constant tables.
#pragma once

#include <span>
#include <string_view>

#include "kjudge/core/result.h"

namespace kjudge::store {

/// What a user may do. Runners are users too, with their own tokens.
enum class Role { kCompetitor, kOrganizer, kAdmin, kRunner };

/// What a bearer token is for: our API, popcorn-cli's self-chosen id, a runner daemon, or a
/// one-time invitation to create an account.
enum class TokenKind { kApi, kPopcornCli, kRunner, kInvite };

/// Whether a leaderboard appears in public listings.
enum class Visibility { kPublic, kHidden };

/// Whether a leaderboard accepts leaderboard-mode submissions (its deadline also applies).
enum class LeaderboardState { kOpen, kClosed };

/// How a competition turns each problem's ranking into points (the score module computes them):
/// kRankPoints: points by rank on each problem, times its weight;
/// kRelativeScore: weight x (best score / your score), so the leader gets the full weight;
/// kSolRatio: weight x (1 / your speed-of-light ratio), an absolute measure.
enum class PointsRule { kRankPoints, kRelativeScore, kSolRatio };

/// Source languages: CUDA, HIP, and host C++ (the cpu backend).
enum class Language { kCuda, kHip, kCpp };

/// Judging modes, for submissions and jobs (see issue 4).
enum class Mode { kTest, kBenchmark, kLeaderboard, kProfile };

/// A job's life: queued -> leased -> running -> done | failed, cancellable until it ends, and
/// back to queued when a lease expires.
enum class JobStatus { kQueued, kLeased, kRunning, kDone, kFailed, kCancelled };

/// The outcome of a run, best first (same names as kjudge::runner::Verdict).
enum class Verdict { kPassed, kWrongAnswer, kCompileError, kRuntimeError, kTimeLimit, kRejected, kInternalError };

/// A file stored with a run (run_artifacts): the Nsight Compute report of a profile-mode run.
enum class ArtifactKind { kNcuReport };

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

/// Every value of E with its schema string, in declaration order.
template <typename E>
std::span<const EnumName<E>> EnumNames();

/// The schema string of a value.
std::string_view Name(Role value);
std::string_view Name(TokenKind value);
std::string_view Name(Visibility value);
std::string_view Name(LeaderboardState value);
std::string_view Name(PointsRule value);
std::string_view Name(Language value);
std::string_view Name(Mode value);
std::string_view Name(JobStatus value);
std::string_view Name(Verdict value);
std::string_view Name(ArtifactKind value);

/// The value named `name` (exact, lower-case). kInvalidArgument listing the accepted names
/// otherwise; reading such a string from the database means corruption, and callers reading rows
/// report it as kCorruption.
template <typename E>
Result<E> Parse(std::string_view name);

// The specializations are defined in schema_enums.cc, for exactly these types.
#define KJ_STORE_DECLARE_ENUM(Type)                   \
  template <>                                         \
  std::span<const EnumName<Type>> EnumNames<Type>();  \
  template <>                                         \
  Result<Type> Parse<Type>(std::string_view name);
KJ_STORE_DECLARE_ENUM(Role)
KJ_STORE_DECLARE_ENUM(TokenKind)
KJ_STORE_DECLARE_ENUM(Visibility)
KJ_STORE_DECLARE_ENUM(LeaderboardState)
KJ_STORE_DECLARE_ENUM(PointsRule)
KJ_STORE_DECLARE_ENUM(Language)
KJ_STORE_DECLARE_ENUM(Mode)
KJ_STORE_DECLARE_ENUM(JobStatus)
KJ_STORE_DECLARE_ENUM(Verdict)
KJ_STORE_DECLARE_ENUM(ArtifactKind)
#undef KJ_STORE_DECLARE_ENUM

/// Done, failed and cancelled jobs never change again.
bool IsTerminal(JobStatus status);
/// Whether a job may move from `from` to `to`: queued -> leased | cancelled;
/// leased -> running | queued | done | failed | cancelled; running -> queued | done | failed |
/// cancelled; nothing leaves a terminal status.
bool CanTransition(JobStatus from, JobStatus to);

}  // namespace kjudge::store
