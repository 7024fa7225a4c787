# Installation and packaging: `cmake --install BUILD [--prefix DIR]` puts in place
#   include/ppl/ppl.h, ppl.hpp        the embedding API (C ABI and header-only C++ over it)
#   lib/libppl.a                      ppl::ppl: the C API with the VM bundled in (embed/)
#   include/ppl/internal/...          headers of the compiler library and what it builds on
#   lib/libppl_compiler.a ...         ppl::compiler (+ ppl::grammar, ppl::bytecode, ppl::stdlib,
#                                     ppl::runtime): the front end, for tools that compile PPL
#   bin/pplc
#   lib/cmake/ppl/                    find_package(ppl CONFIG): ppl::ppl, and ppl::compiler when
#                                     the ANTLR 4 runtime is found (COMPONENTS compiler requires it)
#   lib/pkgconfig/ppl.pc              pkg-config for libppl.a
#
# ppl::ppl needs fmt and simdjson (ppl-config.cmake finds them); ppl::compiler also needs
# antlr4-runtime. The C++ headers of the compiler library are internal: no stability promise.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PPL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ppl)
set(PPL_INTERNAL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/ppl/internal)

# The libraries include headers by their source-tree paths ("runtime/value.h"): the same paths
# under include/ppl/internal once installed. ppl_strict() made the source tree a plain PUBLIC
# include directory, which cannot be exported; say where it is in each tree.
foreach(lib ppl_runtime ppl_stdlib ppl_bytecode ppl_compiler)
  set_property(TARGET ${lib} PROPERTY INTERFACE_INCLUDE_DIRECTORIES
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:${PPL_INTERNAL_INCLUDEDIR}>)
endforeach()
# The generated parser's headers are private to the compiler library.
get_target_property(_ppl_grammar_includes ppl_grammar INTERFACE_INCLUDE_DIRECTORIES)
set_property(TARGET ppl_grammar PROPERTY INTERFACE_INCLUDE_DIRECTORIES "$<BUILD_INTERFACE:${_ppl_grammar_includes}>")
set_property(TARGET ppl_grammar PROPERTY INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "$<BUILD_INTERFACE:${_ppl_grammar_includes}>")

set_target_properties(ppl_compiler PROPERTIES EXPORT_NAME compiler)
set_target_properties(ppl_grammar PROPERTIES EXPORT_NAME grammar)
set_target_properties(ppl_bytecode PROPERTIES EXPORT_NAME bytecode)
set_target_properties(ppl_stdlib PROPERTIES EXPORT_NAME stdlib)
set_target_properties(ppl_runtime PROPERTIES EXPORT_NAME runtime)

# The embedding library and its API.
install(TARGETS ppl_embed EXPORT ppl-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT embed)
install(FILES ${PROJECT_SOURCE_DIR}/include/ppl/ppl.h ${PROJECT_SOURCE_DIR}/include/ppl/ppl.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ppl COMPONENT embed)
install(EXPORT ppl-targets NAMESPACE ppl:: DESTINATION ${PPL_CMAKE_DIR} COMPONENT embed)

# The compiler library, with what it links, and its headers.
install(TARGETS ppl_compiler ppl_grammar ppl_bytecode ppl_stdlib ppl_runtime EXPORT ppl-compiler-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT compiler)
foreach(dir runtime stdlib bytecode compiler)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${PPL_INTERNAL_INCLUDEDIR}/${dir}
    COMPONENT compiler FILES_MATCHING PATTERN "*.h" PATTERN "*.def")
endforeach()
install(EXPORT ppl-compiler-targets NAMESPACE ppl:: DESTINATION ${PPL_CMAKE_DIR} COMPONENT compiler)

install(TARGETS pplc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT pplc)

# find_package(ppl CONFIG)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ppl-config.cmake.in
  ${PROJECT_BINARY_DIR}/ppl-config.cmake INSTALL_DESTINATION ${PPL_CMAKE_DIR})
# 0.x: a minor version may break the API; 1.0 will promise SameMajorVersion.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ppl-config-version.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ppl-config.cmake ${PROJECT_BINARY_DIR}/ppl-config-version.cmake
  DESTINATION ${PPL_CMAKE_DIR} COMPONENT embed)

# pkg-config: relocatable (the prefix is found from the .pc file's own directory), because
# `cmake --install --prefix` may choose another prefix than the one configured.
file(RELATIVE_PATH PPL_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" PPL_PC_TO_PREFIX "${PPL_PC_TO_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/ppl.pc.in ${PROJECT_BINARY_DIR}/ppl.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ppl.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT embed)
