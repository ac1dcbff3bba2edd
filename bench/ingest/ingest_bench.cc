// bench/ingest (issue 5, point 7): how many submissions per second the real `kjudge serve` accepts
// and makes durable. No runners: jobs stay queued, so what is measured is the intake path alone —
// HTTP, token authentication, SubmissionIntake's checks (rate rules, queue cap, duplicates), the
// insert of the submission and its job, the commit (synchronous=FULL, the server's default) and
// the queue position in the answer.
//
// The server gets a fresh database, rate limits set out of the way (--rate-limit with a huge max,
// --max-queued-jobs at its maximum) and runs with its default durability. `--users` competitors
// are made with `kjudge admin user add`; `--clients` threads each hold one keep-alive connection
// and POST /api/v1/submissions back to back, each with a source no one sent before (so no
// duplicate detection short-cuts a commit), cycling over the users. After the run the server is
// stopped and the database is opened directly: the submissions and jobs in it must be exactly the
// accepted ones.
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/subprocess.h"

namespace kjudge::bench {

namespace fs = std::filesystem;
namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

/// Benchmark settings; the defaults take about half a minute on two busy cores.
struct Options {
  std::string kjudge = KJUDGE_BIN;
  std::string problems = KJUDGE_BENCH_PROBLEMS;  ///< a problem tree holding `problem`
  std::string problem = "scale";
  std::string gpu = "cpu";
  std::string mode = "test";
  std::string solution = std::string(KJUDGE_BENCH_PROBLEMS) + "/scale/solutions/correct/loop.cpp";
  int users = 50;
  int clients = 32;             ///< one keep-alive connection each (the server allows 64 per address)
  int submissions = 10000;      ///< measured
  int warmup = 200;             ///< submitted first, not timed (page cache, allocator, SQLite caches)
  double target_per_s = 1000;   ///< issue 5: accepted and durable submissions per second
  std::vector<std::string> server_args;  ///< extra `kjudge serve` arguments (e.g. --threads 8)
  std::string markdown;
  std::string work_dir;  ///< default: a new directory under /tmp, removed at the end
};

double LoadAverage1() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

/// User + system CPU seconds of process `pid` (from /proc), or -1.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state; utime is 14, stime 15
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/// `kjudge serve` without runners on a fresh database in `dir`; its log goes to dir/server.log.
class IngestServer {
 public:
  IngestServer(const Options& o, const fs::path& dir) : dir_(dir) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>\"$KJUDGE_BENCH_LOG\"",
                                     o.kjudge, "serve", "--db", db(), "--listen", "127.0.0.1:0",
                                     "--problems", o.problems,
                                     // Rate limits and the queue cap out of the way: every valid
                                     // submission is accepted, and still checked against them.
                                     "--rate-limit", "max=1000000,per=1h", "--max-queued-jobs", "100000"};
    argv.insert(argv.end(), o.server_args.begin(), o.server_args.end());
    process_ = std::make_unique<testing::Subprocess>(argv, std::map<std::string, std::string>{{"KJUDGE_BENCH_LOG", log()}});
    auto line = process_->WaitForLine("kjudge serving on http://127.0.0.1:", std::chrono::seconds(60));
    if (!line) throw std::runtime_error("kjudge serve did not start; see " + log());
    port_ = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }
  ~IngestServer() { Stop(); }

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return process_->pid(); }
  std::string db() const { return (dir_ / "kjudge.db").string(); }
  std::string log() const { return (dir_ / "server.log").string(); }

  /// SIGTERM, then waits for a graceful exit (in-flight requests finish first).
  void Stop() {
    if (!process_) return;
    process_->Signal(SIGTERM);
    process_->Wait(std::chrono::seconds(60));
    process_.reset();
  }

 private:
  fs::path dir_;
  std::unique_ptr<testing::Subprocess> process_;
  std::uint16_t port_ = 0;
};

std::string AddCompetitor(const Options& o, const std::string& db, const std::string& name) {
  auto r = testing::RunProcess({o.kjudge, "admin", "user", "add", name, "--db", db});
  if (r.exit_code != 0) throw std::runtime_error("kjudge admin user add failed: " + r.err);
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

/// One blocking keep-alive connection.
class Connection {
 public:
  explicit Connection(std::uint16_t port) : socket_(ioc_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    socket_.set_option(asio::ip::tcp::no_delay(true));
    timeval timeout{60, 0};  // a hung server fails the run instead of hanging it
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }

  /// Sends `req` and returns the status and body; throws when the connection fails.
  std::pair<int, std::string> Exchange(http::request<http::string_body>& req) {
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    if (!res.keep_alive()) throw std::runtime_error("the server closed a keep-alive connection");
    return {static_cast<int>(res.result_int()), std::move(res.body())};
  }

 private:
  asio::io_context ioc_;
  asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
};

/// What the clients saw.
struct Tally {
  std::vector<double> latency_ms;  ///< accepted requests only
  std::int64_t accepted = 0;
  std::map<int, std::int64_t> refused;  ///< by status
  std::string first_refusal;
};

/// Sends submissions [first, last) of the global sequence, `clients` at a time; returns what came back.
Tally Submit(const Options& o, std::uint16_t port, const std::vector<std::string>& tokens, const std::string& solution,
             int first, int last) {
  std::atomic<int> next{first};
  std::mutex mu;
  Tally total;
  std::vector<std::thread> threads;
  std::vector<std::string> failures;
  for (int c = 0; c < o.clients; ++c) {
    threads.emplace_back([&, c] {
      Tally mine;
      try {
        Connection conn(port);
        for (int i = next++; i < last; i = next++) {
          http::request<http::string_body> req{http::verb::post, "/api/v1/submissions", 11};
          req.set(http::field::host, "127.0.0.1");
          req.set(http::field::authorization, "Bearer " + tokens[static_cast<std::size_t>(i) % tokens.size()]);
          req.set(http::field::content_type, "application/json");
          req.keep_alive(true);
          // A distinct source per submission: a leading comment, so it still compiles.
          req.body() = json{{"problem", o.problem},
                            {"gpu", o.gpu},
                            {"mode", o.mode},
                            {"file_name", "submission.cpp"},
                            {"source", "// ingest bench submission " + std::to_string(i) + " (client " +
                                           std::to_string(c) + ")\n" + solution}}
                           .dump();
          req.prepare_payload();
          const auto start = Clock::now();
          auto [status, body] = conn.Exchange(req);
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
          if (status == 201) {
            ++mine.accepted;
            mine.latency_ms.push_back(ms);
          } else {
            ++mine.refused[status];
            if (mine.first_refusal.empty()) mine.first_refusal = std::to_string(status) + " " + body;
          }
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        failures.push_back("client " + std::to_string(c) + ": " + e.what());
      }
      std::lock_guard lock(mu);
      total.accepted += mine.accepted;
      total.latency_ms.insert(total.latency_ms.end(), mine.latency_ms.begin(), mine.latency_ms.end());
      for (auto [s, n] : mine.refused) total.refused[s] += n;
      if (total.first_refusal.empty()) total.first_refusal = mine.first_refusal;
    });
  }
  for (auto& t : threads) t.join();
  if (!failures.empty()) throw std::runtime_error(failures.front());
  return total;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

/// Rows of `sql` (one integer) in the database file, opened directly.
std::int64_t CountRows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    throw std::runtime_error("cannot open " + db_path);
  }
  sqlite3_stmt* stmt = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  if (n < 0) throw std::runtime_error("query failed: " + sql);
  return n;
}

std::string Fixed(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int Run(const Options& o) {
  std::ifstream solution_file(o.solution);
  if (!solution_file) throw std::runtime_error("cannot read " + o.solution);
  const std::string solution((std::istreambuf_iterator<char>(solution_file)), std::istreambuf_iterator<char>());

  const bool keep = !o.work_dir.empty();
  const fs::path dir = keep ? fs::path(o.work_dir) : fs::temp_directory_path() / ("kjudge-ingest-" + std::to_string(getpid()));
  if (fs::exists(dir)) throw std::runtime_error(dir.string() + " already exists");
  fs::create_directories(dir);

  IngestServer server(o, dir);
  std::cerr << "server on 127.0.0.1:" << server.port() << ", database " << server.db() << "\n";
  std::vector<std::string> tokens;
  for (int u = 0; u < o.users; ++u) tokens.push_back(AddCompetitor(o, server.db(), "ingest" + std::to_string(u)));

  Tally warm = Submit(o, server.port(), tokens, solution, 0, o.warmup);
  const double load_before = LoadAverage1();
  const double server_cpu_before = ProcessCpuSeconds(server.pid());
  const double client_cpu_before = SelfCpuSeconds();
  const auto start = Clock::now();
  Tally t = Submit(o, server.port(), tokens, solution, o.warmup, o.warmup + o.submissions);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double server_cpu = ProcessCpuSeconds(server.pid()) - server_cpu_before;
  const double client_cpu = SelfCpuSeconds() - client_cpu_before;
  const double load_after = LoadAverage1();
  server.Stop();

  // Durable means in the file: count what the database holds now that the server is gone.
  const std::int64_t accepted = warm.accepted + t.accepted;
  const std::int64_t stored = CountRows(server.db(), "SELECT count(*) FROM submissions");
  const std::int64_t jobs = CountRows(server.db(), "SELECT count(*) FROM jobs WHERE status = 'queued'");
  const bool verified = stored == accepted && jobs == accepted;
  std::int64_t refused = 0;
  for (auto [s, n] : t.refused) refused += n;
  for (auto [s, n] : warm.refused) refused += n;

  const double rate = static_cast<double>(t.accepted) / seconds;
  std::ostringstream md;
  md << "`kjudge serve` without runners, fresh database, durability FULL (the default); " << o.clients
     << " clients on keep-alive connections, " << o.users << " users, `POST /api/v1/submissions` in " << o.mode
     << " mode on " << o.problem << " / " << o.gpu << ", every source distinct; " << o.warmup
     << " warm-up submissions, then " << o.submissions << " measured"
     << (o.server_args.empty() ? "" : "; server arguments:");
  for (const auto& a : o.server_args) md << " `" << a << "`";
  md << ". Load average " << Fixed(load_before, 2) << " before, " << Fixed(load_after, 2) << " after.\n\n";
  md << "| accepted/s | p50 ms | p90 ms | p99 ms | max ms | refused | server CPU ms / submission | client CPU ms / submission | in the database |\n";
  md << "|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";
  md << "| " << Fixed(rate, 0) << " | " << Fixed(Percentile(t.latency_ms, 50)) << " | " << Fixed(Percentile(t.latency_ms, 90))
     << " | " << Fixed(Percentile(t.latency_ms, 99)) << " | " << Fixed(Percentile(t.latency_ms, 100)) << " | " << refused
     << " | " << Fixed(server_cpu * 1000 / std::max<double>(1, static_cast<double>(t.accepted)), 2) << " | "
     << Fixed(client_cpu * 1000 / std::max<double>(1, static_cast<double>(t.accepted)), 2) << " | " << stored
     << " submissions, " << jobs << " queued jobs: " << (verified ? "all accepted, verified" : "**MISMATCH**") << " |\n\n";
  md << "Accepted and durable: **" << Fixed(rate, 0) << " submissions/s** against the " << Fixed(o.target_per_s, 0)
     << "/s target: **" << (rate >= o.target_per_s ? "met" : "not met") << "**.\n";
  if (refused > 0) md << "\nFirst refusal: `" << (warm.first_refusal.empty() ? t.first_refusal : warm.first_refusal) << "`\n";
  std::cout << md.str();
  if (!o.markdown.empty()) std::ofstream(o.markdown) << md.str();

  if (!keep) fs::remove_all(dir);
  if (!verified) {
    std::cerr << "the database holds " << stored << " submissions and " << jobs << " queued jobs, but " << accepted
              << " were accepted\n";
    return 1;
  }
  return refused == 0 ? 0 : 1;
}

}  // namespace kjudge::bench

int main(int argc, char** argv) {
  kjudge::bench::Options o;
  CLI::App app{"Accepted-and-durable submissions per second through the real kjudge serve (bench/ingest)"};
  app.add_option("--kjudge", o.kjudge, "the kjudge binary")->capture_default_str();
  app.add_option("--problems", o.problems, "problem tree the server loads")->capture_default_str();
  app.add_option("--problem", o.problem, "problem to submit to")->capture_default_str();
  app.add_option("--gpu", o.gpu, "GPU type of its leaderboard")->capture_default_str();
  app.add_option("--mode", o.mode, "submission mode")->capture_default_str();
  app.add_option("--solution", o.solution, "the source submitted (each copy made distinct)")->capture_default_str();
  app.add_option("--users", o.users, "competitors the submissions cycle over")->check(CLI::Range(1, 10000))->capture_default_str();
  app.add_option("--clients", o.clients, "concurrent keep-alive connections")->check(CLI::Range(1, 64))->capture_default_str();
  app.add_option("--submissions", o.submissions, "measured submissions")->check(CLI::Range(1, 10000000))->capture_default_str();
  app.add_option("--warmup", o.warmup, "unmeasured submissions first")->check(CLI::Range(0, 1000000))->capture_default_str();
  app.add_option("--target", o.target_per_s, "accepted submissions per second to meet")->capture_default_str();
  app.add_option("--server-arg", o.server_args, "extra `kjudge serve` argument (repeatable)");
  app.add_option("--markdown", o.markdown, "write the result table to this file");
  app.add_option("--work-dir", o.work_dir, "keep the database and server log here (must not exist)");
  CLI11_PARSE(app, argc, argv);
  try {
    return kjudge::bench::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "ingest_bench: " << e.what() << "\n";
    return 1;
  }
}
