// The kjudge release this binary was built from.
#pragma once

#include <string_view>

namespace kjudge {

std::string_view Version();

}  // namespace kjudge
