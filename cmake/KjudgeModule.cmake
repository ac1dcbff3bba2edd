# Shared compile settings for every kjudge target.
add_library(kjudge_warnings INTERFACE)
target_compile_options(kjudge_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  $<$<BOOL:${KJUDGE_WERROR}>:-Werror>)
if(KJUDGE_SANITIZE)
  # GCC 12 reports false -Wmaybe-uninitialized in libstdc++ (std::regex, std::function) when
  # ASan instruments it; the plain build keeps the warning.
  # -O0 -g1: file:line in sanitizer reports at the least compile time. The Beast/Asio-heavy sources
  # dominate CI's build on 2 cores: a route file takes half the CPU time at -O0 that it takes at
  # -O1 (13 s against 27 s for problem_routes.cc), and -O1 already took half of -O2 -g.
  target_compile_options(kjudge_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined -Wno-maybe-uninitialized -O0 -g1)
  target_link_options(kjudge_warnings INTERFACE -fsanitize=address,undefined)
endif()

# Test code itself (test bodies, fixtures, test clients) is compiled without sanitizer
# instrumentation: ASan and UBSan check the kjudge libraries and binaries the tests drive, and
# instrumenting gtest macros and Beast test clients as well tripled their compile time for no
# finding (CI's build went from ~28 to ~20 minutes on 2 cores). The test binaries still link the
# sanitizer runtimes, so every instrumented library inside them is checked, leaks included.
add_library(kjudge_test_flags INTERFACE)
target_compile_options(kjudge_test_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
  $<$<BOOL:${KJUDGE_WERROR}>:-Werror>)
if(KJUDGE_SANITIZE)
  # -O0: the test bodies and Beast test clients compile about a third faster than at -O1, and a
  # test's own code needs no speed.
  target_compile_options(kjudge_test_flags INTERFACE -fno-omit-frame-pointer -Wno-maybe-uninitialized -O0 -g1)
  target_link_options(kjudge_test_flags INTERFACE -fsanitize=address,undefined)
endif()

# kjudge_module(NAME SOURCES a.cc b.cc DEPS kjudge_core ...)
# One static library per module: kjudge_<NAME>, public headers under include/kjudge/<NAME>/.
function(kjudge_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(kjudge_${name} STATIC ${M_SOURCES})
  target_include_directories(kjudge_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kjudge_${name} PUBLIC ${M_DEPS} PRIVATE kjudge_warnings ${M_PRIVATE_DEPS})
endfunction()

# kjudge_test(NAME SOURCES x_test.cc DEPS kjudge_store ...)
# A gtest binary registered with ctest test by test.
function(kjudge_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_DEPS} kjudge_test_support GTest::gtest GTest::gtest_main kjudge_test_flags)
  target_compile_definitions(${name} PRIVATE
    KJUDGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    KJUDGE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${T_TIMEOUT})
endfunction()

