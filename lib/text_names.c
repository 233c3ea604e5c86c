/* The names of the files for pario-wc and pario-grep read from a file
 * (--files0-from=F, GNU wc's option): mpiexec cannot pass thousands of
 * arguments (mpiexec.mpich segfaulted near 1,000). Rank 0 reads F whole (F "-":
 * its standard input, the only one mpiexec feeds) into one block of
 * NUL-terminated names, broadcast once; every rank points into its copy. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pario/text.h"

/* GNU wc reads a list that is a regular file of at most 10 MiB whole and sizes
 * its columns from the files' sizes; any other list it reads as it goes, with
 * columns of width 1 (coreutils 9, wc.c). */
#define NAMES_WHOLE_MAX ((uint64_t)10 << 20)
/* a bound on the list, so that one from /dev/zero ends in an error (the
 * tools keep about 160 bytes a file besides) */
#define NAMES_MAX_BYTES ((uint64_t)1 << 28)

/* Rank 0: the whole of fd into *block (NUL-terminated: one byte more). */
static pario_status slurp(int fd, const char *list, char **block, uint64_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b)
        return pario_error(PARIO_ERR_RUNTIME, "%s: out of memory for the list of file names", list);
    for (;;) {
        if (n + 1 >= cap) {
            /* room for NAMES_MAX_BYTES - 1 bytes and the NUL: a list of 256 MiB
             * less a byte was refused before its end was seen */
            if (n >= NAMES_MAX_BYTES) {
                free(b);
                return pario_error(PARIO_ERR_RUNTIME, "%s: the list of file names holds 256 MiB or more", list);
            }
            size_t want = cap * 2 < NAMES_MAX_BYTES + 1 ? cap * 2 : NAMES_MAX_BYTES + 1;
            char *nb = realloc(b, want);
            if (!nb) {
                free(b);
                return pario_error(PARIO_ERR_RUNTIME, "%s: out of memory for the list of file names", list);
            }
            b = nb;
            cap = want;
        }
        ssize_t r = read(fd, b + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(b);
            return pario_error(PARIO_ERR_RUNTIME, "%s: cannot read the list of file names: %s", list, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    b[n] = '\0';
    *block = b;
    *len = n;
    return pario_ok();
}

/* Rank 0: read the list; *whole as GNU wc decides (NAMES_WHOLE_MAX). */
static pario_status read_list(const char *list, char **block, uint64_t *len, int *whole)
{
    int fd = 0;
    if (strcmp(list, "-") != 0) {
        /* any file GNU wc reads: a pipe (bash's <(find -print0)) waits for
         * its writer, as there; /dev/null is an empty list */
        fd = open(list, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open the list of file names: %s", list,
                               strerror(errno));
    }
    struct stat sb;
    *whole = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size <= NAMES_WHOLE_MAX;
    pario_status st = slurp(fd, list, block, len);
    if (fd != 0)
        close(fd);
    return st;
}

pario_status pario_text_names_read(pario_text_names *l, const char *list, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    memset(l, 0, sizeof *l);
    pario_status st = pario_ok();
    uint64_t hdr[3] = { 0, 0, 0 };   /* bytes, names, read whole */
    char *block = NULL;
    if (rank == 0) {
        int whole = 0;
        st = read_list(list, &block, &hdr[0], &whole);
        if (!pario_failed(&st)) {
            /* names end at each NUL; the last one may lack its NUL (as in GNU wc) */
            for (uint64_t i = 0; i < hdr[0]; i++)
                hdr[1] += block[i] == '\0';
            hdr[1] += hdr[0] > 0 && block[hdr[0] - 1] != '\0';
            hdr[2] = (uint64_t)whole;
            if (hdr[1] > INT32_MAX)
                st = pario_error(PARIO_ERR_RUNTIME, "%s: more than %d file names", list, INT32_MAX);
        }
    }
    if (pario_agree(&st, comm)) {
        free(block);
        return st;
    }
    MPI_Bcast(hdr, 3, MPI_UINT64_T, 0, comm);
    /* one block of hdr[0] bytes and a NUL (for a last name without its own) */
    if (rank != 0 && !(block = malloc(hdr[0] + 1)))
        st = pario_local_error("%s: out of memory for the list of file names (%llu bytes)", list,
                               (unsigned long long)hdr[0]);
    char **names = malloc(sizeof *names * (size_t)(hdr[1] ? hdr[1] : 1));
    if (!names && !pario_failed(&st))
        st = pario_local_error("%s: out of memory for the list of %llu file names", list,
                               (unsigned long long)hdr[1]);
    if (pario_agree(&st, comm)) {
        free(block);
        free(names);
        return st;
    }
    for (uint64_t off = 0; off < hdr[0]; off += 1 << 30)
        MPI_Bcast(block + off, (int)(hdr[0] - off < (1 << 30) ? hdr[0] - off : (1 << 30)), MPI_BYTE, 0, comm);
    block[hdr[0]] = '\0';
    uint64_t k = 0;
    for (uint64_t off = 0; off < hdr[0] && k < hdr[1]; off += strlen(block + off) + 1)
        names[k++] = block + off;
    l->n = (int)hdr[1];
    l->names = names;
    l->block = block;
    l->streamed = !hdr[2];
    return pario_ok();
}

void pario_text_names_free(pario_text_names *l)
{
    free(l->names);
    free(l->block);
    memset(l, 0, sizeof *l);
}

pario_status pario_text_names_empty_error(const char *list, int i)
{
    return pario_error(PARIO_ERR_RUNTIME, "%s:%d: invalid zero-length file name", list, i + 1);
}
