# Warnings, -Werror and sanitizers apply to our targets only, never globally (fmt's style).

function(siteaudit_configure_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
                                           -Wno-missing-field-initializers)
  # A local that shadows another local is a bug waiting; fields and lambdas' captures are not.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wshadow=local)
  else()
    target_compile_options(${target} PRIVATE -Wshadow-uncaptured-local)
  endif()
  if(SITEAUDIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(siteaudit_configure_target target)
  siteaudit_configure_warnings(${target})
  siteaudit_apply_sanitizers(${target})
endfunction()

# Sanitizer flags are PUBLIC so that everything linking a sanitized library is sanitized too,
# and BOOST_USE_ASAN / BOOST_USE_TSAN tell Boost.Context headers to announce fiber switches.
function(siteaudit_apply_sanitizers target)
  if(SITEAUDIT_SANITIZE STREQUAL "")
    return()
  endif()
  set(flags -fsanitize=${SITEAUDIT_SANITIZE} -fno-omit-frame-pointer)
  if(SITEAUDIT_SANITIZE MATCHES "undefined")
    # vptr is left out: to check a dynamic type, UBSan probes memory through a pipe, so a
    # process out of descriptors (the fd-limit tests run one out on purpose) gets a false
    # "invalid vptr" on the next virtual call, such as a runtime thread starting. ASan still
    # catches the use of a dead or foreign object.
    list(APPEND flags -fno-sanitize-recover=undefined -fno-sanitize=vptr)
  endif()
  # GCC 12's flow analysis sees through sanitizer instrumentation badly and reports
  # maybe-uninitialized inside libstdc++ (<regex>'s NFA states) and restrict overlaps inside
  # std::string assignment; false positives there must not fail the sanitizer builds, whose
  # purpose is to find the real thing at run time.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND flags -Wno-maybe-uninitialized -Wno-restrict)
  endif()
  target_compile_options(${target} PUBLIC ${flags})
  target_link_options(${target} PUBLIC -fsanitize=${SITEAUDIT_SANITIZE})
  if(SITEAUDIT_SANITIZE MATCHES "address")
    target_compile_definitions(${target} PUBLIC BOOST_USE_ASAN SITEAUDIT_ASAN=1)
  endif()
  if(SITEAUDIT_SANITIZE MATCHES "thread")
    target_compile_definitions(${target} PUBLIC BOOST_USE_TSAN SITEAUDIT_TSAN=1)
  endif()
endfunction()

# siteaudit_add_test_suite(NAME layer SOURCES ... LIBS ...) builds one Catch2 executable for a
# layer and registers each TEST_CASE with CTest under the layer's label (ctest -L runtime).
#
# PRECOMPILE names headers besides catch.hpp that most of the suite's files include (parsed
# once per suite instead of once per file).
#
# OUT_OF_PROCESS marks a suite that only drives other processes (the siteaudit binary, the
# fixture server): the binary under test carries the sanitizers, so the suite itself is built
# without them (and links siteaudit_catch_main_plain), which halves its compile time.
function(siteaudit_add_test_suite layer)
  cmake_parse_arguments(ARG "OUT_OF_PROCESS" "" "SOURCES;LIBS;PRECOMPILE" ${ARGN})
  set(target ${layer}_tests)
  add_executable(${target} ${ARG_SOURCES})
  if(ARG_OUT_OF_PROCESS)
    target_link_libraries(${target} PRIVATE siteaudit_catch_main_plain ${ARG_LIBS})
  else()
    target_link_libraries(${target} PRIVATE siteaudit_catch_main ${ARG_LIBS})
  endif()
  # catch.hpp is 17,000 lines: parsing it once per suite instead of once per test file keeps
  # the three builds of scripts/test within budget on two cores.
  target_precompile_headers(${target} PRIVATE <catch2/catch.hpp> ${ARG_PRECOMPILE})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${target} PRIVATE
    SITEAUDIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SITEAUDIT_BINARY="$<TARGET_FILE:siteaudit>"
    SITEAUDIT_VERSION="${PROJECT_VERSION}")
  if(ARG_OUT_OF_PROCESS)
    siteaudit_configure_warnings(${target})
  else()
    siteaudit_configure_target(${target})
  endif()
  # Test code is not what is under test: the libraries keep the build type's optimisation,
  # while the Catch2 test files, whose assertion macros make huge functions, build at -O0 in
  # the plain builds (measured: json_writer_test 58 s at -O3, 13 s at -O1, 9.6 s at -O0; all
  # test files of the Release build 120 s -> 106 s on two cores) and at -O1 with line tables
  # under the sanitizers, which is all their reports need: instrumented -O0 code keeps every
  # local in memory, and the stress tests instantiate Channel<T> and friends here (clang's
  # ASan ran the 200k-result JSON test in 8.9 s at -O0, 0.9 s at -O1). The benchmarks
  # measure those templates at full optimisation.
  if(SITEAUDIT_SANITIZE STREQUAL "")
    target_compile_options(${target} PRIVATE -O0)
  else()
    target_compile_options(${target} PRIVATE -O1)
  endif()
  # GCC 12 at -O1 and above reports array-bounds/restrict overflows inside libstdc++'s inlined
  # std::string operator+ (a known false positive, GCC bug 105329); it must not fail the build.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-array-bounds -Wno-restrict -Wno-stringop-overflow)
  endif()
  if(NOT SITEAUDIT_SANITIZE STREQUAL "" AND NOT ARG_OUT_OF_PROCESS)
    target_compile_options(${target} PRIVATE -g1)
  endif()
  catch_discover_tests(${target} TEST_PREFIX "${layer}: " PROPERTIES LABELS ${layer})
endfunction()
