/* pario-train's rows straight from the page cache: DATA (and LABELS) mapped
 * read-only, so that a segment's rows are used where they lie instead of being
 * copied by MPI_File_read_at into a buffer first (the copy was a third of the
 * CPU of a 1-rank run over cached float32 rows). Only where the bytes need no
 * change in place: a regular file, in host byte order, the values aligned, the
 * file as long as its descriptor says; otherwise (and with --no-mmap) the rows
 * are read through MPI-IO as before. The MPI file stays open either way.
 *
 * The files are mapped whole through io_map.c, whose SIGBUS handler lays zero
 * pages over what a file truncated under its mapping lost; the reader checks
 * the maps after each use of their rows (pario_train_map_check), and a file
 * that shrank is a failed read, as with every other mapped read. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "io_map.h"
#include "train_internal.h"

/* path's bytes [0, need) mapped read-only, or NULL (a file that is not regular,
 * or shorter than need: MPI-IO reads it and reports what it finds) */
static const unsigned char *map_file(const char *path, uint64_t need, struct pario_map **m, size_t *len)
{
    *m = NULL;
    if (!need || need > SIZE_MAX)
        return NULL;
    pario_status st = pario_map_open(m, path, 0, need, (size_t)need, 0);
    const unsigned char *p = *m && !pario_failed(&st) ? pario_map_all(*m, &st) : NULL;
    if (!p) {
        pario_map_close(*m);
        *m = NULL;
        return NULL;
    }
    *len = (size_t)need;
    return p;
}

void pario_train_map(struct train *t)
{
    if (t->o->no_mmap)
        return;
    if (!t->swap && t->ds.offset % t->esize == 0)
        t->map = map_file(t->ds.path, t->ds.offset + t->n * t->rowbytes, &t->dmap, &t->maplen);
    if (t->map && t->have_labels && !t->lswap && t->lds.offset % t->lesize == 0)
        t->lmap = map_file(t->lds.path, t->lds.offset + t->n * t->lesize, &t->lbmap, &t->lmaplen);
    if (t->map && t->have_labels && !t->lmap)
        pario_train_unmap(t); /* both or neither: one read path */
}

pario_status pario_train_map_check(const struct train *t)
{
    pario_status st = pario_map_check(t->dmap);
    return pario_failed(&st) ? st : pario_map_check(t->lbmap);
}

pario_status pario_train_inputs_check(const struct train *t)
{
    pario_status st = pario_train_map_check(t);
    if (!pario_failed(&st))
        st = pario_stamp_check(&t->dstamp, t->ds.path);
    if (!pario_failed(&st) && t->have_labels)
        st = pario_stamp_check(&t->lstamp, t->lds.path);
    return st;
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
#ifdef MADV_HUGEPAGE
    /* rows not in the page cache yet come in as 2 MiB folios where memory
     * allows (the fault's readahead takes the PMD order for such a mapping),
     * and each is then mapped by one TLB entry, not 512: the kernel's random
     * segments miss the TLB on nearly every 4 KiB page otherwise, and on a VM
     * each miss is a two-level page walk (doc/train.md, the fourteenth
     * round). Pages already cached keep their folios. A hint: without THP,
     * nothing changes. */
    (void)madvise((void *)t->map, t->maplen, MADV_HUGEPAGE);
#endif
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
    pario_map_close(t->dmap);
    pario_map_close(t->lbmap);
    t->dmap = t->lbmap = NULL;
    t->map = t->lmap = NULL;
}
