# `facecheck` as a Debian package (scripts/package.sh): the binary on PATH,
# the web clients and models under /usr/share/facecheck, a hardened systemd
# unit, and maintainer scripts that create the service user
# (docs/deployment.md).
include(GNUInstallDirs)

install(TARGETS facecheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY clients/web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/facecheck/web
        PATTERN tests EXCLUDE
        PATTERN package.json EXCLUDE
        PATTERN node_modules EXCLUDE)
# Models are fetched (scripts/fetch-models.sh), never committed; a package
# built without them would install a server that cannot start.
set(FACECHECK_PACKAGE_MODELS "${CMAKE_SOURCE_DIR}/models" CACHE PATH
    "Folder of the fetched models that the .deb carries")
install(DIRECTORY ${FACECHECK_PACKAGE_MODELS}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/facecheck/models
        PATTERN "*.part" EXCLUDE)
install(FILES deploy/systemd/facecheck.service DESTINATION lib/systemd/system)
install(FILES deploy/facecheck.env DESTINATION /etc/facecheck)
install(FILES README.md docs/deployment.md docs/security.md docs/privacy.md docs/api.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES deploy/nginx/facecheck.conf DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME facecheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "facecheck maintainers <facecheck@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Self-hosted face-recognition check-in server")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Library dependencies come from dpkg-shlibdeps (OpenCV, httplib, sodium...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_SOURCE_DIR}/deploy/debian/postinst;${CMAKE_SOURCE_DIR}/deploy/debian/prerm;${CMAKE_SOURCE_DIR}/deploy/debian/postrm;${CMAKE_SOURCE_DIR}/deploy/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# gzip: xz saves ~3 MB of models and costs a minute on two cores.
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)
include(CPack)
