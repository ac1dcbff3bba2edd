#include "kjudge/problem/spec_parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "kjudge/problem/iso8601.h"
#include "kjudge/problem/relative_path.h"
#include "problem/yaml_document.h"
#include "problem/yaml_reader.h"

namespace kjudge::problem {

namespace {

using detail::IndexPath;
using detail::JoinPath;
using detail::YamlReader;
using Entry = YamlReader::Entry;

constexpr std::string_view kTopKeys[] = {
    "name",     "title",      "description", "languages", "gpus",         "files",
    "templates", "tolerance", "sol",         "tests",     "benchmarks",   "timeouts",
    "test_timeout", "benchmark_timeout", "ranked_timeout", "ranking_by", "deadline"};
constexpr std::string_view kTopRequired[] = {"name", "title",      "description", "languages", "gpus",
                                             "files", "sol",       "tests",       "benchmarks"};
constexpr std::string_view kFilesKeys[] = {"reference", "glue", "templates", "extra"};
constexpr std::string_view kFilesRequired[] = {"reference", "glue"};
constexpr std::string_view kSolKeys[] = {"flops", "bytes", "dtype"};
constexpr std::string_view kToleranceKeys[] = {"rtol", "atol"};
constexpr std::string_view kTimeoutKeys[] = {"test", "benchmark", "leaderboard", "profile"};

// Bounds that catch typos rather than express policy: an absolute tolerance beyond this, or a
// weight beyond this, is a mistake in any problem we can imagine.
constexpr double kMaxAtol = 1e9;
constexpr double kMaxWeight = 1e6;

/// Speed-of-light inputs as written in one map (the spec's or a case's), with where each is.
struct WrittenSol {
  std::optional<Expression> flops, bytes;
  std::optional<ComputeType> dtype;
  SourceLocation flops_at, bytes_at, dtype_at;
  bool any_error = false;
};

/// What the parser remembers about a case beyond its CaseSpec.
struct CaseExtra {
  std::string name;  ///< "tests[2]"
  WrittenSol sol;    ///< the case's own `sol` map, if any
  bool has_sol = false;
};

struct LocatedGpu {
  const GpuSpec* gpu;
  SourceLocation at;
};

bool IsIdentifier(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return start(c) || (c >= '0' && c <= '9'); });
}

bool IsSlug(std::string_view s) {
  if (s.empty()) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '_' || c == '-'; });
}

SourceLocation Shift(SourceLocation at, std::size_t offset) {
  if (at.line > 0 && at.column > 0) at.column += static_cast<int>(offset);
  return at;
}

std::string LineOf(SourceLocation at) { return at.line > 0 ? "line " + std::to_string(at.line) : "unknown line"; }

class SpecParser {
 public:
  SpecParser(const std::string& file, std::string_view text) : r_(file, text), text_(text) {}

  std::optional<ProblemSpec> Parse() {
    Diagnostic error;
    auto doc = detail::LoadYamlDocument(text_, kMaxSpecBytes, &error);
    if (!doc) {
      r_.Error(error.at, error.message);
      return std::nullopt;
    }
    if (doc->root.IsNull()) {
      r_.Error(SourceLocation{1, 1}, "the file is empty: expected a map of keys (name, title, ...)");
      return std::nullopt;
    }
    if (doc->second_document_at) {
      r_.Error(*doc->second_document_at,
               "unexpected content after the first YAML document: a problem.yaml holds exactly one");
    }
    ParseTop(doc->root);
    if (r_.error_count() > 0) return std::nullopt;
    return std::move(spec_);
  }

  std::vector<Diagnostic> TakeDiagnostics() { return r_.TakeDiagnostics(); }

 private:
  void ParseTop(const YAML::Node& root) {
    auto entries = r_.Map(root, "", kTopKeys);
    if (!entries) return;
    const SourceLocation root_at = r_.Where(root, {1, 1});
    r_.RequireKeys(*entries, "", kTopRequired, root_at);
    for (const Entry& e : *entries) {
      const std::string& k = e.key;
      const YAML::Node& v = e.value;
      if (k == "name") ParseName(v, e.key_node);
      else if (k == "title") ParseTitle(v);
      else if (k == "description") ParseDescription(v);
      else if (k == "languages") ParseLanguages(v);
      else if (k == "gpus") ParseGpus(v);
      else if (k == "files") ParseFiles(v);
      else if (k == "templates") ParseTemplates(v, "templates", r_.Where(e.key_node));
      else if (k == "tolerance") ParseTolerance(v);
      else if (k == "sol") ParseTopSol(v);
      else if (k == "tests") ParseCases(v, "tests", false, &spec_.tests, &test_extras_);
      else if (k == "benchmarks") ParseCases(v, "benchmarks", true, &spec_.benchmarks, &benchmark_extras_);
      else if (k == "timeouts") ParseTimeouts(v);
      else if (k == "test_timeout") ParseTimeoutAlias(v, e.key_node, "test", &spec_.timeouts.test_s);
      else if (k == "benchmark_timeout") ParseTimeoutAlias(v, e.key_node, "benchmark", &spec_.timeouts.benchmark_s);
      else if (k == "ranked_timeout") ParseTimeoutAlias(v, e.key_node, "leaderboard", &spec_.timeouts.leaderboard_s);
      else if (k == "ranking_by") ParseRankingByKey(v);
      else if (k == "deadline") ParseDeadline(v);
    }
    CheckFilesCoverLanguages(root_at);
    CheckGpusAgainstLanguages();
    CheckCases(&spec_.tests, test_extras_);
    CheckCases(&spec_.benchmarks, benchmark_extras_);
    CheckGpusAgainstDtypes();
  }

  // --- scalars --------------------------------------------------------------------------------

  void ParseName(const YAML::Node& v, const YAML::Node& key) {
    auto s = r_.String(v, "name");
    spec_.name_location = r_.Where(v, r_.Where(key));
    if (!s) return;
    if (s->size() > kMaxNameBytes || !IsSlug(*s)) {
      r_.Error(v, "name: '" + s->substr(0, kMaxNameBytes) +
                      "' is not a valid problem name (lower-case letters, digits, '-' and '_', starting with a "
                      "letter or digit, at most " + std::to_string(kMaxNameBytes) + " bytes)");
      return;
    }
    spec_.name = *s;
  }

  void ParseTitle(const YAML::Node& v) {
    auto s = r_.String(v, "title");
    if (!s) return;
    if (s->empty()) return r_.Error(v, "title: must not be empty");
    if (s->size() > kMaxTitleBytes) return r_.Error(v, "title: longer than " + std::to_string(kMaxTitleBytes) + " bytes");
    if (s->find('\n') != std::string::npos) return r_.Error(v, "title: must be one line");
    spec_.title = *s;
  }

  void ParseDescription(const YAML::Node& v) {
    auto s = r_.String(v, "description");
    if (!s) return;
    if (s->find_first_not_of(" \t\r\n") == std::string::npos) return r_.Error(v, "description: must not be empty");
    if (s->size() > kMaxDescriptionBytes) {
      return r_.Error(v, "description: longer than " + std::to_string(kMaxDescriptionBytes) + " bytes");
    }
    spec_.description = *s;
  }

  void ParseLanguages(const YAML::Node& v) {
    auto items = r_.Sequence(v, "languages");
    if (!items) return;
    languages_at_ = r_.Where(v);
    if (items->empty()) return r_.Error(v, "languages: list at least one of cuda, hip, cpp");
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string path = IndexPath("languages", i);
      auto s = r_.String((*items)[i], path);
      if (!s) continue;
      auto lang = ParseLanguage(*s);
      if (!lang) {
        r_.Error((*items)[i], path + ": unknown language '" + *s + "' (cuda, hip, cpp)");
        continue;
      }
      if (spec_.HasLanguage(*lang)) {
        r_.Error((*items)[i], path + ": " + std::string(LanguageName(*lang)) + " is listed twice");
        continue;
      }
      spec_.languages.push_back(*lang);
    }
  }

  void ParseGpus(const YAML::Node& v) {
    auto items = r_.Sequence(v, "gpus");
    if (!items) return;
    if (items->empty()) return r_.Error(v, "gpus: list at least one GPU type");
    for (std::size_t i = 0; i < items->size(); ++i) {
      const std::string path = IndexPath("gpus", i);
      auto s = r_.String((*items)[i], path);
      if (!s) continue;
      auto gpu = LookupGpu(*s);
      if (!gpu.ok()) {
        r_.Error((*items)[i], path + ": " + gpu.error().message);
        continue;
      }
      if (spec_.HasGpu((*gpu)->name)) {
        r_.Error((*items)[i], path + ": " + std::string((*gpu)->name) + " is listed twice");
        continue;
      }
      spec_.gpus.emplace_back((*gpu)->name);
      gpus_.push_back({*gpu, r_.Where((*items)[i])});
    }
  }

  void ParseTolerance(const YAML::Node& v) {
    auto entries = r_.Map(v, "tolerance", kToleranceKeys);
    if (!entries) return;
    for (const Entry& e : *entries) {
      if (e.key == "rtol") {
        if (auto x = r_.Number(e.value, "tolerance.rtol", 0, 1)) spec_.tolerance.rtol = *x;
      } else {
        if (auto x = r_.Number(e.value, "tolerance.atol", 0, kMaxAtol)) spec_.tolerance.atol = *x;
      }
    }
  }

  void ParseTimeouts(const YAML::Node& v) {
    auto entries = r_.Map(v, "timeouts", kTimeoutKeys);
    if (!entries) return;
    for (const Entry& e : *entries) {
      double* target = e.key == "test"        ? &spec_.timeouts.test_s
                       : e.key == "benchmark" ? &spec_.timeouts.benchmark_s
                       : e.key == "leaderboard" ? &spec_.timeouts.leaderboard_s
                                                : &spec_.timeouts.profile_s;
      SetTimeout(e.value, e.key_node, "timeouts." + e.key, e.key, target);
    }
  }

  /// KernelBot's test_timeout / benchmark_timeout / ranked_timeout.
  void ParseTimeoutAlias(const YAML::Node& v, const YAML::Node& key, const std::string& mode, double* target) {
    SetTimeout(v, key, key.Scalar(), mode, target);
  }

  void SetTimeout(const YAML::Node& v, const YAML::Node& key, const std::string& path, const std::string& mode,
                  double* target) {
    auto [it, fresh] = timeout_keys_.emplace(mode, path);
    if (!fresh) {
      r_.Error(key, path + ": the " + mode + " timeout is already given by " + it->second);
      return;
    }
    if (auto x = r_.Number(v, path, 0, kMaxTimeoutS)) {
      if (*x <= 0) return r_.Error(v, path + ": must be more than 0 seconds");
      *target = *x;
    }
  }

  void ParseRankingByKey(const YAML::Node& v) {
    auto s = r_.String(v, "ranking_by");
    if (!s) return;
    auto rb = ParseRankingBy(*s);
    if (!rb) return r_.Error(v, "ranking_by: unknown ranking '" + *s + "' (geomean, mean, last)");
    spec_.ranking_by = *rb;
  }

  void ParseDeadline(const YAML::Node& v) {
    if (v.IsNull()) return;  // explicitly no deadline
    auto s = r_.String(v, "deadline");
    if (!s) return;
    auto t = ParseIso8601(*s);
    if (!t.ok()) return r_.Error(v, "deadline: " + t.error().message);
    spec_.deadline_unix_s = *t;
  }

  // --- files ----------------------------------------------------------------------------------

  std::optional<FileRef> ParsePath(const YAML::Node& v, const std::string& path) {
    auto s = r_.String(v, path);
    if (!s) return std::nullopt;
    if (auto why = CheckRelativePath(*s)) {
      r_.Error(v, path + ": '" + s->substr(0, kMaxPathBytes) + "' " + *why);
      return std::nullopt;
    }
    return FileRef{*s, r_.ContentStart(v)};
  }

  void ParseFiles(const YAML::Node& v) {
    auto entries = r_.Map(v, "files", kFilesKeys);
    if (!entries) return;
    files_at_ = r_.Where(v);
    r_.RequireKeys(*entries, "files", kFilesRequired, files_at_);
    for (const Entry& e : *entries) {
      if (e.key == "reference") {
        if (auto f = ParsePath(e.value, "files.reference")) spec_.files.reference = *f;
      } else if (e.key == "glue") {
        ParseLanguageFiles(e.value, "files.glue", &spec_.files.glue);
      } else if (e.key == "templates") {
        ParseTemplates(e.value, "files.templates", r_.Where(e.key_node));
      } else {
        auto items = r_.Sequence(e.value, "files.extra");
        if (!items) continue;
        for (std::size_t i = 0; i < items->size(); ++i) {
          if (auto f = ParsePath((*items)[i], IndexPath("files.extra", i))) spec_.files.extra.push_back(*f);
        }
      }
    }
  }

  /// files.templates, or KernelBot's top-level templates: at most one of them.
  void ParseTemplates(const YAML::Node& v, const std::string& path, SourceLocation key_at) {
    if (!templates_path_.empty()) {
      r_.Error(key_at, path + ": templates are already given by " + templates_path_);
      return;
    }
    templates_path_ = path;
    templates_at_ = key_at;
    ParseLanguageFiles(v, path, &spec_.files.templates);
  }

  void ParseLanguageFiles(const YAML::Node& v, const std::string& path, std::map<Language, FileRef>* out) {
    auto entries = r_.Map(v, path, {});
    if (!entries) return;
    for (const Entry& e : *entries) {
      const std::string where = JoinPath(path, e.key);
      auto lang = ParseLanguage(e.key);
      if (!lang) {
        r_.Error(e.key_node, where + ": unknown language '" + e.key + "' (cuda, hip, cpp)");
        continue;
      }
      if (out->count(*lang) > 0) {
        r_.Error(e.key_node, where + ": " + std::string(LanguageName(*lang)) + " is given twice");
        continue;
      }
      if (auto f = ParsePath(e.value, where)) (*out)[*lang] = *f;
      language_keys_[{path, *lang}] = r_.Where(e.key_node);
    }
  }

  void CheckFilesCoverLanguages(SourceLocation root_at) {
    const SourceLocation files_at = files_at_.line > 0 ? files_at_ : root_at;
    if (templates_path_.empty() && files_at_.line > 0) {
      r_.Error(files_at, "files.templates: required key is missing");
    }
    for (Language lang : spec_.languages) {
      const std::string name(LanguageName(lang));
      if (files_at_.line > 0 && spec_.files.glue.count(lang) == 0 && !FileKeyFailed("files.glue", lang)) {
        r_.Error(files_at, "files.glue." + name + ": " + name + " is in languages, so it needs a glue file");
      }
      if (!templates_path_.empty() && spec_.files.templates.count(lang) == 0 &&
          !FileKeyFailed(templates_path_, lang)) {
        r_.Error(templates_at_, templates_path_ + "." + name + ": " + name + " is in languages, so it needs a template");
      }
    }
    for (const auto* m : {&spec_.files.glue, &spec_.files.templates}) {
      const std::string path = m == &spec_.files.glue ? "files.glue" : templates_path_;
      for (const auto& [lang, ref] : *m) {
        if (!spec_.languages.empty() && !spec_.HasLanguage(lang)) {
          const std::string name(LanguageName(lang));
          r_.Error(language_keys_[{path, lang}], path + "." + name + ": " + name + " is not in languages");
        }
      }
    }
  }

  /// True when the key for `lang` was present but its value was rejected (already reported).
  bool FileKeyFailed(const std::string& path, Language lang) { return language_keys_.count({path, lang}) > 0; }

  // --- speed of light -------------------------------------------------------------------------

  WrittenSol ParseSolMap(const YAML::Node& v, const std::string& path, bool require_all) {
    WrittenSol out;
    const std::size_t errors_before = r_.error_count();
    auto entries = r_.Map(v, path, kSolKeys);
    if (!entries) {
      out.any_error = true;
      return out;
    }
    if (require_all) {
      r_.RequireKeys(*entries, path, kSolKeys, r_.Where(v));
    } else if (entries->empty()) {
      r_.Error(v, path + ": give at least one of flops, bytes, dtype (or drop the key)");
    }
    for (const Entry& e : *entries) {
      const std::string where = JoinPath(path, e.key);
      if (e.key == "dtype") {
        auto s = r_.String(e.value, where);
        if (!s) continue;
        auto t = ParseComputeType(*s);
        if (!t) {
          r_.Error(e.value, where + ": unknown data type '" + *s + "' (fp64, fp32, tf32, bf16, fp16, fp8, fp4, int8)");
          continue;
        }
        out.dtype = *t;
        out.dtype_at = r_.Where(e.value);
        continue;
      }
      auto s = r_.String(e.value, where);
      if (!s) continue;
      const SourceLocation at = r_.ContentStart(e.value);
      std::size_t offset = 0;
      auto expr = Expression::Parse(*s, &offset);
      if (!expr.ok()) {
        r_.Error(Shift(at, offset), where + ": " + expr.error().message);
        continue;
      }
      if (e.key == "flops") {
        out.flops = std::move(expr).value();
        out.flops_at = at;
      } else {
        out.bytes = std::move(expr).value();
        out.bytes_at = at;
      }
    }
    out.any_error = r_.error_count() != errors_before;
    return out;
  }

  void ParseTopSol(const YAML::Node& v) {
    top_sol_ = ParseSolMap(v, "sol", true);
    if (top_sol_.flops) spec_.sol.flops = *top_sol_.flops;
    if (top_sol_.bytes) spec_.sol.bytes = *top_sol_.bytes;
    if (top_sol_.dtype) spec_.sol.dtype = *top_sol_.dtype;
  }

  // --- cases ----------------------------------------------------------------------------------

  void ParseCases(const YAML::Node& v, const std::string& list, bool benchmarks, std::vector<CaseSpec>* out,
                  std::vector<CaseExtra>* extras) {
    auto items = r_.Sequence(v, list);
    if (!items) return;
    if (items->empty()) return r_.Error(v, list + ": list at least one case");
    if (items->size() > kMaxCases) {
      return r_.Error(v, list + ": more than " + std::to_string(kMaxCases) + " cases");
    }
    std::map<std::string, std::pair<std::string, SourceLocation>> seen;  // case identity -> first holder
    for (std::size_t i = 0; i < items->size(); ++i) {
      const YAML::Node& item = (*items)[i];
      const std::string name = IndexPath(list, i);
      auto entries = r_.Map(item, name, {});
      if (!entries) continue;
      CaseSpec c;
      CaseExtra x;
      x.name = name;
      c.location = r_.Where(item);
      bool has_seed = false, ok = true;
      for (const Entry& e : *entries) {
        const std::string where = JoinPath(name, e.key);
        if (e.key == "seed") {
          auto s = r_.Unsigned(e.value, where);
          ok = ok && s.has_value();
          if (s) c.seed = *s;
          has_seed = true;
        } else if (e.key == "weight") {
          if (!benchmarks) {
            r_.Error(e.key_node, where + ": weight only applies to benchmarks");
            ok = false;
            continue;
          }
          auto w = r_.Number(e.value, where, 0, kMaxWeight);
          if (w && *w <= 0) r_.Error(e.value, where + ": must be more than 0");
          ok = ok && w && *w > 0;
          if (w) c.weight = *w;
        } else if (e.key == "sol") {
          x.sol = ParseSolMap(e.value, where, false);
          x.has_sol = true;
          ok = ok && !x.sol.any_error;
        } else {
          ok = ParseParam(e, where, &c) && ok;
        }
      }
      if (!has_seed) {
        r_.Error(item, JoinPath(name, "seed") + ": required key is missing (every case needs a seed)");
        ok = false;
      }
      if (!ok) continue;
      std::string identity = "seed=" + std::to_string(c.seed);
      for (const auto& [k, val] : c.params) identity += "," + k + "=" + std::to_string(val);
      auto [it, fresh] = seen.emplace(identity, std::make_pair(name, c.location));
      if (!fresh) {
        r_.Error(item, name + ": duplicate case: same parameters and seed as " + it->second.first + " (" +
                           LineOf(it->second.second) + ")");
        continue;
      }
      out->push_back(std::move(c));
      extras->push_back(std::move(x));
    }
  }

  bool ParseParam(const Entry& e, const std::string& where, CaseSpec* c) {
    if (!IsIdentifier(e.key) || e.key.size() > kMaxParamNameBytes) {
      r_.Error(e.key_node, where + ": a parameter name must be an identifier ([A-Za-z_][A-Za-z0-9_]*) of at most " +
                               std::to_string(kMaxParamNameBytes) + " bytes");
      return false;
    }
    if (Expression::IsFunctionName(e.key)) {
      r_.Error(e.key_node, where + ": '" + e.key + "' is a function name in sol expressions; name the parameter "
                                                   "otherwise");
      return false;
    }
    if (c->params.size() >= kMaxCaseParams) {
      r_.Error(e.key_node, where + ": more than " + std::to_string(kMaxCaseParams) + " parameters in one case");
      return false;
    }
    auto v = r_.Integer(e.value, where, -kMaxParamMagnitude, kMaxParamMagnitude);
    if (!v) return false;
    c->params[e.key] = *v;
    return true;
  }

  /// Evaluates each case's speed-of-light expressions, reporting each distinct error once.
  void CheckCases(std::vector<CaseSpec>* cases, const std::vector<CaseExtra>& extras) {
    for (std::size_t i = 0; i < cases->size(); ++i) {
      CaseSpec& c = (*cases)[i];
      const CaseExtra& x = extras[i];
      const WrittenSol& own = x.sol;
      c.sol_overridden = x.has_sol;
      // The effective sol: the case's own value where it gives one, else the spec's.
      const Expression* flops = own.flops ? &*own.flops : top_sol_.flops ? &*top_sol_.flops : nullptr;
      const Expression* bytes = own.bytes ? &*own.bytes : top_sol_.bytes ? &*top_sol_.bytes : nullptr;
      const SourceLocation flops_at = own.flops ? own.flops_at : top_sol_.flops_at;
      const SourceLocation bytes_at = own.bytes ? own.bytes_at : top_sol_.bytes_at;
      const std::string flops_key = own.flops ? x.name + ".sol.flops" : "sol.flops";
      const std::string bytes_key = own.bytes ? x.name + ".sol.bytes" : "sol.bytes";
      if (own.dtype) c.sol.dtype = *own.dtype;
      else if (top_sol_.dtype) c.sol.dtype = *top_sol_.dtype;
      auto f = flops ? Evaluate(*flops, flops_at, flops_key, c, x.name) : std::nullopt;
      auto b = bytes ? Evaluate(*bytes, bytes_at, bytes_key, c, x.name) : std::nullopt;
      if (flops) c.sol.flops = *flops;
      if (bytes) c.sol.bytes = *bytes;
      if (!f || !b) continue;
      c.flops = *f;
      c.bytes = *b;
      if (c.flops == 0 && c.bytes == 0) {
        r_.Error(c.location, x.name + ": sol.flops and sol.bytes are both 0 for this case, so its speed of light "
                                      "would be 0");
      }
      if (c.flops > 0) {
        const SourceLocation dtype_at = own.dtype ? own.dtype_at : top_sol_.dtype_at;
        flop_dtypes_.emplace(c.sol.dtype, dtype_at);
      }
    }
  }

  std::optional<double> Evaluate(const Expression& expr, SourceLocation at, const std::string& key,
                                 const CaseSpec& c, const std::string& case_name) {
    bool missing = false;
    for (const auto& var : expr.variables()) {
      if (c.params.count(var.name) > 0) continue;
      missing = true;
      if (!reported_.insert({at.line, at.column + static_cast<int>(var.offset), var.name}).second) continue;
      std::string have;
      for (const auto& [k, val] : c.params) have += (have.empty() ? "" : ", ") + k;
      r_.Error(Shift(at, var.offset), key + ": unknown parameter '" + var.name + "' in " + case_name + " (" +
                                          LineOf(c.location) + "), whose parameters are: " +
                                          (have.empty() ? "none" : have));
    }
    if (missing) return std::nullopt;
    std::size_t offset = 0;
    auto v = expr.Evaluate(c.params, &offset);
    if (!v.ok()) {
      if (reported_.insert({at.line, at.column + static_cast<int>(offset), v.error().message}).second) {
        r_.Error(Shift(at, offset), key + ": " + v.error().message + " in " + case_name + " (" + LineOf(c.location) + ")");
      }
      return std::nullopt;
    }
    if (*v < 0) {
      char value[64];
      std::snprintf(value, sizeof value, "%g", *v);
      if (reported_.insert({at.line, at.column, "negative"}).second) {
        r_.Error(at, key + ": evaluates to " + value + " for " + case_name + " (" + LineOf(c.location) +
                         "); counts cannot be negative");
      }
      return std::nullopt;
    }
    return *v;
  }

  // --- cross checks ---------------------------------------------------------------------------

  void CheckGpusAgainstLanguages() {
    if (spec_.languages.empty()) return;
    for (const LocatedGpu& g : gpus_) {
      const auto lang = ParseLanguage(VendorLanguage(g.gpu->vendor));
      if (lang && !spec_.HasLanguage(*lang)) {
        r_.Error(g.at, "gpus: " + std::string(g.gpu->name) + " runs " + std::string(LanguageName(*lang)) +
                           " submissions, but " + std::string(LanguageName(*lang)) + " is not in languages");
      }
    }
  }

  void CheckGpusAgainstDtypes() {
    for (const LocatedGpu& g : gpus_) {
      for (const auto& [dtype, at] : flop_dtypes_) {
        if (g.gpu->PeakFlopsPerS(dtype)) continue;
        r_.Error(g.at, "gpus: " + std::string(g.gpu->name) + " has no " + std::string(ComputeTypeName(dtype)) +
                           " rate, but sol.dtype (" + LineOf(at) + ") counts flops in " +
                           std::string(ComputeTypeName(dtype)));
      }
    }
  }

  YamlReader r_;
  std::string_view text_;
  ProblemSpec spec_;
  WrittenSol top_sol_;
  std::vector<CaseExtra> test_extras_, benchmark_extras_;
  std::vector<LocatedGpu> gpus_;
  SourceLocation languages_at_, files_at_, templates_at_;
  std::string templates_path_;
  std::map<std::pair<std::string, Language>, SourceLocation> language_keys_;
  std::map<std::string, std::string> timeout_keys_;  // mode -> the key that set it
  std::map<ComputeType, SourceLocation> flop_dtypes_;
  std::set<std::tuple<int, int, std::string>> reported_;
};

}  // namespace

Result<ProblemSpec> ParseProblemSpec(std::string_view yaml_text, const std::string& file,
                                     std::vector<Diagnostic>* diagnostics) {
  SpecParser parser(file, yaml_text);
  std::optional<ProblemSpec> spec;
  std::vector<Diagnostic> found;
  try {
    spec = parser.Parse();
    found = parser.TakeDiagnostics();
  } catch (const std::exception& e) {
    // yaml-cpp may throw from node accessors on inputs we did not foresee; a located error beats
    // an escaped exception.
    found = parser.TakeDiagnostics();
    found.push_back({file, {}, std::string("internal error while reading the spec: ") + e.what()});
    spec.reset();
  }
  if (spec && found.empty()) return std::move(*spec);
  if (found.empty()) found.push_back({file, {}, "invalid spec"});
  if (diagnostics != nullptr) diagnostics->insert(diagnostics->end(), found.begin(), found.end());
  return MakeError(ErrorCode::kInvalidArgument, JoinDiagnostics(found));
}

}  // namespace kjudge::problem
