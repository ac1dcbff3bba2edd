// ProblemSpec <-> JSON, for the store (a problem version keeps its spec as JSON) and the API.
// The JSON uses problem.yaml's own keys and shapes (expressions as strings, GPUs by canonical
// name, the deadline as ISO-8601 UTC), so it is itself a valid spec: SpecFromJson re-validates it
// with the spec parser, and a spec survives ParseProblemSpec -> SpecToJson -> SpecFromJson
// unchanged.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "kjudge/core/result.h"
#include "kjudge/problem/spec.h"

namespace kjudge::problem {

nlohmann::json SpecToJson(const ProblemSpec& spec);

/// Parses and validates JSON produced by SpecToJson (or written by hand in the same shape).
/// Errors name JSON positions loosely ("<json>:1:345"); it is meant for stored specs.
Result<ProblemSpec> SpecFromJson(const nlohmann::json& json);

}  // namespace kjudge::problem
