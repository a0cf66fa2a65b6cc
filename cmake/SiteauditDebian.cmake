# The Debian package, built by CPack from the install rules (scripts/package). Included by
# SiteauditInstall.cmake when SITEAUDIT_DEB_LAYOUT is on; scripts/package configures a plain
# Release build with it and the prefix /usr.
#
# Debian's policy shapes the documentation: /usr/share/doc/siteaudit holds `copyright` (the
# LICENSE in the machine-readable format) and `changelog.gz`, instead of a LICENSE file, and
# what is larger than 4 kB there is compressed with gzip -9n.

set(deb_doc ${PROJECT_BINARY_DIR}/deb-doc)
file(MAKE_DIRECTORY ${deb_doc})

# copyright: the MIT license, which Debian calls Expat, with the holder from LICENSE.
file(READ ${PROJECT_SOURCE_DIR}/LICENSE license)
string(REGEX MATCH "Copyright \\(c\\) ([^\n]+)" _ "${license}")
set(holder "${CMAKE_MATCH_1}")
if(holder STREQUAL "")
  message(FATAL_ERROR "LICENSE: no 'Copyright (c) ...' line for debian/copyright")
endif()
string(REGEX REPLACE "^MIT License\n+Copyright \\(c\\) [^\n]+\n+" "" terms "${license}")
string(STRIP "${terms}" terms)
# In a copyright file, a license's text is indented by one space and a blank line is " .".
string(REPLACE "\n\n" "\n.\n" terms "${terms}")
string(REPLACE "\n" "\n " terms "${terms}")
file(CONFIGURE OUTPUT ${deb_doc}/copyright CONTENT
     "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: siteaudit\n\nFiles: *\nCopyright: ${holder}\nLicense: Expat\n ${terms}\n")

# changelog.gz: a native package (no Debian revision) names its changelog this way. Its date is
# SOURCE_DATE_EPOCH's when set (scripts/package sets the last commit's), so that a rebuild gives
# the same bytes; file(CONFIGURE) leaves an unchanged file untouched.
string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(CONFIGURE OUTPUT ${deb_doc}/changelog CONTENT
     "siteaudit (${PROJECT_VERSION}) unstable; urgency=medium\n\n  * siteaudit ${PROJECT_VERSION}; see README.md for what it does.\n\n -- ${SITEAUDIT_DEB_MAINTAINER}  ${changelog_date}\n")
foreach(doc changelog README.md)
  if(doc STREQUAL "changelog")
    set(source ${deb_doc}/changelog)
  else()
    configure_file(${PROJECT_SOURCE_DIR}/${doc} ${deb_doc}/${doc} COPYONLY)
    set(source ${deb_doc}/${doc})
  endif()
  add_custom_command(OUTPUT ${source}.gz
                     COMMAND ${SITEAUDIT_GZIP} -9nkf ${source}
                     DEPENDS ${source} VERBATIM)
  list(APPEND deb_doc_gz ${source}.gz)
endforeach()
add_custom_target(deb_doc ALL DEPENDS ${deb_doc_gz})
install(FILES ${deb_doc}/copyright ${deb_doc_gz} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES cmake/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME siteaudit)

# Strip the binary as dh_strip does: CPACK_STRIP_FILES runs a plain `strip`, which keeps the
# .comment and .note sections lintian asks to remove (binary-has-unneeded-section).
find_program(SITEAUDIT_STRIP NAMES ${CMAKE_STRIP} strip REQUIRED)
install(CODE "execute_process(COMMAND \"${SITEAUDIT_STRIP}\" --strip-unneeded --remove-section=.comment
                --remove-section=.note
                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/siteaudit\"
              COMMAND_ERROR_IS_FATAL ANY)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME siteaudit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${SITEAUDIT_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SITEAUDIT_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "audit a site against its sitemaps")
set(CPACK_PACKAGE_DESCRIPTION
    "siteaudit loads the sitemaps you name (or finds them through robots.txt),\n"
    "requests every URL they list and judges each answer: status, redirects,\n"
    "slowness, content type. It also compares the URLs with the routes the site\n"
    "must have. It writes a summary for people and JSON, JUnit XML and Markdown\n"
    "reports for CI jobs, and its exit status says whether the site passed.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # siteaudit_VERSION_ARCH.deb
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Depends: from the shared libraries the binary links (dpkg-shlibdeps, from dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
