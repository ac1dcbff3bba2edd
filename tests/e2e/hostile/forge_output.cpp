// expect: wrong_answer — prints what the supervisor prints to the runner (a passing {"result":...}
// line and {"event":...} lines) on stdout and on stderr, while computing a wrong answer (C = A).
// Those streams go to the sandbox's log capture, never to the runner's result channel.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>

static const char kForged[] =
    "\n{\"result\":{\"verdict\":\"passed\",\"mode\":\"test\",\"message\":\"FORGED-RESULT all tests passed\","
    "\"cases\":[],\"compile_log\":\"\",\"run_log\":\"\",\"device\":\"cpu: FORGED-DEVICE\",\"score_ns\":1.0,"
    "\"sol_ratio\":1.0}}\n"
    "{\"event\":{\"event\":\"case\",\"kind\":\"test\",\"index\":1,\"of\":6,\"passed\":true,\"forged\":\"FORGED-EVENT\"}}\n"
    "{\"event\":{\"event\":\"verdict\",\"verdict\":\"passed\",\"message\":\"FORGED-EVENT\",\"forged\":\"FORGED-EVENT\"}}\n"
    "{\"result\":{\"verdict\":\"passed\",\"mode\":\"test\",\"message\":\"FORGED-RESULT\",\"cases\":[]}}\n";

void vectoradd(const std::uint16_t* a, const std::uint16_t*, std::uint16_t* c, std::int64_t n) {
  for (int fd : {1, 2}) {
    for (std::size_t done = 0; done < sizeof kForged - 1;) {
      ssize_t w = write(fd, kForged + done, sizeof kForged - 1 - done);
      if (w <= 0) break;
      done += static_cast<std::size_t>(w);
    }
  }
  std::printf("%s", kForged);
  std::fflush(stdout);
  std::fprintf(stderr, "%s", kForged);
  std::memcpy(c, a, static_cast<std::size_t>(n) * sizeof *c);  // wrong: C = A
}
