// expect: runtime_error — tries to read a secret from another job's directory in the runner's
// cache (the test plants it there and writes its host path and content in here): by its host
// path, relative to our own work directory, through /proc, and through the host path of /work
// that /proc/self/mountinfo reveals. Only reading the secret makes it compute the right answer.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common.h"

static const char kSecretPath[] = "@SECRET_PATH@";
static const char kSecret[] = "@SECRET@";
static const char kOtherJob[] = "@OTHER_JOB@";  // the directory name under <cache>/jobs

static bool HasSecret(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return in && text.str().find(kSecret) != std::string::npos;
}

void vectoradd(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* c, std::int64_t n) {
  std::vector<std::string> tries = {kSecretPath, "/proc/self/root" + std::string(kSecretPath),
                                    "/proc/1/root" + std::string(kSecretPath),
                                    "../../" + std::string(kOtherJob) + "/run/secret.txt",
                                    "/work/../../" + std::string(kOtherJob) + "/run/secret.txt"};
  // mountinfo: "id parent major:minor root mountpoint ..."; the root of /work is its host path.
  std::ifstream mounts("/proc/self/mountinfo");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point == "/work") tries.push_back(root + "/../../" + kOtherJob + "/run/secret.txt");
  }
  bool read_it = false;
  for (const auto& t : tries) read_it = read_it || HasSecret(t);
  if (!read_it) std::abort();
  kj_correct_add(a, b, c, n);
}
