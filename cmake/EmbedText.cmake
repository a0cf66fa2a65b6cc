# EmbedText.cmake — turn a text file into a C++ header holding it as one string, so that a
# resource (the HTML report's page) is edited as what it is and still ships inside the binary.
#
#   cmake -DINPUT=page.html -DOUTPUT=page.inc -DNAME=kPage -P EmbedText.cmake
#
# The header defines `inline constexpr std::string_view NAME`. It is rewritten only when its
# text changes, so an unchanged resource rebuilds nothing.
foreach(var INPUT OUTPUT NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "EmbedText.cmake: -D${var}=... is required")
  endif()
endforeach()
file(READ "${INPUT}" content)
set(delimiter "siteaudit_embed")
string(FIND "${content}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "EmbedText.cmake: ${INPUT} contains the raw string's end marker")
endif()
get_filename_component(input_name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
     "// Generated from ${input_name} by cmake/EmbedText.cmake; edit that file instead.\n"
     "#pragma once\n#include <string_view>\n"
     "inline constexpr std::string_view ${NAME} = R\"${delimiter}(${content})${delimiter}\";\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
