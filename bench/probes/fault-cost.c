// `gcc -O2 -o /tmp/fault-cost bench/probes/fault-cost.c && /tmp/fault-cost 0 && /tmp/fault-cost 1` (docs/performance.md › Fresh memory on this machine).
// Cost of touching fresh anonymous memory: right after another mapping was freed, and after the
// guest has had time to report the freed pages to the host (virtio-balloon free page reporting).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static double touch(size_t bytes, int huge) {
  char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (huge) madvise(p, bytes, MADV_HUGEPAGE); else madvise(p, bytes, MADV_NOHUGEPAGE);
  double t0 = now();
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  double ms = now() - t0;
  munmap(p, bytes);
  return ms;
}
int main(int argc, char **argv) {
  size_t bytes = (size_t)256 << 20;
  int huge = argc > 1 && atoi(argv[1]);
  for (int round = 0; round < 3; round++) {
    double hot = touch(bytes, huge);          // memory just freed by the previous round (or fresh)
    double again = touch(bytes, huge);        // immediately again: the kernel's free pages, not yet reported
    sleep(4);                                 // the guest reports free pages after ~2 s
    double cold = touch(bytes, huge);
    printf("%s pages, 256 MiB: first %.1f ms, right after a free %.1f ms, after 4 s idle %.1f ms\n", huge ? "2 MiB" : "4 KiB", hot, again, cold);
  }
}
