#include "problem/yaml_document.h"

#include <yaml-cpp/eventhandler.h>

#include <sstream>
#include <string>
#include <vector>

namespace kjudge::problem::detail {

namespace {

/// Records where each YAML document starts; ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  std::vector<YAML::Mark> marks;
};

SourceLocation LocationOfOffset(std::string_view text, std::size_t offset) {
  SourceLocation at{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  return at;
}

}  // namespace

SourceLocation ToLocation(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::optional<std::size_t> FirstInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return std::nullopt;
}

std::optional<YamlDocument> LoadYamlDocument(std::string_view text, std::size_t max_bytes, Diagnostic* error) {
  if (text.size() > max_bytes) {
    *error = {"", {}, "file is larger than " + std::to_string(max_bytes) + " bytes"};
    return std::nullopt;
  }
  // Invalid UTF-8 would reach JSON encoders downstream (the store keeps specs as JSON).
  if (auto bad = FirstInvalidUtf8(text)) {
    *error = {"", LocationOfOffset(text, *bad), "the file is not valid UTF-8 (byte offset " + std::to_string(*bad) + ")"};
    return std::nullopt;
  }
  YamlDocument doc;
  try {
    doc.root = YAML::Load(std::string(text));
    // Count documents with a bounded walk over parser events instead of YAML::LoadAll.
    std::istringstream in{std::string(text)};
    YAML::Parser events(in);
    DocumentStarts starts;
    for (int i = 0; i < 2 && events.HandleNextDocument(starts); ++i) {
    }
    if (starts.marks.size() > 1) doc.second_document_at = ToLocation(starts.marks[1]);
  } catch (const YAML::Exception& e) {  // includes DeepRecursion for absurd nesting
    *error = {"", ToLocation(e.mark), "YAML syntax error: " + e.msg};
    return std::nullopt;
  }
  return doc;
}

}  // namespace kjudge::problem::detail
