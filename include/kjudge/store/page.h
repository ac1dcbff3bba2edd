// PageRequest: keyset paging for listings that grow without bound (submissions, audit entries).
// Paging by "ids below the last one seen" stays correct and fast while new rows arrive, unlike
// OFFSET.
//
// Thread safety: a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace kjudge::store {

/// One page of a newest-first listing.
struct PageRequest {
  /// At most this many rows (clamped to 1..kMaxPageSize).
  std::size_t limit = 100;
  /// Only rows with a smaller id: pass the last id of the previous page.
  std::optional<std::int64_t> before_id;

  /// The first page.
  static PageRequest Newest(std::size_t limit) { return PageRequest{limit, std::nullopt}; }
  /// The page after one whose last row had id `last_id`.
  static PageRequest Before(std::int64_t last_id, std::size_t limit) { return PageRequest{limit, last_id}; }
};

/// The largest page served, so one request cannot make the server read a whole table.
inline constexpr std::size_t kMaxPageSize = 1000;

}  // namespace kjudge::store
