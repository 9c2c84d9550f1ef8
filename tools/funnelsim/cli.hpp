// The funnelsim command line: parses arguments, calls the library, prints. No simulation here.
#pragma once

#include <ostream>

namespace funnelsim::cli {

/// Exit codes: 0 success; 1 a failure while running or writing (I/O, internal error);
/// 2 bad input (usage, scenario or run settings), reported before anything runs or is written.
inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_FAILURE_RUN = 1;
inline constexpr int EXIT_BAD_INPUT = 2;

/// Runs the command line `argv` with output to `out` and messages to `err`; returns the
/// exit code. Used by main() and, in-process, by the tests.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace funnelsim::cli
