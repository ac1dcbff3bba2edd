#include "kjudge/core/config_file.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace kjudge {

std::string NormalizeConfigKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) out.push_back(c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

namespace {

std::string Where(const std::string& origin, const YAML::Mark& mark) {
  return origin + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Result<std::vector<std::string>> Scalars(const YAML::Node& node, const std::string& origin) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        return MakeError(ErrorCode::kInvalidArgument, Where(origin, item.Mark()) + ": expected a scalar value");
      }
      out.push_back(item.Scalar());
    }
  } else if (node.IsNull()) {
    // `key:` with nothing after it: treat as not set.
  } else {
    return MakeError(ErrorCode::kInvalidArgument, Where(origin, node.Mark()) + ": expected a scalar or a list");
  }
  return out;
}

}  // namespace

Result<ConfigFile> ConfigFile::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInvalidArgument, path + ": cannot read config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

Result<ConfigFile> ConfigFile::Parse(std::string_view text, const std::string& origin) {
  ConfigFile cfg;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, Where(origin, e.mark) + ": " + e.msg);
  }
  if (root.IsNull()) return cfg;
  if (!root.IsMap()) {
    return MakeError(ErrorCode::kInvalidArgument, Where(origin, root.Mark()) + ": the config file must be a mapping");
  }
  for (const auto& kv : root) {
    const std::string key = NormalizeConfigKey(kv.first.Scalar());
    if (kv.second.IsMap()) {
      for (const auto& inner : kv.second) {
        auto vals = Scalars(inner.second, origin);
        if (!vals.ok()) return vals.error();
        cfg.values_[key + "." + NormalizeConfigKey(inner.first.Scalar())] = std::move(vals).value();
      }
    } else {
      auto vals = Scalars(kv.second, origin);
      if (!vals.ok()) return vals.error();
      cfg.values_["." + key] = std::move(vals).value();
    }
  }
  return cfg;
}

std::optional<std::vector<std::string>> ConfigFile::Lookup(std::string_view section, std::string_view key) const {
  const std::string k = NormalizeConfigKey(key);
  if (auto it = values_.find(NormalizeConfigKey(section) + "." + k); it != values_.end()) return it->second;
  if (auto it = values_.find("." + k); it != values_.end()) return it->second;
  return std::nullopt;
}

std::vector<std::string> ConfigFile::UnknownKeys(const std::map<std::string, std::vector<std::string>>& known) const {
  std::vector<std::string> unknown;
  for (const auto& [full, _] : values_) {
    const auto dot = full.find('.');
    const std::string section = full.substr(0, dot);
    const std::string key = full.substr(dot + 1);
    bool found = false;
    for (const auto& [sec, keys] : known) {
      if (!section.empty() && sec != section) continue;
      for (const auto& k : keys) found = found || NormalizeConfigKey(k) == key;
    }
    if (!found) unknown.push_back(section.empty() ? key : section + "." + key);
  }
  return unknown;
}

}  // namespace kjudge
