// The summary `kjudge submit` prints once a submission is finished, from the submission JSON the
// server returns (GET /api/v1/submissions/{id}): the result on a line of its own ("result:
// passed", which scripts/demo.sh reads), the run's message, the tests in one line (failures
// listed), a table of benchmark times against the speed of light, the score, and the compile or
// run log when it explains a failure.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

namespace kjudge::cli {

/// Prints the summary of `submission`; `terminal` allows the micro sign and check marks.
void PrintSummary(std::ostream& out, const nlohmann::json& submission, bool terminal);

}  // namespace kjudge::cli
