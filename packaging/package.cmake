# The Debian package: `make package` (CPack, from the build tree). What goes
# where:
#   /usr/bin                            moe-workbench, moe-cli
#   /usr/share/moe-workbench/models     the demo model and its card
#   /usr/share/moe-workbench/translations  moe-workbench_de.qm, _zh_CN.qm (app/workbench)
#   /usr/share/applications, metainfo, icons/hicolor/scalable/apps  desktop entry, AppStream, icon
#   /usr/share/man/man1                 moe-cli.1.gz, moe-workbench.1.gz (help2man, where installed)
#   /usr/share/doc/moe-workbench        copyright, changelog.Debian.gz
# The package is CPU-only: NVIDIA's CUDA libraries are not Debian packages
# a plain Debian 12 can install, so a build with the CUDA backend refuses to
# be packaged (packaging/cpack_project.cmake).
# Installing (and so cpack) takes what the build made and builds nothing
# itself: `make package` builds first, and the package_contents test runs
# after the build, while a partly built tree fails loudly on a missing file.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(MOE_APP_ID io.github.moeworkbench.MoEWorkbench)
set(MOE_DOC_DIR share/doc/moe-workbench)

install(FILES ${CMAKE_SOURCE_DIR}/resources/models/shakespeare-moe.gguf
              ${CMAKE_SOURCE_DIR}/resources/models/MODEL_CARD.md
        DESTINATION share/moe-workbench/models)
install(FILES ${CMAKE_SOURCE_DIR}/resources/desktop/${MOE_APP_ID}.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/desktop/${MOE_APP_ID}.metainfo.xml DESTINATION share/metainfo)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/moe-workbench.svg DESTINATION share/icons/hicolor/scalable/apps)
install(FILES ${CMAKE_SOURCE_DIR}/packaging/debian/copyright DESTINATION ${MOE_DOC_DIR})

# Compressed as Debian wants them (gzip -n: no time stamp, the same bytes every build).
set(_pkg ${CMAKE_BINARY_DIR}/packaging)
set(_pkg_files ${_pkg}/changelog.Debian.gz)
add_custom_command(OUTPUT ${_pkg}/changelog.Debian.gz
                   COMMAND ${CMAKE_COMMAND} -E make_directory ${_pkg}
                   COMMAND sh -c "gzip -n -9 -c '${CMAKE_SOURCE_DIR}/packaging/debian/changelog' > '${_pkg}/changelog.Debian.gz'"
                   DEPENDS ${CMAKE_SOURCE_DIR}/packaging/debian/changelog VERBATIM)
install(FILES ${_pkg}/changelog.Debian.gz DESTINATION ${MOE_DOC_DIR})

# Manual pages from the programs' own --help (help2man): they cannot drift from it.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(_man_moe-cli "run, inspect and compare mixture-of-experts models")
  set(_man_moe-workbench "chat with a mixture-of-experts model and watch its experts")
  foreach(program moe-cli moe-workbench)
    if(NOT TARGET ${program})
      continue()
    endif()
    add_custom_command(OUTPUT ${_pkg}/${program}.1.gz
                       COMMAND ${CMAKE_COMMAND} -E make_directory ${_pkg}
                       COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen LANGUAGE=C LC_ALL=C.UTF-8 XDG_CONFIG_HOME=${_pkg}/config
                               ${HELP2MAN} --no-info --name "${_man_${program}}"
                               --output ${_pkg}/${program}.1 $<TARGET_FILE:${program}>
                       COMMAND gzip -n -9 -f ${_pkg}/${program}.1
                       DEPENDS ${program} VERBATIM)
    list(APPEND _pkg_files ${_pkg}/${program}.1.gz)
    install(FILES ${_pkg}/${program}.1.gz DESTINATION share/man/man1)
  endforeach()
else()
  message(STATUS "help2man not found: the package has no manual pages (packaging/install-deps.sh installs it)")
endif()
add_custom_target(package_files ALL DEPENDS ${_pkg_files})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME moe-workbench)
set(CPACK_PACKAGE_VENDOR "The MoE Workbench authors")
set(MOE_PACKAGE_MAINTAINER "The MoE Workbench authors <moe-workbench@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the Debian package (name <address>)")
set(CPACK_PACKAGE_CONTACT "${MOE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat with a mixture-of-experts model and watch its experts")
# the extended description; CPack indents it and turns the empty line into " ."
set(CPACK_PACKAGE_DESCRIPTION
    "MoE Workbench runs mixture-of-experts language models (Mixtral, Qwen3-MoE,
OLMoE, DeepSeek-style and others) from GGUF files on the CPU, and shows token
by token which experts the router chose in every layer: routing heatmaps,
expert load balance, throughput, a history of runs and side-by-side
comparisons. moe-cli does the same from the command line.

A small demo model trained on Shakespeare comes with it. The interface is in
English, German and Simplified Chinese.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# Depends: from the libraries the programs link (dpkg-shlibdeps): Qt 6,
# SQLite, spdlog, fmt, PCRE2, zstd, xxhash, utf8proc. Qt's platform and SVG
# plugins come with libqt6gui6 and libqt6svg6, which those bring.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A CJK font for the Chinese interface, Qt's own translations for its dialogs.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-cjk | fonts-wqy-microhei, qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_SOURCE_DIR}/packaging/cpack_project.cmake)
set(CPACK_MOE_CUDA_ENABLED ${MOE_CUDA_ENABLED})
include(CPack)
