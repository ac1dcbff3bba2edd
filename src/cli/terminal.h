// Whether an output stream is a terminal that can show a live status line, and how wide it is.
//
// Thread safety: reads process state only.
#pragma once

namespace kjudge::cli {

/// True when `fd` is a terminal that understands "\r" and clear-to-end (TERM is not "dumb").
bool IsLiveTerminal(int fd);

/// The width of the terminal on `fd`, else $COLUMNS, else 80.
int TerminalColumns(int fd);

}  // namespace kjudge::cli
