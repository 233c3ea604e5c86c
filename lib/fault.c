/* Fault injection: PARIO_FAULT (see fault.h). Parsed on first use; afterwards a
 * hook costs one predictable branch unless the variable is set. */
#include "config.h"
#include <errno.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fault.h"

int pario_fault_state = 1;

#define MAX_SPECS 16
static struct { int kind, rank; long after; } specs[MAX_SPECS];
static int nspecs;
static long counts[PARIO_FAULT_NKINDS];

static const char *const names[PARIO_FAULT_NKINDS] = { "open", "read", "write", "alloc", "h5write", "h5flush",
                                                       "sync", "short" };
static const int errnos[PARIO_FAULT_NKINDS] = { ENOENT, EIO, ENOSPC, ENOMEM, ENOSPC, ENOSPC, ENOSPC, EIO };

static int world_rank(void)
{
    int init = 0, fin = 0, rank = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&fin);
    if (init && !fin)
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

/* One spec: KIND[:rank=R][:after=K]. */
static int parse_spec(char *s)
{
    char *save = NULL, *tok = strtok_r(s, ":", &save);
    if (!tok || nspecs == MAX_SPECS)
        return 0;
    int kind = -1;
    for (int k = 0; k < PARIO_FAULT_NKINDS; k++)
        if (strcmp(tok, names[k]) == 0)
            kind = k;
    if (kind < 0)
        return 0;
    int rank = 0;
    long after = 0;
    while ((tok = strtok_r(NULL, ":", &save))) {
        char *end;
        if (strncmp(tok, "rank=", 5) == 0) {
            rank = (int)strtol(tok + 5, &end, 10);
        } else if (strncmp(tok, "after=", 6) == 0) {
            after = strtol(tok + 6, &end, 10);
        } else {
            return 0;
        }
        if (*end || end == tok || rank < 0 || after < 0)
            return 0;
    }
    specs[nspecs].kind = kind;
    specs[nspecs].rank = rank;
    specs[nspecs].after = after;
    nspecs++;
    return 1;
}

static void parse(void)
{
    const char *env = getenv("PARIO_FAULT");
    pario_fault_state = 0;
    if (!env || !*env)
        return;
    char *copy = strdup(env), *save = NULL;
    if (!copy)
        return;
    int me = world_rank();
    for (char *s = strtok_r(copy, ",;", &save); s; s = strtok_r(NULL, ",;", &save)) {
        char spec[256];
        snprintf(spec, sizeof spec, "%s", s);
        if (!parse_spec(spec) && me == 0)
            fprintf(stderr, "pario: PARIO_FAULT: ignoring '%s' (expected KIND:rank=R:after=K, KIND one of "
                            "open read write alloc h5write h5flush sync short)\n", s);
    }
    free(copy);
    /* keep only this rank's specs */
    int n = 0;
    for (int i = 0; i < nspecs; i++)
        if (specs[i].rank == me)
            specs[n++] = specs[i];
    nspecs = n;
    pario_fault_state = nspecs ? 2 : 0;
}

int pario_fault_hit(enum pario_fault_kind kind)
{
    if (pario_fault_state == 1)
        parse();
    if (pario_fault_state == 0)
        return 0;
    /* the read-ahead thread reads while the main thread allocates: count atomically */
    long seen = __atomic_fetch_add(&counts[kind], 1, __ATOMIC_RELAXED);
    for (int i = 0; i < nspecs; i++)
        if (specs[i].kind == (int)kind && specs[i].after == seen)
            return errnos[kind];
    return 0;
}

FILE *pario_fault_create(const char *path, const char *mode)
{
    FILE *f = fopen(path, mode);
    if (f && pario_fault(PARIO_FAULT_OPEN)) {
        fclose(f);
        remove(path);
        f = NULL;
        errno = EACCES;
    }
    return f;
}
