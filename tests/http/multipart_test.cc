#include "kjudge/http/multipart.h"

#include <gtest/gtest.h>

#include <random>

namespace kjudge::http {
namespace {

// reqwest's boundary shape: four 16-digit hex groups.
constexpr std::string_view kBoundary = "5f1b2c3d4e5f6071-8899aabbccddeeff-0011223344556677-8899aabbccddeef0";
const std::string kType = "multipart/form-data; boundary=" + std::string(kBoundary);

/// A body exactly as reqwest's multipart::Form writes it for Part::bytes(..).file_name(..).
std::string ReqwestBody(std::string_view file_name, std::string_view content) {
  std::string b;
  b += "--" + std::string(kBoundary) + "\r\n";
  b += "Content-Disposition: form-data; name=\"file\"; filename=\"" + std::string(file_name) + "\"\r\n\r\n";
  b += content;
  b += "\r\n--" + std::string(kBoundary) + "--\r\n";
  return b;
}

std::string Part(std::string_view headers, std::string_view content) {
  return "--" + std::string(kBoundary) + "\r\n" + std::string(headers) + "\r\n\r\n" + std::string(content) + "\r\n";
}
std::string Close() { return "--" + std::string(kBoundary) + "--\r\n"; }

TEST(MultipartBoundaryTest, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(*MultipartBoundary(kType), kBoundary);
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data; BOUNDARY=\"a b:c\""), "a b:c");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data;charset=utf-8;boundary=xyz"), "xyz");
}

TEST(MultipartBoundaryTest, RefusesOtherTypesAndBadBoundaries) {
  EXPECT_EQ(MultipartBoundary("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(MultipartBoundary("application/json").error().message.find("multipart/form-data"), std::string::npos);
  EXPECT_NE(MultipartBoundary("multipart/form-data").error().message.find("boundary"), std::string::npos);
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"\"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"ends in space \"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"semi;colon\"").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_TRUE(MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'a')).ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=a; boundary=b").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=\"unterminated").ok());
}

TEST(MultipartTest, ParsesWhatReqwestSends) {
  const std::string source = "#!POPCORN leaderboard vectoradd\n#!POPCORN gpu H100\n\nint main() { return 0; }\n";
  auto form = ParseMultipart(kType, ReqwestBody("solution.cu", source));
  ASSERT_TRUE(form.ok()) << form.error().message;
  ASSERT_EQ(form->parts.size(), 1u);
  const MultipartPart* file = form->Find("file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->filename, "solution.cu");
  EXPECT_EQ(file->content_type, "");
  EXPECT_EQ(file->body, source);
}

TEST(MultipartTest, KeepsBinaryAndCrlfInsideTheBodyExactly) {
  std::string content = "line\r\n--not-the-boundary\r\n";
  content += std::string("\0\x01\xff\r\n\r\n", 7);
  content += "--" + std::string(kBoundary).substr(0, 10);  // a prefix of the boundary is fine
  auto form = ParseMultipart(kType, ReqwestBody("a.cu", content));
  ASSERT_TRUE(form.ok()) << form.error().message;
  EXPECT_EQ(form->parts[0].body, content);
}

TEST(MultipartTest, ReadsSeveralPartsHeadersAndPreamble) {
  std::string body = "this is a preamble\r\n";
  body += Part("content-disposition: form-data; name=leaderboard", "vectoradd");
  body += Part("Content-Disposition: form-data; name=\"file\"; filename=\"dir \\\"x\\\".cu\"\r\n"
               "Content-Type: text/x-cuda\r\nX-Ignored: yes",
               "src");
  body += Part("Content-Disposition: form-data; name*=utf-8''caf%C3%A9", "");
  body += Close() + "epilogue is ignored";
  auto form = ParseMultipart(kType, body);
  ASSERT_TRUE(form.ok()) << form.error().message;
  ASSERT_EQ(form->parts.size(), 3u);
  EXPECT_EQ(form->parts[0].name, "leaderboard");
  EXPECT_FALSE(form->parts[0].filename.has_value());
  EXPECT_EQ(form->parts[0].body, "vectoradd");
  EXPECT_EQ(form->parts[1].filename, "dir \"x\".cu");
  EXPECT_EQ(form->parts[1].content_type, "text/x-cuda");
  EXPECT_EQ(form->parts[2].name, "caf\xC3\xA9");
  EXPECT_EQ(form->parts[2].body, "");
  EXPECT_EQ(form->Count("file"), 1u);
  EXPECT_EQ(form->Find("missing"), nullptr);
}

TEST(MultipartTest, AcceptsAPartWithNoBodyAndTransportPadding) {
  std::string body = "--" + std::string(kBoundary) + "  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n--" +
                     std::string(kBoundary) + "--";
  auto form = ParseMultipart(kType, body);
  ASSERT_TRUE(form.ok()) << form.error().message;
  EXPECT_EQ(form->parts[0].body, "");
}

struct BadBody {
  const char* what;
  std::string body;
  const char* expect;  ///< a word the message must contain
};

TEST(MultipartTest, MalformedBodiesAreClearErrors) {
  const std::string b(kBoundary);
  const std::string cd = "Content-Disposition: form-data; name=\"file\"";
  const std::vector<BadBody> cases = {
      {"empty", "", "starts a part"},
      {"no boundary line", "just text\r\n", "starts a part"},
      {"only the close line", Close(), "no parts"},
      {"no close line", Part(cd, "x"), "followed by a boundary"},
      {"truncated after boundary", "--" + b, "closing"},
      {"unterminated headers", "--" + b + "\r\n" + cd + "\r\n", "empty line"},
      {"no disposition", Part("Content-Type: text/plain", "x") + Close(), "Content-Disposition"},
      {"no headers at all", "--" + b + "\r\n\r\nbody\r\n" + Close(), "Content-Disposition"},
      {"not form-data", Part("Content-Disposition: attachment; name=\"f\"", "x") + Close(), "form-data"},
      {"no name", Part("Content-Disposition: form-data; filename=\"a\"", "x") + Close(), "name"},
      {"empty name", Part("Content-Disposition: form-data; name=\"\"", "x") + Close(), "name"},
      {"two dispositions", Part(cd + "\r\n" + cd, "x") + Close(), "two"},
      {"duplicate param", Part("Content-Disposition: form-data; name=a; name=b", "x") + Close(), "twice"},
      {"unterminated quote", Part("Content-Disposition: form-data; name=\"a", "x") + Close(), "unterminated"},
      {"folded header", Part(cd + "\r\n  ; filename=x", "x") + Close(), "folded"},
      {"header without colon", Part(cd + "\r\nnonsense", "x") + Close(), "Name:"},
      {"control char", Part(cd + "\r\nX-A: a\x01" "b", "x") + Close(), "control"},
      {"base64 encoding", Part(cd + "\r\nContent-Transfer-Encoding: base64", "eA==") + Close(), "not supported"},
      {"garbage after boundary", "--" + b + "junk\r\n" + cd + "\r\n\r\nx\r\n" + Close(), "not a boundary line"},
      {"bad ext value", Part("Content-Disposition: form-data; name*=latin1''x", "x") + Close(), "utf-8"},
      {"truncated escape", Part("Content-Disposition: form-data; name*=utf-8''a%4", "x") + Close(), "escape"},
      {"bad escape", Part("Content-Disposition: form-data; name*=utf-8''a%zz", "x") + Close(), "escape"},
      {"boundary inside content", Part(cd, "a\r\n--" + b + "xyz\r\nmore") + Close(), "not a boundary line"},
  };
  for (const auto& c : cases) {
    auto form = ParseMultipart(kType, c.body);
    ASSERT_FALSE(form.ok()) << c.what;
    EXPECT_EQ(form.error().code, ErrorCode::kInvalidArgument) << c.what << ": " << form.error().message;
    EXPECT_NE(form.error().message.find(c.expect), std::string::npos) << c.what << ": " << form.error().message;
  }
}

TEST(MultipartTest, LimitsAreResourceExhausted) {
  MultipartLimits limits;
  limits.max_part_bytes = 10;
  limits.max_parts = 2;
  limits.max_header_bytes = 100;
  limits.max_header_lines = 3;
  const std::string cd = "Content-Disposition: form-data; name=\"file\"";

  auto big = ParseMultipart(kType, Part(cd, std::string(11, 'x')) + Close(), limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(big.error().message.find("'file' is larger than 10 bytes"), std::string::npos) << big.error().message;
  EXPECT_TRUE(ParseMultipart(kType, Part(cd, std::string(10, 'x')) + Close(), limits).ok());

  auto many = ParseMultipart(kType, Part(cd, "a") + Part(cd, "b") + Part(cd, "c") + Close(), limits);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, ErrorCode::kResourceExhausted);

  auto long_headers = ParseMultipart(kType, Part(cd + "\r\nX-Pad: " + std::string(200, 'p'), "a") + Close(), limits);
  ASSERT_FALSE(long_headers.ok());
  EXPECT_EQ(long_headers.error().code, ErrorCode::kResourceExhausted);

  auto many_lines = ParseMultipart(kType, Part(cd + "\r\nA: 1\r\nB: 2\r\nC: 3", "a") + Close(), limits);
  ASSERT_FALSE(many_lines.ok());
  EXPECT_EQ(many_lines.error().code, ErrorCode::kResourceExhausted);
}

TEST(MultipartTest, AdversarialBoundaryIsStillFast) {
  // A boundary of one repeated letter and a body of near-matches: the scan must stay linear.
  const std::string boundary(70, 'a');
  const std::string type = "multipart/form-data; boundary=" + boundary;
  std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n";
  const std::string near = "\r\n--" + std::string(69, 'a');
  while (body.size() < 4 * 1024 * 1024) body += near;
  body += "\r\n--" + boundary + "--\r\n";
  MultipartLimits limits;
  limits.max_part_bytes = 8 * 1024 * 1024;
  auto form = ParseMultipart(type, body, limits);
  ASSERT_TRUE(form.ok()) << form.error().message;
  EXPECT_GT(form->parts[0].body.size(), 4u * 1024 * 1024 - 100);
}

TEST(MultipartTest, RandomMutationsNeverCrash) {
  // A poor man's fuzzer: flip, cut and duplicate bytes of a valid body. Every outcome must be a
  // value or an Error; sanitizer builds turn any over-read into a failure.
  const std::string valid = Part("Content-Disposition: form-data; name=\"a\"", "alpha") +
                            Part("Content-Disposition: form-data; name=\"file\"; filename=\"x.cu\"\r\nContent-Type: text/plain",
                                 "int main() {}\r\n") +
                            Close();
  std::mt19937 rng(12345);
  const std::string alphabet = "\r\n-\";=: \\%ab";
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string body = valid;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const std::size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0: body[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: body.erase(at, 1 + rng() % 8); break;
        case 2: body.insert(at, body.substr(rng() % body.size(), 1 + rng() % 16)); break;
        default: body.resize(at); break;
      }
    }
    auto form = ParseMultipart(kType, body);
    if (form.ok()) {
      ++parsed;
      for (const auto& p : form->parts) EXPECT_FALSE(p.name.empty());
    } else {
      EXPECT_FALSE(form.error().message.empty());
    }
  }
  EXPECT_GT(parsed, 0);  // some mutations (in part bodies) stay valid
}

}  // namespace
}  // namespace kjudge::http
