# Writes OUTPUT: an add_test() per test that pytest collects in TEST_DIR (run by
# tests/python/CMakeLists.txt after a build). Fails on a test id that ctest could not carry.
string(REPLACE "|" ";" env "${ENVIRONMENT}") # KEY=VALUE entries, joined by |
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env ${env}
          "${PYTHON}" -m pytest --collect-only -q -p no:cacheprovider "${TEST_DIR}"
  WORKING_DIRECTORY "${SOURCE_DIR}"
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pytest --collect-only failed (${rc}):\n${out}\n${err}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(text "")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "::")
    if(line MATCHES "[\"\\\\$;]")
      message(FATAL_ERROR "pytest test id '${line}' cannot be a ctest name")
    endif()
    string(REGEX REPLACE "^.*/" "" short "${line}")
    string(APPEND text
      "add_test(\"python: ${short}\" \"${PYTHON}\" -m pytest -q -p no:cacheprovider \"${line}\")\n"
      "set_tests_properties(\"python: ${short}\" PROPERTIES LABELS python"
      " WORKING_DIRECTORY \"${SOURCE_DIR}\" ENVIRONMENT \"${env}\")\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "pytest collected no test in ${TEST_DIR}")
endif()
file(WRITE "${OUTPUT}" "${text}")
