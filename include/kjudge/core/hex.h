// Lower-case hexadecimal encoding of bytes.
#pragma once

#include <string>
#include <string_view>

namespace kjudge {

std::string HexEncode(std::string_view bytes);

}  // namespace kjudge
