// docs/openapi.yaml against the real server: every documented operation is called (by every kind
// of caller, with the valid input of route_table.h) and each answer's status must be documented
// for it and its body must match the declared schema; what the table sends must match the
// declared request body and query parameters; and the document and the router must list the
// same routes under /api/ (plus /healthz). The schema check covers the subset of JSON Schema
// the document uses (type, required, properties, additionalProperties, items, enum, nullable,
// $ref); any other keyword fails the test rather than being silently ignored.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <set>

#include "kjudge/http/router.h"
#include "route_table.h"

namespace kjudge::testing {
namespace {

using nlohmann::json;

/// YAML -> JSON: quoted scalars stay strings; plain ones become booleans, null or numbers when
/// they read as such.
json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      std::int64_t i = 0;
      if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i); ec == std::errc() && p == s.data() + s.size()) {
        return i;
      }
      char* end = nullptr;
      const double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && end == s.c_str() + s.size()) return d;
      return s;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(ToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = ToJson(kv.second);
      return out;
    }
  }
  return nullptr;
}

json LoadDocument() { return ToJson(YAML::LoadFile(KJUDGE_OPENAPI_FILE)); }

/// Checks values against the document's schemas.
class SchemaCheck {
 public:
  explicit SchemaCheck(const json& doc) : doc_(doc) {}

  /// Follows a local "$ref" ("#/components/...").
  const json& Resolve(const json& node) const {
    const json* at = &node;
    for (int depth = 0; at->is_object() && at->contains("$ref"); ++depth) {
      const std::string ref = (*at)["$ref"].get<std::string>();
      if (depth > 16 || ref.rfind("#/", 0) != 0) throw std::runtime_error("unresolvable $ref " + ref);
      at = &doc_.at(json::json_pointer(ref.substr(1)));
    }
    return *at;
  }

  /// What is wrong with `value` under `schema`, one "path: problem" each.
  std::vector<std::string> Problems(const json& schema, const json& value) const {
    std::vector<std::string> out;
    Walk(schema, value, "$", &out);
    return out;
  }

 private:
  static bool HasType(const json& value, const std::string& type) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    if (type == "boolean") return value.is_boolean();
    return false;
  }

  void Walk(const json& raw, const json& value, const std::string& path, std::vector<std::string>* out) const {
    const json& schema = Resolve(raw);
    static const std::set<std::string> kKnown = {"type",  "required", "properties", "additionalProperties",
                                                 "items", "enum",     "nullable",   "description"};
    for (const auto& [key, _] : schema.items()) {
      if (!kKnown.count(key)) out->push_back(path + ": the schema uses '" + key + "', which this check does not support");
    }
    if (value.is_null()) {
      if (!schema.value("nullable", false) && schema.contains("type")) out->push_back(path + ": null, but not nullable");
      return;
    }
    if (schema.contains("type") && !HasType(value, schema["type"].get<std::string>())) {
      out->push_back(path + ": expected " + schema["type"].get<std::string>() + ", got " + value.dump());
      return;
    }
    if (schema.contains("enum")) {
      const auto& allowed = schema["enum"];
      if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        out->push_back(path + ": " + value.dump() + " is not one of " + allowed.dump());
      }
    }
    if (value.is_object()) {
      for (const auto& name : schema.value("required", json::array())) {
        if (!value.contains(name.get<std::string>())) out->push_back(path + ": missing required '" + name.get<std::string>() + "'");
      }
      const json properties = schema.value("properties", json::object());
      for (const auto& [key, item] : value.items()) {
        if (properties.contains(key)) {
          Walk(properties[key], item, path + "." + key, out);
        } else if (schema.contains("additionalProperties") && schema["additionalProperties"].is_object()) {
          Walk(schema["additionalProperties"], item, path + "." + key, out);
        }
      }
    }
    if (value.is_array() && schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) Walk(schema["items"], value[i], path + "[" + std::to_string(i) + "]", out);
    }
  }

  const json& doc_;
};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Documented(const std::string& pattern) { return pattern.rfind("/api/", 0) == 0 || pattern == "/healthz"; }

/// The names of `target`'s query parameters.
std::vector<std::string> QueryNames(const std::string& target) {
  std::vector<std::string> names;
  const auto q = target.find('?');
  if (q == std::string::npos) return names;
  std::string_view rest = std::string_view(target).substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    names.emplace_back(pair.substr(0, pair.find('=')));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return names;
}

class OpenApiTest : public ::testing::Test {
 protected:
  json doc_ = LoadDocument();
  SchemaCheck check_{doc_};
  ApiServer server_;

  /// Every (path, method, operation) of the document.
  std::vector<std::tuple<std::string, std::string, json>> Operations() const {
    std::vector<std::tuple<std::string, std::string, json>> ops;
    for (const auto& [path, item] : doc_.at("paths").items()) {
      for (const auto& [method, op] : item.items()) ops.emplace_back(path, method, op);
    }
    return ops;
  }
};

TEST_F(OpenApiTest, DocumentIsOpenApi3WithEveryOperationDescribed) {
  EXPECT_EQ(doc_.value("openapi", "").substr(0, 2), "3.");
  ASSERT_TRUE(doc_.contains("paths"));
  std::set<std::string> ids;
  for (const auto& [path, method, op] : Operations()) {
    EXPECT_FALSE(op.value("summary", "").empty()) << method << " " << path << " has no summary";
    EXPECT_TRUE(ids.insert(op.value("operationId", "")).second) << method << " " << path << ": missing or repeated operationId";
    ASSERT_TRUE(op.contains("responses")) << method << " " << path;
    bool has_success = false;
    for (const auto& [code, response] : op["responses"].items()) {
      has_success = has_success || code[0] == '2';
      const json& r = check_.Resolve(response);
      EXPECT_TRUE(r.contains("description")) << method << " " << path << " " << code;
    }
    EXPECT_TRUE(has_success) << method << " " << path << " documents no success";
  }
}

TEST_F(OpenApiTest, DocumentAndRouterListTheSameRoutes) {
  std::set<std::string> routed;
  for (const auto& [method, pattern] : server_.router().Routes()) {
    if (!Documented(pattern)) continue;
    const std::string m = Lower(MethodName(method));
    routed.insert(m + " " + pattern);
    EXPECT_TRUE(doc_["paths"].contains(pattern) && doc_["paths"][pattern].contains(m))
        << MethodName(method) << " " << pattern << " is served but not in docs/openapi.yaml";
  }
  for (const auto& [path, method, op] : Operations()) {
    EXPECT_TRUE(routed.count(method + " " + path)) << method << " " << path << " is documented but the server has no such route";
  }
}

TEST_F(OpenApiTest, EveryAnswerMatchesItsDocumentedSchema) {
  const auto table = RouteTable();
  for (const auto& [path, method, op] : Operations()) {
    const std::string what = method + " " + path;
    auto row = std::find_if(table.begin(), table.end(),
                            [&](const RouteCase& c) { return c.pattern == path && Lower(MethodName(c.method)) == method; });
    if (row == table.end()) {
      ADD_FAILURE() << what << " has no row in route_table.h to call it with";
      continue;
    }
    std::set<std::string> query_params;
    for (const auto& p : op.value("parameters", json::array())) {
      const json& param = check_.Resolve(p);
      if (param.value("in", "") == "query") query_params.insert(param.value("name", ""));
    }
    for (As who : kEveryCaller) {
      const Call call = row->prepare(server_, who);
      for (const auto& name : QueryNames(call.target)) {
        EXPECT_TRUE(query_params.count(name)) << what << ": query parameter '" << name << "' is not documented";
      }
      if (!call.body.empty() && call.content_type == "application/json") {
        ASSERT_TRUE(op.contains("requestBody")) << what << " takes a body the document does not declare";
        const json& schema = check_.Resolve(op["requestBody"])["content"]["application/json"]["schema"];
        for (const auto& p : check_.Problems(schema, json::parse(call.body))) ADD_FAILURE() << what << " request body: " << p;
      }
      const TestResponse r = Send(server_, *row, who, call);
      ASSERT_TRUE(r.error.empty()) << what << " as " << Name(who) << ": " << r.error;
      const std::string code = std::to_string(r.status);
      if (!op["responses"].contains(code)) {
        ADD_FAILURE() << what << " answered " << code << " to " << Name(who) << ", which the document does not list: " << r.body;
        continue;
      }
      const json& response = check_.Resolve(op["responses"][code]);
      if (!response.contains("content")) continue;
      std::string type(r.headers[boost::beast::http::field::content_type]);
      type = type.substr(0, type.find(';'));
      ASSERT_TRUE(response["content"].contains(type))
          << what << " as " << Name(who) << " answered " << code << " with content type '" << type << "', not documented";
      if (row->stream) continue;  // head only
      const json& schema = response["content"][type]["schema"];
      if (type == "application/json") {
        const json body = json::parse(r.body, nullptr, false);
        ASSERT_FALSE(body.is_discarded()) << what << ": not JSON: " << r.body;
        for (const auto& p : check_.Problems(schema, body)) {
          ADD_FAILURE() << what << " as " << Name(who) << " (" << code << "): " << p << "\n  body: " << r.body.substr(0, 2000);
        }
      } else {
        EXPECT_EQ(schema.value("type", ""), "string") << what;
        EXPECT_FALSE(r.body.empty()) << what << " as " << Name(who);
      }
    }
  }
}

TEST_F(OpenApiTest, TheSchemaCheckCatchesWrongAnswers) {
  // The validator itself: a check that passes everything would make the test above worthless.
  const json& user = doc_["components"]["schemas"]["User"];
  json good = {{"id", 1},           {"name", "a"},    {"display_name", "a"}, {"role", "admin"},
               {"created_ms", 5},   {"banned", false}, {"banned_ms", nullptr}, {"ban_reason", ""}};
  EXPECT_TRUE(check_.Problems(user, good).empty());
  json missing = good;
  missing.erase("role");
  EXPECT_FALSE(check_.Problems(user, missing).empty());
  json bad_enum = good;
  bad_enum["role"] = "emperor";
  EXPECT_FALSE(check_.Problems(user, bad_enum).empty());
  json bad_type = good;
  bad_type["id"] = "1";
  EXPECT_FALSE(check_.Problems(user, bad_type).empty());
  json bad_null = good;
  bad_null["name"] = nullptr;
  EXPECT_FALSE(check_.Problems(user, bad_null).empty());
  const json list = {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/User"}}}};
  EXPECT_FALSE(check_.Problems(list, json::array({good, bad_type})).empty());
  EXPECT_FALSE(check_.Problems({{"type", "string"}, {"pattern", "x"}}, "x").empty()) << "unsupported keywords must fail";
}

}  // namespace
}  // namespace kjudge::testing
