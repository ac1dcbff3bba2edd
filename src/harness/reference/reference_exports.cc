// Linked into every problem's reference library next to its reference.cpp: exports the problem's
// functions through one C symbol the supervisor looks up (see reference_abi.h).
#include "kjudge/harness/reference_abi.h"

extern "C" const kjudge::harness::ReferenceVTable* kjudge_reference_vtable() {
  static const kjudge::harness::ReferenceVTable table{kjudge::harness::kReferenceAbiVersion, &kj_buffers,
                                                      &kj_generate, &kj_reference};
  return &table;
}
