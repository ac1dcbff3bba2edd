#include "kjudge/problem/version_input.h"

#include "kjudge/problem/spec_json.h"

namespace kjudge::problem {

store::ProblemVersionInput VersionInputOf(const ProblemBundle& bundle) {
  store::ProblemVersionInput input;
  input.name = bundle.spec.name;
  input.title = bundle.spec.title;
  input.content_hash = bundle.content_hash;
  input.spec_json = SpecToJson(bundle.spec).dump();
  input.files = bundle.files;
  input.gpus = bundle.spec.gpus;
  if (bundle.spec.deadline_unix_s) input.deadline_ms = *bundle.spec.deadline_unix_s * 1000;
  return input;
}

}  // namespace kjudge::problem
