/* bench/folio_share.c: how much of a cached FILE's page cache sits in 2 MiB
 * folios, as a memory map sees it: FILE mapped read-only at a 2 MiB-aligned
 * address, its page tables filled (MADV_POPULATE_READ, as pario-train does),
 * and the share of its bytes the kernel mapped by whole PMDs (smaps'
 * FilePmdMapped). Each such 2 MiB is one TLB entry where 4 KiB pages take 512
 * (doc/train.md, the fourteenth round). Reads nothing that is not cached
 * already only if FILE is cached: run it after caching FILE.
 *   folio_share FILE   -> the percentage, e.g. 97.3 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#define PMD ((size_t)2 << 20)

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: folio_share FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= 0) {
        perror(argv[1]);
        return 1;
    }
    size_t len = (size_t)st.st_size;
    /* an aligned address: reserve len + 2 MiB, map the file at its first boundary */
    char *r = mmap(NULL, len + PMD, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    char *a = (char *)(((uintptr_t)r + PMD - 1) & ~(uintptr_t)(PMD - 1));
    char *p = mmap(a, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
    if (p == MAP_FAILED || madvise(p, len, MADV_POPULATE_READ) != 0) {
        perror(argv[1]);
        return 1;
    }
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0;
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx ", &s, &e) == 2)
            in = s == (unsigned long)(uintptr_t)p;
        else if (in && sscanf(line, "FilePmdMapped: %ld kB", &kb) == 1)
            break;
    }
    if (kb < 0) {
        fprintf(stderr, "folio_share: no FilePmdMapped in /proc/self/smaps\n");
        return 1;
    }
    printf("%.1f\n", 100.0 * (double)kb * 1024.0 / (double)len);
    return 0;
}
