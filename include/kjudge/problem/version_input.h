// What publishing a loaded problem bundle stores: the one translation from a ProblemBundle to the
// store's ProblemVersionInput, shared by `kjudge serve --problems` and the admin push route so both
// publish the same version for the same files.
//
// Thread safety: a pure function.
#pragma once

#include "kjudge/problem/bundle.h"
#include "kjudge/store/problem_repository.h"

namespace kjudge::problem {

/// The version `bundle` publishes: name, title, content hash, the spec as JSON, every file, the
/// GPUs (one leaderboard each) and the spec's deadline in milliseconds.
store::ProblemVersionInput VersionInputOf(const ProblemBundle& bundle);

}  // namespace kjudge::problem
