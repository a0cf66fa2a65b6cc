# cmake -D IN=siteaudit.1 -D OUT=build/man/siteaudit.1 -D VERSION=x.y.z -D GZIP=gzip -P GzipManPage.cmake
#
# Writes OUT.gz: the man page IN with the version in its .TH line set to VERSION
# (project(VERSION), the one place the version is set), compressed as Debian wants man pages:
# gzip -9n, without the file's name and time, so that two builds give the same bytes.
file(READ ${IN} page)
string(REGEX REPLACE "(\n\\.TH [^\n]*)\"siteaudit [^\"]*\"" "\\1\"siteaudit ${VERSION}\"" page "${page}")
file(WRITE ${OUT} "${page}")
execute_process(COMMAND ${GZIP} -9nf ${OUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip -9n ${OUT} failed: ${status}")
endif()
