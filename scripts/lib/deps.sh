# Sourced by scripts/*.sh: installs the Debian 12 packages kjudge needs, only when some are missing.
# Every dependency is a Debian package; nothing is downloaded at build time.

KJUDGE_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config git ca-certificates curl
  libboost1.81-dev libboost-url1.81-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libspdlog-dev
  libcli11-dev libyaml-cpp-dev libcmark-dev libssl-dev libseccomp-dev bubblewrap
  libgtest-dev libgmock-dev libbenchmark-dev
)

# ensure_packages PKG...: apt-get install the ones dpkg does not report as installed.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "kjudge: missing Debian packages: ${missing[*]}" >&2
    echo "kjudge: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "kjudge: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # apt fetches as the unprivileged _apt user and needs a world-writable /tmp for that; some
  # containers mount /tmp 0755, where apt must stay root to verify the index signatures.
  local apt_opts=()
  [ "$(stat -c %a /tmp 2>/dev/null)" = 1777 ] || apt_opts=(-o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -q >/dev/null
  apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# The test suite also compiles every problem's HIP code (compile only: no AMD GPU needed), and
# builds and runs the libFuzzer targets (fuzz/) with clang, whose fuzzer and sanitizer runtimes
# come with libclang-common-15-dev. The web pages are checked in headless Chromium (with a font,
# so its screenshots show text).
KJUDGE_TEST_PACKAGES=(hipcc libamdhip64-dev clang-15 libclang-common-15-dev chromium fonts-dejavu-core)

# scripts/bench.sh also drives HTTP load with wrk.
KJUDGE_BENCH_PACKAGES=(wrk)

ensure_build_deps() { ensure_packages "${KJUDGE_BUILD_PACKAGES[@]}"; }
ensure_test_deps() { ensure_packages "${KJUDGE_BUILD_PACKAGES[@]}" "${KJUDGE_TEST_PACKAGES[@]}"; }
ensure_bench_deps() { ensure_packages "${KJUDGE_BUILD_PACKAGES[@]}" "${KJUDGE_BENCH_PACKAGES[@]}"; }

# The CUDA toolkit is not a Debian package: it lives at /usr/local/cuda on our GPU and build machines.
cuda_status() {
  if [ -x /usr/local/cuda/bin/nvcc ]; then
    echo "kjudge: CUDA found: $(/usr/local/cuda/bin/nvcc --version | tail -n 1)"
  else
    echo "kjudge: CUDA not found at /usr/local/cuda: CUDA compile checks are skipped (the cpu backend runs everything)"
  fi
}

jobs_for_build() { nproc 2>/dev/null || echo 2; }
