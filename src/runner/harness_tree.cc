#include "kjudge/runner/harness_tree.h"

#include <fstream>
#include <sstream>

#include "kjudge/harness/judged_sources.h"

namespace kjudge::runner {

namespace fs = std::filesystem;

Result<fs::path> MaterializeHarnessSources(const fs::path& dir) {
  std::error_code ec;
  for (const auto& file : harness::HarnessSources()) {
    const fs::path target = dir / std::string(file.path);
    fs::create_directories(target.parent_path(), ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create " + target.parent_path().string() + ": " + ec.message());
    {
      std::ifstream in(target, std::ios::binary);
      if (in) {
        std::stringstream ss;
        ss << in.rdbuf();
        if (ss.str() == file.content) continue;
      }
    }
    const fs::path tmp = target.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
      if (!out) return MakeError(ErrorCode::kIo, "cannot write " + tmp.string());
    }
    fs::rename(tmp, target, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot write " + target.string() + ": " + ec.message());
  }
  return dir / "include";
}

}  // namespace kjudge::runner
