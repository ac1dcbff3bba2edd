// Logging setup (spdlog). Call once at process start; afterwards use spdlog::info(...) etc.
#pragma once

#include <string_view>

#include "kjudge/core/result.h"

namespace kjudge {

/// Sets the default logger to stderr with the given level ("trace", "debug", "info", "warn",
/// "error", "off"). An unknown level is an kInvalidArgument error.
Status SetupLogging(std::string_view level);

}  // namespace kjudge
