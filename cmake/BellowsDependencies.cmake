# Every dependency is a Debian -dev package; a missing one stops configure and names the package.
find_package(PkgConfig REQUIRED)

macro(bellows_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "bellows needs the Debian package '${package}': run scripts/install-deps.sh "
                        "(or apt-get install -y ${package})")
  endif()
endmacro()

find_package(SQLite3 QUIET)
bellows_require(SQLite3_FOUND libsqlite3-dev)
find_package(yaml-cpp QUIET)
bellows_require(yaml-cpp_FOUND libyaml-cpp-dev)
find_package(OpenSSL QUIET)
bellows_require(OPENSSL_FOUND libssl-dev)
find_package(CLI11 QUIET)
bellows_require(CLI11_FOUND libcli11-dev)
find_package(nlohmann_json 3 QUIET)
bellows_require(nlohmann_json_FOUND nlohmann-json3-dev)
if(BELLOWS_BUILD_TESTS)
  find_package(doctest QUIET)
  bellows_require(doctest_FOUND doctest-dev)
endif()
