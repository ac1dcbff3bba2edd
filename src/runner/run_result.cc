#include "kjudge/runner/run_result.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kjudge/harness/gpu_clock.h"

namespace kjudge::runner {

std::string_view ModeName(Mode mode) { return store::Name(mode); }
Result<Mode> ParseMode(std::string_view name) { return store::Parse<Mode>(name); }
std::string_view VerdictName(Verdict verdict) { return store::Name(verdict); }
Result<Verdict> ParseVerdict(std::string_view name) { return store::Parse<Verdict>(name); }

std::string_view StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kConverged: return "converged";
    case StopReason::kBudget: return "budget";
    case StopReason::kMaxSamples: return "max_samples";
  }
  return "converged";
}

namespace {

StopReason ParseStopReason(std::string_view name) {
  if (name == "budget") return StopReason::kBudget;
  if (name == "max_samples") return StopReason::kMaxSamples;
  return StopReason::kConverged;
}

nlohmann::json ClockJson(const ClockStats& c) {
  return {{"samples", c.samples},
          {"min_mhz", c.min_mhz},
          {"mean_mhz", c.mean_mhz},
          {"max_mhz", c.max_mhz},
          {"rated_max_mhz", c.rated_max_mhz},
          {"reasons", harness::ClockReasonNames(c.reasons)},
          {"reason_bits", c.reasons},
          {"throttled", c.throttled}};
}

ClockStats ClockFromJson(const nlohmann::json& j) {
  ClockStats c;
  c.samples = j.at("samples").get<std::size_t>();
  c.min_mhz = j.at("min_mhz").get<double>();
  c.mean_mhz = j.at("mean_mhz").get<double>();
  c.max_mhz = j.at("max_mhz").get<double>();
  c.rated_max_mhz = j.value("rated_max_mhz", 0.0);
  c.reasons = j.value("reason_bits", std::uint64_t{0});
  c.throttled = j.value("throttled", false);
  return c;
}

/// Seeds are 64-bit unsigned: written as decimal strings, which JSON readers (JavaScript's among
/// them) keep exact. Numbers are accepted too.
std::string SeedText(std::uint64_t seed) { return std::to_string(seed); }

std::uint64_t SeedFromJson(const nlohmann::json& j, const char* what) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_string()) {
    const std::string& text = j.get_ref<const std::string&>();
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  }
  throw std::invalid_argument(std::string("audit seed '") + what + "' must be a 64-bit unsigned number");
}

std::vector<double> NumbersFromJson(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return {};
  return j.at(key).get<std::vector<double>>();
}

/// The case's raw data, or null when it has none (results of older runners).
nlohmann::json AuditJson(const CaseResult& c) {
  nlohmann::json audit = nlohmann::json::object();
  if (c.seeds) {
    audit["seeds"] = {{"spec", SeedText(c.seeds->spec)},
                      {"inputs", SeedText(c.seeds->inputs)},
                      {"secret", c.seeds->secret ? nlohmann::json(SeedText(*c.seeds->secret)) : nlohmann::json()}};
  }
  if (c.timing) {
    audit["samples_ns"] = c.timing->samples_ns;
    audit["wall_ns"] = c.timing->wall_ns;
    audit["sm_clock_mhz"] = c.timing->sm_clock ? c.timing->sm_clock->readings_mhz : std::vector<double>{};
  }
  return audit.empty() ? nlohmann::json() : audit;
}

void AuditFromJson(const nlohmann::json& audit, CaseResult* c) {
  if (!audit.is_object()) return;
  if (auto seeds = audit.find("seeds"); seeds != audit.end() && seeds->is_object()) {
    CaseSeeds s;
    s.spec = SeedFromJson(seeds->at("spec"), "spec");
    s.inputs = SeedFromJson(seeds->at("inputs"), "inputs");
    if (auto secret = seeds->find("secret"); secret != seeds->end() && !secret->is_null()) {
      s.secret = SeedFromJson(*secret, "secret");
    }
    c->seeds = s;
  }
  if (c->timing) {
    c->timing->samples_ns = NumbersFromJson(audit, "samples_ns");
    c->timing->wall_ns = NumbersFromJson(audit, "wall_ns");
    if (c->timing->sm_clock) c->timing->sm_clock->readings_mhz = NumbersFromJson(audit, "sm_clock_mhz");
  }
}

}  // namespace

TimingStats ComputeStats(const std::vector<double>& samples_ns, const std::vector<double>& wall_ns) {
  TimingStats s;
  s.samples = samples_ns.size();
  if (samples_ns.empty()) return s;
  std::vector<double> sorted = samples_ns;
  std::sort(sorted.begin(), sorted.end());
  double sum = 0;
  for (double v : sorted) sum += v;
  s.mean_ns = sum / static_cast<double>(sorted.size());
  const std::size_t n = sorted.size();
  s.median_ns = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  double sq = 0;
  for (double v : sorted) sq += (v - s.mean_ns) * (v - s.mean_ns);
  s.stddev_ns = n > 1 ? std::sqrt(sq / static_cast<double>(n - 1)) : 0;
  s.min_ns = sorted.front();
  s.max_ns = sorted.back();
  double wall = 0;
  for (double w : wall_ns) wall += w;
  s.wall_mean_ns = wall_ns.empty() ? 0 : wall / static_cast<double>(wall_ns.size());
  s.rel_sem = s.mean_ns > 0 ? s.stddev_ns / std::sqrt(static_cast<double>(n)) / s.mean_ns : 0;
  s.samples_ns = samples_ns;
  s.wall_ns = wall_ns;
  return s;
}

nlohmann::json ToJson(const RunResult& r) {
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& c : r.cases) {
    nlohmann::json j = {{"kind", c.kind}, {"index", c.index},     {"params", c.params}, {"passed", c.passed},
                        {"message", c.message}, {"sol_ns", c.sol_ns}, {"weight", c.weight}};
    if (c.timing) {
      const auto& t = *c.timing;
      j["timing"] = {{"samples", t.samples},     {"mean_ns", t.mean_ns}, {"median_ns", t.median_ns},
                     {"stddev_ns", t.stddev_ns}, {"min_ns", t.min_ns},   {"max_ns", t.max_ns},
                     {"wall_mean_ns", t.wall_mean_ns}, {"rel_sem", t.rel_sem},
                     {"stop_reason", StopReasonName(t.stop)}, {"warmup_calls", t.warmup_calls},
                     {"l2_flushed", t.l2_flushed},       {"timer_floor_ns", t.timer_floor_ns},
                     {"timer", t.timer}, {"harness_overhead_ns", t.harness_overhead_ns}, {"charged_ns", t.charged_ns}, {"outputs_frozen", t.outputs_frozen},
                     {"buffers", t.buffers}, {"snapshot_excess_ns", t.snapshot_excess_ns},
                     {"wall_split_ms", {{"case", t.case_ms}, {"input_wait", t.input_wait_ms}, {"calls", t.calls_ms},
                                        {"check", t.check_ms}}}};
      if (t.sm_clock) j["timing"]["sm_clock"] = ClockJson(*t.sm_clock);
    }
    if (nlohmann::json audit = AuditJson(c); !audit.is_null()) j["audit"] = std::move(audit);
    cases.push_back(std::move(j));
  }
  nlohmann::json out = {{"verdict", VerdictName(r.verdict)}, {"mode", r.mode},       {"message", r.message},
                        {"cases", std::move(cases)},          {"compile_log", r.compile_log},
                        {"run_log", r.run_log},               {"device", r.device}};
  out["score_ns"] = r.score_ns ? nlohmann::json(*r.score_ns) : nlohmann::json(nullptr);
  out["sol_ratio"] = r.sol_ratio ? nlohmann::json(*r.sol_ratio) : nlohmann::json(nullptr);
  if (r.profile) out["profile"] = ToJson(*r.profile);
  return out;
}

Result<RunResult> RunResultFromJson(const nlohmann::json& j) {
  try {
    RunResult r;
    KJ_ASSIGN_OR_RETURN(r.verdict, ParseVerdict(j.at("verdict").get<std::string>()));
    r.mode = j.at("mode").get<std::string>();
    r.message = j.value("message", "");
    r.compile_log = j.value("compile_log", "");
    r.run_log = j.value("run_log", "");
    r.device = j.value("device", "");
    if (j.contains("score_ns") && j["score_ns"].is_number()) r.score_ns = j["score_ns"].get<double>();
    if (j.contains("sol_ratio") && j["sol_ratio"].is_number()) r.sol_ratio = j["sol_ratio"].get<double>();
    // A profile that does not parse is dropped, never a reason to refuse the verdict with it.
    if (auto p = j.find("profile"); p != j.end() && p->is_object()) {
      if (auto profile = ProfileSummaryFromJson(*p); profile.ok()) r.profile = std::move(profile).value();
    }
    for (const auto& c : j.at("cases")) {
      CaseResult cr;
      cr.kind = c.at("kind").get<std::string>();
      cr.index = c.at("index").get<std::size_t>();
      cr.params = c.at("params").get<std::map<std::string, std::int64_t>>();
      cr.passed = c.at("passed").get<bool>();
      cr.message = c.value("message", "");
      cr.sol_ns = c.value("sol_ns", 0.0);
      cr.weight = c.value("weight", 1.0);
      if (c.contains("timing")) {
        const auto& t = c["timing"];
        TimingStats s;
        s.samples = t.at("samples").get<std::size_t>();
        s.mean_ns = t.at("mean_ns").get<double>();
        s.median_ns = t.at("median_ns").get<double>();
        s.stddev_ns = t.at("stddev_ns").get<double>();
        s.min_ns = t.at("min_ns").get<double>();
        s.max_ns = t.at("max_ns").get<double>();
        s.wall_mean_ns = t.value("wall_mean_ns", 0.0);
        s.rel_sem = t.value("rel_sem", 0.0);
        s.stop = ParseStopReason(t.value("stop_reason", "converged"));
        s.warmup_calls = t.value("warmup_calls", std::size_t{0});
        s.l2_flushed = t.value("l2_flushed", false);
        s.timer_floor_ns = t.value("timer_floor_ns", 0.0);
        s.timer = t.value("timer", "");
        s.harness_overhead_ns = t.value("harness_overhead_ns", 0.0);
        s.charged_ns = t.value("charged_ns", 0.0);
        s.outputs_frozen = t.value("outputs_frozen", false);
        s.buffers = t.value("buffers", "");
        s.snapshot_excess_ns = t.value("snapshot_excess_ns", 0.0);
        if (t.contains("wall_split_ms") && t["wall_split_ms"].is_object()) {
          const auto& w = t["wall_split_ms"];
          s.case_ms = w.value("case", 0.0);
          s.input_wait_ms = w.value("input_wait", 0.0);
          s.calls_ms = w.value("calls", 0.0);
          s.check_ms = w.value("check", 0.0);
        }
        if (t.contains("sm_clock") && t["sm_clock"].is_object()) s.sm_clock = ClockFromJson(t["sm_clock"]);
        cr.timing = s;
      }
      if (c.contains("audit")) AuditFromJson(c["audit"], &cr);
      r.cases.push_back(std::move(cr));
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("malformed run result: ") + e.what());
  } catch (const std::invalid_argument& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("malformed run result: ") + e.what());
  }
}

}  // namespace kjudge::runner
