# What `cmake --install` and `cpack` deliver besides the library and its headers
# (runtime/CMakeLists.txt): the CMake package, a pkg-config file, the licence and the docs, and
# a Debian package. All of it is the "runtime" component, the one installed by default; the
# demos are the "demos" component, installed only when asked for.

# The CMake package: asyncrtConfig.cmake, its version file (0.x: a minor version is a
# compatibility boundary), and the exported targets (installed by runtime/).
get_target_property(asyncrt_library_type asyncrt_runtime TYPE)
set(ASYNCRT_STATIC_LIBRARY OFF)
if(asyncrt_library_type STREQUAL "STATIC_LIBRARY")
  set(ASYNCRT_STATIC_LIBRARY ON)  # then its users link fmt too: the config looks for it
endif()
configure_package_config_file(cmake/asyncrtConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/asyncrtConfig.cmake
                              INSTALL_DESTINATION ${ASYNCRT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/asyncrtConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/asyncrtConfig.cmake
              ${PROJECT_BINARY_DIR}/asyncrtConfigVersion.cmake
        DESTINATION ${ASYNCRT_CMAKE_DIR} COMPONENT runtime)

# pkg-config: `g++ -std=c++20 main.cpp $(pkg-config --cflags --libs asyncrt)`. The prefix is
# found from the file's own place, so the same file works wherever the tree is installed.
set(pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH ASYNCRT_PC_PREFIX "/root/${pc_dir}" "/root")
set(ASYNCRT_PC_CFLAGS "-std=c++20 -I\${includedir}")
if(NOT Boost_INCLUDE_DIRS STREQUAL "/usr/include")
  string(APPEND ASYNCRT_PC_CFLAGS " -I${Boost_INCLUDE_DIRS}")
endif()
set(ASYNCRT_PC_LIBS "-L\${libdir} -lasyncrt -pthread")
set(ASYNCRT_PC_LIBS_PRIVATE "")
if(NOT ASYNCRT_FMT_HEADER_ONLY)
  if(ASYNCRT_STATIC_LIBRARY)
    string(APPEND ASYNCRT_PC_LIBS " -lfmt")  # the archive's objects call fmt
  else()
    set(ASYNCRT_PC_LIBS_PRIVATE "-lfmt")
  endif()
endif()
if(ASYNCRT_EXPERIMENTAL_LIBRARY_FLAG)  # libc++ before 20: std::stop_token
  string(APPEND ASYNCRT_PC_CFLAGS " ${ASYNCRT_EXPERIMENTAL_LIBRARY_FLAG}")
  string(APPEND ASYNCRT_PC_LIBS " ${ASYNCRT_EXPERIMENTAL_LIBRARY_FLAG}")
endif()
configure_file(cmake/asyncrt.pc.in ${PROJECT_BINARY_DIR}/asyncrt.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/asyncrt.pc DESTINATION ${pc_dir} COMPONENT runtime)

# share/doc/asyncrt: the licence, the README and the changelog.
install(FILES LICENSE README.md CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT runtime)

# cpack -G DEB (run in the build folder): libasyncrt-dev_<version>_<arch>.deb, the library,
# headers, CMake package, pkg-config file and docs under /usr. A consumer also needs Boost's
# headers and, for the static library, fmt: the package depends on both.
set(CPACK_PACKAGE_NAME libasyncrt-dev)
set(CPACK_PACKAGE_VENDOR "asyncrt")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL runtime)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "asyncrt developers" CACHE STRING "The .deb's Maintainer field")
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libboost1.81-dev | libboost-dev (>= 1.81), libfmt-dev")
set(CPACK_GENERATOR DEB)
include(CPack)
