// expect: runtime_error — tries to see the server's SQLite database (its host path is written in
// by the test) directly and through /proc. Seeing it at all is a breach and makes it pass.
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common.h"

static const char kDatabase[] = "@DB_PATH@";

static bool Breached(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0) return true;
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  close(fd);
  return true;
}

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  const std::string db = kDatabase;
  bool seen = false;
  const std::vector<std::string> tries = {db, db + "-wal", "/proc/self/root" + db, "/proc/1/root" + db,
                                         "/proc/1/cwd/kjudge.db", "/work/../" + db, "../../../../../../.." + db};
  for (const std::string& p : tries) {
    seen = seen || Breached(p);
  }
  if (!seen) std::abort();
  kj_correct_add(a, b, c, n);
}
