// Linked into the Linux prebuilds only (CMake option REFRAME_PORTABLE_LINUX, set by
// scripts/prebuild.mjs), which carry libstdc++ statically so that they need no GLIBCXX newer than the
// oldest supported distribution's. The static libstdc++ of this machine's GCC was built against glibc
// 2.36 and references three symbols that glibc 2.17 lacks; defined here with hidden visibility, they
// resolve inside the addon, so the addon imports none of them (scripts/check-abi.mjs checks that).
//
//   __libc_single_threaded (GLIBC_2.32)  libstdc++ reads it to skip atomics in a single-threaded
//                                        process; 0 means "maybe threaded": atomics always (Node has
//                                        threads anyway).
//   getentropy (GLIBC_2.25)              only std::random_device uses these (its object file comes in
//   arc4random (GLIBC_2.36)              with the string code); the addon has no random_device. Both
//                                        read the getrandom system call, as glibc's do.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sys/syscall.h>
#include <unistd.h>

#define REFRAME_HIDDEN __attribute__((visibility("hidden")))

extern "C" {

REFRAME_HIDDEN char __libc_single_threaded = 0;

REFRAME_HIDDEN int getentropy(void* buffer, size_t length) {
  if (length > 256) {
    errno = EIO;
    return -1;
  }
  auto* at = static_cast<unsigned char*>(buffer);
  while (length > 0) {
    long got = syscall(SYS_getrandom, at, length, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    at += got;
    length -= static_cast<size_t>(got);
  }
  return 0;
}

REFRAME_HIDDEN uint32_t arc4random(void) {
  uint32_t value;
  if (getentropy(&value, sizeof value) != 0) abort();
  return value;
}

}  // extern "C"
