# What `cmake --install` puts where, the files the build generates for it, and the Debian
# package CPack builds from it (scripts/package). Included by CMakeLists.txt once the
# siteaudit_cli library and the siteaudit executable exist.
#
#   bin/siteaudit
#   share/man/man1/siteaudit.1.gz                       gzip -9n, the version from project()
#   share/siteaudit/siteaudit-report.schema.json
#   share/bash-completion/completions/siteaudit          found by bash-completion by name
#   share/zsh/vendor-completions/_siteaudit              Debian's zsh fpath (prefix /usr), or
#   share/zsh/site-functions/_siteaudit                  zsh's default fpath for other prefixes
#   share/fish/vendor_completions.d/siteaudit.fish
#   share/doc/siteaudit/README.md, LICENSE               or, SITEAUDIT_DEB_LAYOUT: copyright,
#                                                        changelog.gz, README.md.gz

# --- shell completions, generated from the option table the program is built from ---
# write_completions links siteaudit_cli, whose option_syntax() reads the same table as --help.
add_executable(write_completions src/write_completions.cpp)
target_include_directories(write_completions PRIVATE src)
target_link_libraries(write_completions PRIVATE siteaudit_cli)
siteaudit_configure_target(write_completions)

set(SITEAUDIT_COMPLETIONS_DIR ${PROJECT_BINARY_DIR}/completions)
set(SITEAUDIT_COMPLETION_FILES
    ${SITEAUDIT_COMPLETIONS_DIR}/bash/siteaudit
    ${SITEAUDIT_COMPLETIONS_DIR}/zsh/_siteaudit
    ${SITEAUDIT_COMPLETIONS_DIR}/fish/siteaudit.fish)
add_custom_command(
  OUTPUT ${SITEAUDIT_COMPLETION_FILES}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SITEAUDIT_COMPLETIONS_DIR}/bash
          ${SITEAUDIT_COMPLETIONS_DIR}/zsh ${SITEAUDIT_COMPLETIONS_DIR}/fish
  COMMAND write_completions bash ${SITEAUDIT_COMPLETIONS_DIR}/bash/siteaudit
  COMMAND write_completions zsh ${SITEAUDIT_COMPLETIONS_DIR}/zsh/_siteaudit
  COMMAND write_completions fish ${SITEAUDIT_COMPLETIONS_DIR}/fish/siteaudit.fish
  DEPENDS write_completions
  COMMENT "Generating the bash, zsh and fish completions from the option table"
  VERBATIM)
add_custom_target(completions ALL DEPENDS ${SITEAUDIT_COMPLETION_FILES})

# --- the man page: the version of the .TH line comes from project(VERSION), and Debian wants
# man pages compressed with gzip -9n (no name, no timestamp, so the package is reproducible) ---
find_program(SITEAUDIT_GZIP gzip REQUIRED)
set(SITEAUDIT_MAN_PAGE ${PROJECT_BINARY_DIR}/man/siteaudit.1.gz)
add_custom_command(
  OUTPUT ${SITEAUDIT_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -D IN=${PROJECT_SOURCE_DIR}/man/siteaudit.1
          -D OUT=${PROJECT_BINARY_DIR}/man/siteaudit.1 -D VERSION=${PROJECT_VERSION}
          -D GZIP=${SITEAUDIT_GZIP} -P ${PROJECT_SOURCE_DIR}/cmake/GzipManPage.cmake
  DEPENDS ${PROJECT_SOURCE_DIR}/man/siteaudit.1 ${PROJECT_SOURCE_DIR}/cmake/GzipManPage.cmake
  COMMENT "Compressing the man page"
  VERBATIM)
add_custom_target(man_page ALL DEPENDS ${SITEAUDIT_MAN_PAGE})

# --- install ---
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(default_zsh_dir ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
else()
  set(default_zsh_dir ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(SITEAUDIT_BASH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    CACHE STRING "Where the bash completion is installed, under the prefix")
set(SITEAUDIT_ZSH_COMPLETION_DIR ${default_zsh_dir}
    CACHE STRING "Where the zsh completion is installed, under the prefix")
set(SITEAUDIT_FISH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
    CACHE STRING "Where the fish completion is installed, under the prefix")
option(SITEAUDIT_DEB_LAYOUT
       "Install the documentation as a Debian package does: copyright, changelog.gz (scripts/package)"
       OFF)

install(TARGETS siteaudit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${SITEAUDIT_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES man/siteaudit-report.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/siteaudit)
install(FILES ${SITEAUDIT_COMPLETIONS_DIR}/bash/siteaudit DESTINATION ${SITEAUDIT_BASH_COMPLETION_DIR})
install(FILES ${SITEAUDIT_COMPLETIONS_DIR}/zsh/_siteaudit DESTINATION ${SITEAUDIT_ZSH_COMPLETION_DIR})
install(FILES ${SITEAUDIT_COMPLETIONS_DIR}/fish/siteaudit.fish DESTINATION ${SITEAUDIT_FISH_COMPLETION_DIR})

set(SITEAUDIT_DEB_MAINTAINER "siteaudit maintainers <maintainers@users.noreply.r-seed-8b2a3dc2.example>"
    CACHE STRING "The Maintainer of the Debian package")
if(SITEAUDIT_DEB_LAYOUT)
  include(SiteauditDebian)
else()
  install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
