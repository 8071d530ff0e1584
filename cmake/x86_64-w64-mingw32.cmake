# Cross-compiling the addon for win32-x64 on a Debian machine: `apt-get install g++-mingw-w64-x86-64`.
# Used by scripts/prebuild.mjs (plain cmake: cmake-js does not cross-compile), which also writes the
# import library for node.exe (from node-api-headers' def/node_api.def, with
# x86_64-w64-mingw32-dlltool) and passes it as CMAKE_JS_LIB. The -posix compilers: the engine's
# std::mutex needs GCC's posix thread model (the -win32 one has no std::mutex before GCC 13);
# REFRAME_PORTABLE links winpthread statically.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
