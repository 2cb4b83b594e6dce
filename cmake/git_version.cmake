# Writes the version header with the commit being built: run at every build by the
# engram_version target (CMakeLists.txt), not only at configure time, so that a manifest or a
# benchmark record never names an older commit than the binary's. "-dirty" marks a tree with
# uncommitted changes to tracked files. configure_file rewrites the header only when its text
# changes, so an unchanged commit recompiles nothing.
# Inputs: SOURCE_DIR, INPUT, OUTPUT, PROJECT_VERSION.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE ENGRAM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT ENGRAM_GIT_COMMIT)
  set(ENGRAM_GIT_COMMIT "unknown")
else()
  execute_process(COMMAND git diff --quiet HEAD -- WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE dirty ERROR_QUIET)
  if(dirty EQUAL 1)
    string(APPEND ENGRAM_GIT_COMMIT "-dirty")
  endif()
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
