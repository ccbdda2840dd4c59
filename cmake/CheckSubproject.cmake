# cmake -DROOT=<source dir> -DWORK=<scratch folder> -DCXX=<compiler> -P CheckSubproject.cmake
#
# Configures examples/consumer with asyncrt as a subproject, through add_subdirectory and
# through FetchContent, and checks that asyncrt left the parent's build type alone, defined no
# target but the library, and looked for no dependency that only its demos, tests or
# benchmarks need. (./dev check also builds and runs the consumer every way:
# tests/packaging/check.)
cmake_minimum_required(VERSION 3.25)
foreach(way subdirectory fetchcontent)
  set(dir "${WORK}/${way}")
  file(REMOVE_RECURSE "${dir}")
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${ROOT}/examples/consumer -B ${dir}
                          -DCMAKE_CXX_COMPILER=${CXX} -DASYNCRT_CONSUME=${way}
                          -DASYNCRT_SOURCE_DIR=${ROOT}
                  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "asyncrt as a subproject (${way}) did not configure:\n${output}")
  endif()
  load_cache("${dir}" READ_WITH_PREFIX parent_ CMAKE_BUILD_TYPE)
  if(NOT "${parent_CMAKE_BUILD_TYPE}" STREQUAL "")
    message(FATAL_ERROR "asyncrt as a subproject (${way}) set the parent's CMAKE_BUILD_TYPE to "
                        "'${parent_CMAKE_BUILD_TYPE}'")
  endif()
  file(READ "${dir}/CMakeCache.txt" cache)
  foreach(variable GTEST_INCLUDE_DIR benchmark_DIR boost_program_options_DIR MPI_CXX_COMPILER
                   Python3_EXECUTABLE)
    if(cache MATCHES "\n${variable}:")
      message(FATAL_ERROR "asyncrt as a subproject (${way}) looked for ${variable}: only its "
                          "demos, tests or benchmarks need that")
    endif()
  endforeach()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${dir} --target help OUTPUT_VARIABLE targets)
  string(REGEX MATCHALL "\\.\\.\\. [A-Za-z0-9_.-]+" targets "${targets}")
  list(TRANSFORM targets REPLACE "^\\.\\.\\. " "")
  list(REMOVE_ITEM targets all clean depend edit_cache rebuild_cache install install/local
       install/strip list_install_components consumer asyncrt_runtime main.o main.i main.s)
  if(targets)
    message(FATAL_ERROR "asyncrt as a subproject (${way}) defined targets besides the library: ${targets}")
  endif()
  message(STATUS "asyncrt as a subproject (${way}): the library only, the parent's settings kept")
endforeach()
