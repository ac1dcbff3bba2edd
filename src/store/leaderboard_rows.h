// Leaderboard rows, shared with ProblemRepository (Publish creates leaderboards). Defined in
// leaderboard_repository.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/statement.h"

namespace kjudge::store {

/// The columns ReadLeaderboard expects, and the join that provides them.
#define KJ_LEADERBOARD_COLUMNS                                                                     \
  "leaderboards.id, leaderboards.problem_id, problems.name, leaderboards.gpu, leaderboards.deadline_ms, " \
  "leaderboards.visibility, leaderboards.state, leaderboards.created_ms"
#define KJ_LEADERBOARD_FROM " FROM leaderboards JOIN problems ON problems.id = leaderboards.problem_id"

Result<Leaderboard> ReadLeaderboard(const Statement& row, int first = 0);
/// kNotFound when absent.
Result<Leaderboard> LoadLeaderboard(Connection& connection, std::int64_t id);
/// Creates the (problem, gpu) leaderboard, open and public.
Result<Leaderboard> InsertLeaderboard(Connection& connection, std::int64_t problem_id, std::string_view gpu,
                                      std::optional<std::int64_t> deadline_ms, std::int64_t now_ms);

}  // namespace kjudge::store
