#include "kjudge/runner/profile_summary.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace kjudge::runner {

namespace {

Error Malformed(const std::string& what) { return MakeError(ErrorCode::kInvalidArgument, "Nsight Compute CSV: " + what); }

/// Printable ASCII only, cut to `max` bytes: names go to JSON, terminals and HTML.
std::string Sanitize(std::string_view text, std::size_t max) {
  std::string out;
  for (unsigned char c : text.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  return out;
}

/// RFC 4180 rows after the header line; ncu's own message lines (==PROF== ...) are skipped.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  /// The next row into `row`; false at the end. Sets `error_` on broken quoting or a bound.
  bool Next(std::vector<std::string>& row) {
    row.clear();
    while (pos_ < text_.size()) {
      if (text_.compare(pos_, 2, "==") == 0) {  // ncu's messages, never CSV
        SkipLine();
        continue;
      }
      if (text_[pos_] == '\n' || text_[pos_] == '\r') {  // blank line
        ++pos_;
        continue;
      }
      if (++rows_ > kMaxProfileCsvRows) return Fail("more than " + std::to_string(kMaxProfileCsvRows) + " rows");
      return ReadRow(row);
    }
    return false;
  }

  /// Moves to the first line starting with "ID" (quoted or not); false when there is none.
  bool SeekHeader() {
    while (pos_ < text_.size()) {
      if (text_.compare(pos_, 5, "\"ID\",") == 0 || text_.compare(pos_, 3, "ID,") == 0) return true;
      SkipLine();
    }
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  void SkipLine() {
    const auto nl = text_.find('\n', pos_);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  }

  bool Fail(std::string message) {
    error_ = std::move(message);
    pos_ = text_.size();
    return false;
  }

  bool ReadRow(std::vector<std::string>& row) {
    std::string field;
    bool quoted = false, was_quoted = false;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (quoted) {
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field += '"';
            ++pos_;
          } else {
            quoted = false;
          }
        } else {
          field += c;
        }
      } else if (c == '"') {
        if (!field.empty() || was_quoted) return Fail("a quote inside an unquoted field");
        quoted = was_quoted = true;
      } else if (c == ',') {
        if (!Push(row, field)) return false;
        was_quoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        return Push(row, field);
      } else {
        if (was_quoted) return Fail("text after a closing quote");
        field += c;
      }
      if (field.size() > kMaxProfileCsvFieldBytes) return Fail("a field longer than " + std::to_string(kMaxProfileCsvFieldBytes) + " bytes");
    }
    if (quoted) return Fail("an unterminated quoted field");
    return Push(row, field);
  }

  bool Push(std::vector<std::string>& row, std::string& field) {
    if (row.size() >= kMaxProfileCsvColumns) return Fail("more than " + std::to_string(kMaxProfileCsvColumns) + " columns");
    row.push_back(std::move(field));
    field.clear();
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t rows_ = 0;
  std::string error_;
};

/// The metrics of one kernel as read, before they are interpreted.
struct RawKernel {
  KernelProfile profile;
  std::map<std::string, std::pair<double, std::string>> metrics;  ///< name -> (value, unit)
};

/// The metrics the summary reads, besides the stall families below.
constexpr const char* kDuration = "gpu__time_duration.sum";
constexpr const char* kDram = "dram__throughput.avg.pct_of_peak_sustained_elapsed";
constexpr const char* kSm = "sm__throughput.avg.pct_of_peak_sustained_elapsed";
constexpr const char* kRegisters = "launch__registers_per_thread";
constexpr const char* kAchieved = "sm__warps_active.avg.pct_of_peak_sustained_active";
constexpr const char* kTheoretical = "sm__maximum_warps_per_active_cycle_pct";

/// A family of per-reason stall metrics: prefix + reason + one of the suffixes. Tried in order;
/// the first with any positive value is the kernel's stall breakdown.
struct StallFamily {
  const char* prefix;
  std::vector<const char*> suffixes;
  const char* basis;
};
const std::vector<StallFamily>& StallFamilies() {
  static const std::vector<StallFamily> families = {
      {"smsp__average_warps_issue_stalled_", {"_per_issue_active.ratio"}, "cycles_per_issued_instruction"},
      {"smsp__average_warp_latency_issue_stalled_", {".ratio", ".pct", ""}, "warp_latency"},
      {"smsp__pcsamp_warps_issue_stalled_", {""}, "pc_samples"},
      {"smsp__warp_issue_stalled_", {"_per_warp_active.pct"}, "pct_of_active_warps"},
  };
  return families;
}

bool WantedMetric(std::string_view name) {
  for (const char* m : {kDuration, kDram, kSm, kRegisters, kAchieved, kTheoretical}) {
    if (name == m) return true;
  }
  for (const auto& f : StallFamilies()) {
    if (name.rfind(f.prefix, 0) == 0) return true;
  }
  return false;
}

/// The reason in `metric` for family `f` with suffix `suffix`, or empty when it is not one.
std::string StallReasonOf(const std::string& metric, const StallFamily& f, std::string_view suffix) {
  if (metric.rfind(f.prefix, 0) != 0) return {};
  const std::string rest = metric.substr(std::string_view(f.prefix).size());
  if (rest.size() <= suffix.size() || rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) != 0) return {};
  std::string reason = rest.substr(0, rest.size() - suffix.size());
  // "selected" is the issuing state, not a stall; "_not_issued" variants count the same stalls
  // again (samples where no instruction issued); submetrics (".sum", "_per_...") are not reasons.
  if (reason.empty() || reason == "selected" || reason.find('.') != std::string::npos ||
      reason.find("_per_") != std::string::npos ||
      (reason.size() > 11 && reason.compare(reason.size() - 11, 11, "_not_issued") == 0)) {
    return {};
  }
  return reason;
}

/// The kernel's stall reasons in the first family and suffix that has any positive value: one
/// family and one suffix only, so every value has the same unit.
void PickStalls(const RawKernel& raw, KernelProfile& k) {
  for (const auto& family : StallFamilies()) {
    for (const char* suffix : family.suffixes) {
      std::map<std::string, double> reasons;
      double total = 0;
      for (const auto& [name, value] : raw.metrics) {
        const std::string reason = StallReasonOf(name, family, suffix);
        if (reason.empty() || !(value.first >= 0)) continue;
        if (reasons.emplace(reason, value.first).second) total += value.first;
      }
      if (!(total > 0)) continue;
      std::vector<StallReason> all;
      for (const auto& [reason, value] : reasons) {
        if (value > 0) all.push_back({Sanitize(reason, 64), value, value / total});  // no stall, no entry
      }
      std::stable_sort(all.begin(), all.end(), [](const StallReason& a, const StallReason& b) { return a.value > b.value; });
      if (all.size() > kTopStallReasons) all.resize(kTopStallReasons);
      k.stall_basis = family.basis;
      k.top_stalls = std::move(all);
      return;
    }
  }
}

void Interpret(RawKernel& raw) {
  KernelProfile& k = raw.profile;
  auto get = [&](const char* name) -> std::optional<double> {
    auto it = raw.metrics.find(name);
    return it == raw.metrics.end() ? std::nullopt : std::optional<double>(it->second.first);
  };
  if (auto it = raw.metrics.find(kDuration); it != raw.metrics.end()) {
    k.duration_ns = DurationToNs(it->second.first, it->second.second);
  }
  k.dram_throughput_pct = get(kDram);
  k.sm_throughput_pct = get(kSm);
  k.registers_per_thread = get(kRegisters);
  k.achieved_occupancy_pct = get(kAchieved);
  k.theoretical_occupancy_pct = get(kTheoretical);
  PickStalls(raw, k);
}

/// The function's base name of a demangled kernel name: "void ns::foo<1>(float*)" -> "foo".
std::string BaseName(std::string_view name) {
  if (auto paren = name.find('('); paren != std::string_view::npos) name = name.substr(0, paren);
  // Drop template arguments at the end (nested angle brackets).
  while (!name.empty() && name.back() == '>') {
    int depth = 0;
    std::size_t i = name.size();
    while (i > 0) {
      --i;
      if (name[i] == '>') ++depth;
      if (name[i] == '<' && --depth == 0) break;
    }
    name = name.substr(0, i);
  }
  if (auto space = name.rfind(' '); space != std::string_view::npos) name = name.substr(space + 1);
  if (auto colons = name.rfind("::"); colons != std::string_view::npos) name = name.substr(colons + 2);
  return std::string(name);
}

/// Column positions of the identifying fields in the header.
struct Columns {
  std::map<std::string, std::size_t> by_name;
  std::optional<std::size_t> Find(const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }
};

const std::string& Cell(const std::vector<std::string>& row, std::optional<std::size_t> col) {
  static const std::string empty;
  return col && *col < row.size() ? row[*col] : empty;
}

}  // namespace

std::string_view ProfileStatusName(ProfileStatus status) {
  switch (status) {
    case ProfileStatus::kOk: return "ok";
    case ProfileStatus::kUnavailable: return "unavailable";
    case ProfileStatus::kFailed: return "failed";
  }
  return "failed";
}

std::optional<double> ParseNcuNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty() || text.size() > 64) return std::nullopt;
  // Thousands separators: ncu prints "1,234,567.5" in the en-US locale.
  std::string plain;
  for (char c : text) {
    if (c != ',') plain += c;
  }
  double value = 0;
  const char* begin = plain.data();
  const char* end = plain.data() + plain.size();
  auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> DurationToNs(double value, std::string_view unit) {
  if (unit == "nsecond" || unit == "ns") return value;
  if (unit == "usecond" || unit == "us") return value * 1e3;
  if (unit == "msecond" || unit == "ms") return value * 1e6;
  if (unit == "second" || unit == "s") return value * 1e9;
  return std::nullopt;
}

Result<ProfileSummary> ParseNcuCsv(std::string_view csv, const std::vector<std::string>& excluded_kernels) {
  if (csv.size() > kMaxProfileCsvBytes) {
    return Malformed(std::to_string(csv.size()) + " bytes, more than the " + std::to_string(kMaxProfileCsvBytes) + " accepted");
  }
  CsvReader reader(csv);
  if (!reader.SeekHeader()) return Malformed("no header row (a line starting with \"ID\")");
  std::vector<std::string> header;
  if (!reader.Next(header)) return Malformed(reader.error().empty() ? "no header row" : reader.error());
  Columns cols;
  for (std::size_t i = 0; i < header.size(); ++i) cols.by_name.emplace(header[i], i);
  const auto id_col = cols.Find("ID");
  const auto name_col = cols.Find("Kernel Name");
  if (!id_col || !name_col) return Malformed("the header has no \"ID\" or \"Kernel Name\" column");
  const auto block_col = cols.Find("Block Size");
  const auto grid_col = cols.Find("Grid Size");
  const auto metric_name_col = cols.Find("Metric Name");
  const auto metric_unit_col = cols.Find("Metric Unit");
  const auto metric_value_col = cols.Find("Metric Value");
  const bool long_layout = metric_name_col && metric_value_col;

  // Kernels in the order they first appear; the raw page's units from its second row.
  std::vector<RawKernel> kernels;
  std::map<std::int64_t, std::size_t> index_of;
  std::vector<std::string> units;
  std::vector<std::string> row;
  bool first = true;
  while (reader.Next(row)) {
    const bool units_row = first && !long_layout && ParseNcuNumber(Cell(row, id_col)) == std::nullopt;
    first = false;
    if (units_row) {
      units = row;
      continue;
    }
    const auto id = ParseNcuNumber(Cell(row, id_col));
    if (!id || *id < 0 || *id > 1e15 || *id != std::floor(*id)) continue;  // not a result row
    const auto key = static_cast<std::int64_t>(*id);
    auto [it, inserted] = index_of.emplace(key, kernels.size());
    if (inserted) {
      RawKernel k;
      k.profile.id = key;
      k.profile.name = Sanitize(Cell(row, name_col), kMaxKernelNameBytes);
      k.profile.block_size = Sanitize(Cell(row, block_col), 64);
      k.profile.grid_size = Sanitize(Cell(row, grid_col), 64);
      kernels.push_back(std::move(k));
    }
    RawKernel& k = kernels[it->second];
    if (long_layout) {
      const std::string& name = Cell(row, metric_name_col);
      if (!WantedMetric(name)) continue;
      if (auto v = ParseNcuNumber(Cell(row, metric_value_col))) {
        k.metrics.emplace(name, std::make_pair(*v, Sanitize(Cell(row, metric_unit_col), 32)));
      }
    } else {
      for (std::size_t i = 0; i < row.size() && i < header.size(); ++i) {
        if (!WantedMetric(header[i])) continue;
        if (auto v = ParseNcuNumber(row[i])) {
          k.metrics.emplace(header[i], std::make_pair(*v, i < units.size() ? Sanitize(units[i], 32) : std::string()));
        }
      }
    }
  }
  if (!reader.error().empty()) return Malformed(reader.error());

  ProfileSummary summary;
  summary.status = ProfileStatus::kOk;
  for (auto& k : kernels) {
    const std::string base = BaseName(k.profile.name);
    if (std::find(excluded_kernels.begin(), excluded_kernels.end(), base) != excluded_kernels.end()) continue;
    if (summary.kernels.size() >= kMaxProfiledKernels) {
      ++summary.kernels_omitted;
      continue;
    }
    // The raw page's duration unit may be missing (no units row): ncu's base unit is nsecond.
    if (auto d = k.metrics.find(kDuration); d != k.metrics.end() && d->second.second.empty()) d->second.second = "nsecond";
    Interpret(k);
    summary.kernels.push_back(std::move(k.profile));
  }
  return summary;
}

namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Duration(double ns) {
  if (ns >= 1e6) return Fixed(ns / 1e6, 2) + " ms";
  if (ns >= 1e3) return Fixed(ns / 1e3, 1) + " us";
  return Fixed(ns, 0) + " ns";
}

nlohmann::json OrNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

std::optional<double> OptionalNumber(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw std::invalid_argument(std::string("'") + key + "' must be a number");
  const double v = it->get<double>();
  if (!std::isfinite(v)) throw std::invalid_argument(std::string("'") + key + "' must be finite");
  return v;
}

}  // namespace

std::string ProfileOneLine(const ProfileSummary& s) {
  if (s.status != ProfileStatus::kOk) return "no profile: " + s.message;
  if (s.kernels.empty()) return "profile: Nsight Compute profiled no kernels";
  const KernelProfile* slowest = &s.kernels.front();
  for (const auto& k : s.kernels) {
    if (k.duration_ns.value_or(0) > slowest->duration_ns.value_or(0)) slowest = &k;
  }
  const KernelProfile& k = *slowest;
  std::string line = "profile (Nsight Compute, " + std::to_string(s.kernels.size()) + " kernel" +
                     (s.kernels.size() == 1 ? "" : "s") + "): " + (s.kernels.size() > 1 ? "slowest " : "") +
                     BaseName(k.name);
  if (k.duration_ns) line += " " + Duration(*k.duration_ns);
  if (k.dram_throughput_pct) line += ", DRAM " + Fixed(*k.dram_throughput_pct, 0) + "% of peak";
  if (k.sm_throughput_pct) line += ", SM " + Fixed(*k.sm_throughput_pct, 0) + "%";
  if (k.registers_per_thread) line += ", " + Fixed(*k.registers_per_thread, 0) + " registers/thread";
  if (k.achieved_occupancy_pct) {
    line += ", occupancy " + Fixed(*k.achieved_occupancy_pct, 0) + "%";
    if (k.theoretical_occupancy_pct) line += " of " + Fixed(*k.theoretical_occupancy_pct, 0) + "%";
  }
  if (!k.top_stalls.empty()) {
    line += ", stalls:";
    for (std::size_t i = 0; i < k.top_stalls.size() && i < 3; ++i) {
      line += std::string(i ? "," : "") + " " + k.top_stalls[i].reason + " " + Fixed(k.top_stalls[i].share * 100, 0) + "%";
    }
  }
  return line;
}

nlohmann::json ToJson(const ProfileSummary& s) {
  nlohmann::json kernels = nlohmann::json::array();
  for (const auto& k : s.kernels) {
    nlohmann::json stalls = nlohmann::json::array();
    for (const auto& st : k.top_stalls) stalls.push_back({{"reason", st.reason}, {"value", st.value}, {"share", st.share}});
    kernels.push_back({{"id", k.id},
                       {"name", k.name},
                       {"block_size", k.block_size},
                       {"grid_size", k.grid_size},
                       {"duration_ns", OrNull(k.duration_ns)},
                       {"dram_throughput_pct", OrNull(k.dram_throughput_pct)},
                       {"sm_throughput_pct", OrNull(k.sm_throughput_pct)},
                       {"registers_per_thread", OrNull(k.registers_per_thread)},
                       {"achieved_occupancy_pct", OrNull(k.achieved_occupancy_pct)},
                       {"theoretical_occupancy_pct", OrNull(k.theoretical_occupancy_pct)},
                       {"stall_basis", k.stall_basis},
                       {"top_stalls", std::move(stalls)}});
  }
  nlohmann::json out = {{"status", ProfileStatusName(s.status)}, {"tool", s.tool},
                        {"tool_version", s.tool_version},      {"message", s.message},
                        {"kernels", std::move(kernels)},       {"kernels_omitted", s.kernels_omitted}};
  out["report"] = s.report ? nlohmann::json{{"file_name", s.report->file_name}, {"bytes", s.report->bytes},
                                            {"sha256", s.report->sha256}}
                           : nlohmann::json();
  return out;
}

Result<ProfileSummary> ProfileSummaryFromJson(const nlohmann::json& j) {
  try {
    ProfileSummary s;
    const std::string status = j.at("status").get<std::string>();
    if (status == "ok") {
      s.status = ProfileStatus::kOk;
    } else if (status == "unavailable") {
      s.status = ProfileStatus::kUnavailable;
    } else if (status == "failed") {
      s.status = ProfileStatus::kFailed;
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "profile: unknown status '" + status + "'");
    }
    s.tool = j.value("tool", std::string("ncu"));
    s.tool_version = j.value("tool_version", std::string());
    s.message = j.value("message", std::string());
    s.kernels_omitted = j.value("kernels_omitted", std::size_t{0});
    const auto& kernels = j.at("kernels");
    if (!kernels.is_array() || kernels.size() > kMaxProfiledKernels) {
      return MakeError(ErrorCode::kInvalidArgument, "profile: 'kernels' must be an array of at most " +
                                                        std::to_string(kMaxProfiledKernels));
    }
    for (const auto& kj : kernels) {
      KernelProfile k;
      k.id = kj.at("id").get<std::int64_t>();
      k.name = Sanitize(kj.value("name", std::string()), kMaxKernelNameBytes);
      k.block_size = Sanitize(kj.value("block_size", std::string()), 64);
      k.grid_size = Sanitize(kj.value("grid_size", std::string()), 64);
      k.duration_ns = OptionalNumber(kj, "duration_ns");
      k.dram_throughput_pct = OptionalNumber(kj, "dram_throughput_pct");
      k.sm_throughput_pct = OptionalNumber(kj, "sm_throughput_pct");
      k.registers_per_thread = OptionalNumber(kj, "registers_per_thread");
      k.achieved_occupancy_pct = OptionalNumber(kj, "achieved_occupancy_pct");
      k.theoretical_occupancy_pct = OptionalNumber(kj, "theoretical_occupancy_pct");
      k.stall_basis = Sanitize(kj.value("stall_basis", std::string()), 64);
      if (auto st = kj.find("top_stalls"); st != kj.end() && st->is_array()) {
        for (const auto& r : *st) {
          if (k.top_stalls.size() >= kTopStallReasons) break;
          k.top_stalls.push_back({Sanitize(r.at("reason").get<std::string>(), 64), r.at("value").get<double>(),
                                  r.at("share").get<double>()});
        }
      }
      s.kernels.push_back(std::move(k));
    }
    if (auto r = j.find("report"); r != j.end() && r->is_object()) {
      ProfileReportInfo info;
      info.file_name = Sanitize(r->value("file_name", std::string("profile.ncu-rep")), 128);
      info.bytes = r->at("bytes").get<std::uint64_t>();
      info.sha256 = Sanitize(r->value("sha256", std::string()), 64);
      s.report = info;
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("malformed profile: ") + e.what());
  } catch (const std::invalid_argument& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("malformed profile: ") + e.what());
  }
}

}  // namespace kjudge::runner
