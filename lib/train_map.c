/* pario-train's rows straight from the page cache: DATA (and LABELS) mapped
 * read-only, so that a segment's rows are used where they lie instead of being
 * copied by MPI_File_read_at into a buffer first (the copy was a third of the
 * CPU of a 1-rank run over cached float32 rows). Only where the bytes need no
 * change in place: a regular file, in host byte order, the values aligned, the
 * file as long as its descriptor says; otherwise (and with --no-mmap) the rows
 * are read through MPI-IO as before. The MPI file stays open either way.
 *
 * A file truncated under a mapping raises SIGBUS on the next access: the
 * reader arms a sigsetjmp around its accesses (PARIO_TRAIN_MAP_GUARD) and a
 * SIGBUS inside a mapping jumps back to it, which reports the short file as a
 * failed read does. */
#include "config.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include "train_internal.h"

sigjmp_buf pario_train_map_jmp;
volatile sig_atomic_t pario_train_map_armed;

static struct sigaction old_bus;
static int handler_set;
static const unsigned char *ranges[2][2];   /* [data, labels][begin, end) */

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    const unsigned char *a = si ? (const unsigned char *)si->si_addr : NULL;
    for (int i = 0; i < 2; i++)
        if (pario_train_map_armed && a && a >= ranges[i][0] && a < ranges[i][1]) {
            pario_train_map_armed = 0;
            siglongjmp(pario_train_map_jmp, 1 + i);
        }
    /* not ours: the default action */
    (void)uc;
    sigaction(sig, &old_bus, NULL);
    raise(sig);
}

/* path's bytes mapped read-only when it is a regular file of at least need bytes */
static const unsigned char *map_file(const char *path, uint64_t need, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat sb;
    void *p = MAP_FAILED;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 && (uint64_t)sb.st_size >= need
        && (uint64_t)sb.st_size <= SIZE_MAX)
        p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return NULL;
    *len = (size_t)sb.st_size;
    return p;
}

void pario_train_map(struct train *t)
{
    if (t->o->no_mmap)
        return;
    if (!t->swap && t->ds.offset % t->esize == 0)
        t->map = map_file(t->ds.path, t->ds.offset + t->n * t->rowbytes, &t->maplen);
    if (t->map && t->have_labels && !t->lswap && t->lds.offset % t->lesize == 0)
        t->lmap = map_file(t->lds.path, t->lds.offset + t->n * t->lesize, &t->lmaplen);
    if (t->map && t->have_labels && !t->lmap) {
        /* both or neither: one read path */
        munmap((void *)t->map, t->maplen);
        t->map = NULL;
    }
    if (!t->map)
        return;
    ranges[0][0] = t->map;
    ranges[0][1] = t->map + t->maplen;
    ranges[1][0] = t->lmap;
    ranges[1][1] = t->lmap ? t->lmap + t->lmaplen : NULL;
    if (!handler_set) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_bus;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        handler_set = sigaction(SIGBUS, &sa, &old_bus) == 0;
    }
}

#ifdef MADV_POPULATE_READ
/* bytes off..off+len of a mapping's page tables filled (rounded out to pages) */
static void populate(const unsigned char *map, size_t maplen, uint64_t off, uint64_t len)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    if (!map || !len || off >= maplen)
        return;
    len = len < maplen - off ? len : maplen - off;
    uintptr_t a = (uintptr_t)(map + off) & ~(page - 1), e = (uintptr_t)(map + off + len);
    (void)madvise((void *)a, e - a, MADV_POPULATE_READ);   /* a hint: failure only leaves the faults */
}
#endif

void pario_train_map_populate(struct train *t, uint64_t row, uint64_t rows)
{
#ifdef MADV_POPULATE_READ
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    uint64_t mem = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
    if (!t->map || rows * t->rowbytes > mem / 4 / (uint64_t)t->p)
        return;
    populate(t->map, t->maplen, t->ds.offset + row * t->rowbytes, rows * t->rowbytes);
    populate(t->lmap, t->lmaplen, t->lds.offset + row * t->lesize, rows * t->lesize);
#else
    (void)t;
    (void)row;
    (void)rows;
#endif
}

void pario_train_unmap(struct train *t)
{
    pario_train_map_armed = 0;
    if (t->map)
        munmap((void *)t->map, t->maplen);
    if (t->lmap)
        munmap((void *)t->lmap, t->lmaplen);
    t->map = t->lmap = NULL;
    memset(ranges, 0, sizeof ranges);
    if (handler_set)
        sigaction(SIGBUS, &old_bus, NULL);
    handler_set = 0;
}
