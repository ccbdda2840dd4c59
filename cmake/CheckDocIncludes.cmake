# cmake -DDOC=<file.md> -DROOT=<source dir> -P CheckDocIncludes.cmake
#
# Every "<!-- include: PATH -->" in DOC must be followed by a ```cpp or ```cmake block whose
# text is exactly the file ROOT/PATH, so a guide cannot drift from the code that is compiled
# and tested; and every such block in DOC must be one of those (code in the docs is code that
# compiles).
cmake_minimum_required(VERSION 3.25)
file(READ "${DOC}" rest)
string(REGEX MATCHALL "```(cpp|cmake)\n" blocks "${rest}")
list(LENGTH blocks block_count)
set(count 0)
while(TRUE)
  string(FIND "${rest}" "<!-- include: " marker)
  if(marker EQUAL -1)
    break()
  endif()
  math(EXPR after_marker "${marker} + 14")
  string(SUBSTRING "${rest}" ${after_marker} -1 rest)
  string(FIND "${rest}" " -->" path_end)
  string(SUBSTRING "${rest}" 0 ${path_end} path)
  string(REGEX MATCH "```(cpp|cmake)\n" fence_text "${rest}")
  if(NOT fence_text)
    message(FATAL_ERROR "${DOC}: no ```cpp or ```cmake block after 'include: ${path}'")
  endif()
  string(FIND "${rest}" "${fence_text}" fence)
  string(LENGTH "${fence_text}" fence_length)
  math(EXPR body_start "${fence} + ${fence_length}")
  string(SUBSTRING "${rest}" ${body_start} -1 rest)
  string(FIND "${rest}" "```" body_end)
  string(SUBSTRING "${rest}" 0 ${body_end} body)
  file(READ "${ROOT}/${path}" expected)
  if(NOT "${body}" STREQUAL "${expected}")
    message(FATAL_ERROR "${DOC}: the block after 'include: ${path}' is not the file's text; "
                        "paste ${path} into the guide again")
  endif()
  string(SUBSTRING "${rest}" ${body_end} -1 rest)
  math(EXPR count "${count} + 1")
endwhile()
if(NOT count EQUAL block_count)
  message(FATAL_ERROR "${DOC}: ${block_count} ```cpp/```cmake blocks but ${count} included files: put the "
                      "code in a file that is compiled (examples/) and mark its block with "
                      "'<!-- include: PATH -->'")
endif()
message(STATUS "${DOC}: ${count} included file(s) match the code")
