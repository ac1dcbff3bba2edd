#include "kjudge/core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

namespace kjudge {

Status SetupLogging(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool known = false;
  for (auto l : kLevels) known = known || l == level;
  if (!known) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unknown log level '" + std::string(level) + "' (trace, debug, info, warn, error, off)");
  }
  auto logger = spdlog::get("kjudge");
  if (!logger) logger = spdlog::stderr_color_mt("kjudge");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
  return Ok();
}

}  // namespace kjudge
