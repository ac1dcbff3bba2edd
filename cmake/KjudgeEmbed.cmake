# kjudge_embed_files(OUTPUT file.cc FUNCTION ns::Name BASE dir FILES a b ...)
# Generates a C++ source defining `std::span<const kjudge::EmbeddedFile> ns::Name()` holding the
# files' contents, so the binary carries what it needs at run time (migrations, harness sources).
# The output is regenerated when any input changes.
function(kjudge_embed_files)
  cmake_parse_arguments(E "" "OUTPUT;FUNCTION;BASE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DFUNCTION=${E_FUNCTION} -DBASE=${E_BASE}
            "-DFILES=${E_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/KjudgeEmbedRun.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/KjudgeEmbedRun.cmake
    COMMENT "Embedding files into ${E_OUTPUT}"
    VERBATIM)
endfunction()
