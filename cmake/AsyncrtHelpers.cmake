# Small helpers so each target is one line instead of a copied block.

function(asyncrt_print_options)
  foreach(opt IN LISTS ARGN)
    message(STATUS "asyncrt: ${opt} = '${${opt}}'")
  endforeach()
endfunction()

# Warnings and sanitizers, per target.
function(asyncrt_target_defaults target)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 false positive on Asio's awaitable frame allocator once it is inlined (-O2):
    # GCC PR 109224, "Wmismatched-new-delete false positive with a templated operator new".
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete)
    if("thread" IN_LIST ASYNCRT_SANITIZE)
      # g++ warns that TSan does not model std::atomic_thread_fence, which Asio uses inside.
      # An unmodelled fence can only make TSan report a race that is not there, never hide one.
      target_compile_options(${target} PRIVATE -Wno-tsan)
    endif()
    if("address" IN_LIST ASYNCRT_SANITIZE)
      # Under AddressSanitizer at -O1, g++ 12 warns "may be used uninitialized" inside library
      # headers inlined into asyncrt's code: libstdc++'s <regex> (std::function in a state),
      # Boost.Optional, Asio's use_future (42 warnings per build; none in the default or clang
      # builds of the same code, and none in asyncrt's own code).
      target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
    endif()
  endif()
  if(NOT ASYNCRT_STABLE_SORT_COMPILES_CLEAN)
    target_compile_options(${target} PRIVATE -Wno-deprecated-declarations)  # see CMakeLists.txt
  endif()
  if(ASYNCRT_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(ASYNCRT_SANITIZE)
    list(JOIN ASYNCRT_SANITIZE "," sanitizers)
    target_compile_options(${target} PRIVATE -fsanitize=${sanitizers} -fno-omit-frame-pointer
                                             -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${sanitizers})
    if(ASYNCRT_SANITIZE_EXCEPT)
      list(JOIN ASYNCRT_SANITIZE_EXCEPT "," left_out)
      target_compile_options(${target} PRIVATE -fno-sanitize=${left_out})
    endif()
  endif()
endfunction()

# asyncrt_add_demo(<name> SOURCES ...) builds the executable asyncrt-<name>.
function(asyncrt_add_demo name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(asyncrt-${name} ${ARG_SOURCES})
  target_link_libraries(asyncrt-${name} PRIVATE asyncrt::runtime asyncrt_demo_common ${ARG_LIBS})
  asyncrt_target_defaults(asyncrt-${name})
  # All demos in one bin/ folder (the tour finds them next to itself), installed together and
  # only when asked: cmake --install <build> --component demos.
  set_target_properties(asyncrt-${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
  install(TARGETS asyncrt-${name} RUNTIME COMPONENT demos EXCLUDE_FROM_ALL)
endfunction()

# asyncrt_add_test(<file.cpp> [LIBS ...] [LABELS ...]): one ctest entry per test file, named
# after it, so a failure names its file.
function(asyncrt_add_test source)
  cmake_parse_arguments(ARG "" "" "LIBS;LABELS;DEPENDS" ${ARGN})
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE asyncrt::runtime asyncrt_test_support GTest::gtest_main
                                        ${ARG_LIBS})
  asyncrt_target_defaults(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120 LABELS "${ARG_LABELS}")
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
endfunction()

# asyncrt_add_bench(<file.cpp> [LIBS ...]): a Google Benchmark program.
function(asyncrt_add_bench source)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  get_filename_component(name ${source} NAME_WE)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE asyncrt::runtime benchmark::benchmark ${ARG_LIBS})
  asyncrt_target_defaults(${name})
endfunction()
