// Waiting for the operator to stop a long-running subcommand (serve, runner) with Ctrl-C or
// SIGTERM. BlockStopSignals must run before any thread starts so that only WaitForStopSignal
// receives them.
#pragma once

namespace kjudge::cli {

/// Blocks SIGINT and SIGTERM in the calling thread and in every thread it starts afterwards.
void BlockStopSignals();
/// Waits until SIGINT or SIGTERM arrives; returns the signal number.
int WaitForStopSignal();

}  // namespace kjudge::cli
