# Build options shared by every target: language level, warnings, sanitizers.
option(BELLOWS_WERROR "Treat compiler warnings as errors" ON)
option(BELLOWS_BUILD_TESTS "Build the doctest unit and end-to-end tests" ON)
option(BELLOWS_UNITY_BUILD "Compile each library's sources in batches of 8 (full builds in half the time; scripts/build.sh turns it on)" OFF)
set(BELLOWS_SANITIZE "" CACHE STRING "Sanitizer list passed to -fsanitize= (for example address,undefined); empty = off")

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(BELLOWS_UNITY_BUILD)
  # Every translation unit parses the same heavy headers (CLI11, nlohmann/json, libpqxx); batching
  # them halves a full build on 2 cores (docs/decisions.md 32). The test programs opt out: their
  # files reuse helper names in anonymous namespaces.
  set(CMAKE_UNITY_BUILD ON)
  set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
endif()

add_library(bellows_options INTERFACE)
target_compile_features(bellows_options INTERFACE cxx_std_20)
target_include_directories(bellows_options INTERFACE "${PROJECT_SOURCE_DIR}")
# Designated initializers leave omitted members at their defaults; GCC's
# missing-field-initializers would flag every one of them (docs/decisions.md).
target_compile_options(bellows_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wno-missing-field-initializers)
if(BELLOWS_WERROR)
  target_compile_options(bellows_options INTERFACE -Werror)
endif()
target_compile_definitions(bellows_options INTERFACE BELLOWS_VERSION="${PROJECT_VERSION}")
if(BELLOWS_SANITIZE)
  target_compile_options(bellows_options INTERFACE -fsanitize=${BELLOWS_SANITIZE} -fno-omit-frame-pointer
    -fno-sanitize-recover=all)
  # A position-dependent executable: the sanitizers' instrumented globals made a PIE bellows
  # spend most of its start-up in dynamic relocation (measured: 0.45 s -> 0.25 s per process),
  # and the end-to-end tests start bellows hundreds of times.
  target_link_options(bellows_options INTERFACE -fsanitize=${BELLOWS_SANITIZE} -no-pie)
endif()

# Fuzzing (tests/fuzz, scripts/fuzz.sh): every library gets libFuzzer's coverage instrumentation
# and ASan + UBSan; only the fuzz targets link libFuzzer itself. Clang only; the doctest
# programs are not built in this configuration.
option(BELLOWS_FUZZ "Build the libFuzzer targets in tests/fuzz (clang only)" OFF)
if(BELLOWS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BELLOWS_FUZZ=ON needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                        "configure with CXX=clang++-14, or run scripts/fuzz.sh")
  endif()
  if(BELLOWS_SANITIZE)
    message(FATAL_ERROR "BELLOWS_FUZZ=ON brings its own sanitizers: leave BELLOWS_SANITIZE empty")
  endif()
  set(BELLOWS_BUILD_TESTS OFF)
  target_compile_options(bellows_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(bellows_options INTERFACE -fsanitize=address,undefined)
endif()
