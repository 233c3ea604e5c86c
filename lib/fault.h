/* Internal: fault injection (PARIO_FAULT), compiled in always, one branch when off.
 *
 *   PARIO_FAULT=KIND:rank=R:after=K[,KIND:rank=R:after=K...]   (',' or ';' between specs)
 *
 * makes rank R (of MPI_COMM_WORLD; default 0) fail its K+1-th operation of KIND
 * (default after=0: the first) with the errno the real failure would have. Every
 * later operation of that kind succeeds again: one fault per spec. The hook is
 * placed after the real call, so a collective call is still joined by every rank
 * and only its outcome on rank R is replaced, as a real local failure would be. */
#ifndef PARIO_FAULT_H
#define PARIO_FAULT_H

enum pario_fault_kind {
    PARIO_FAULT_OPEN,    /* EACCES (create) / ENOENT (open): MPI-IO opens, part files, results files */
    PARIO_FAULT_READ,    /* EIO: MPI-IO reads, part-file reads */
    PARIO_FAULT_WRITE,   /* ENOSPC: MPI-IO writes, part files, results files */
    PARIO_FAULT_ALLOC,   /* ENOMEM: pario_alloc, pario_alloc_aligned */
    PARIO_FAULT_H5WRITE, /* ENOSPC: H5Dwrite (pi log, HDF5 results) */
    PARIO_FAULT_H5FLUSH, /* ENOSPC: H5Fflush / H5Fclose of the pi log */
    PARIO_FAULT_SYNC,    /* ENOSPC: the pi log's fsync */
    PARIO_FAULT_SHORT,   /* a read of text or task data ends early, as if the file had shrunk (the errno is unused) */
    PARIO_FAULT_NKINDS
};

extern int pario_fault_state; /* 1 until PARIO_FAULT was read, then 0 (off) or 2 (armed) */
int pario_fault_hit(enum pario_fault_kind kind);

/* 0, or the errno this operation must fail with. */
static inline int pario_fault(enum pario_fault_kind kind)
{
    if (__builtin_expect(pario_fault_state != 0, 0))
        return pario_fault_hit(kind);
    return 0;
}

/* fopen(path, mode) of a file being created, with the open fault point: an
 * injected fault removes the file and returns NULL with errno EACCES. */
#include <stdio.h>
FILE *pario_fault_create(const char *path, const char *mode);

#endif
