/* A run's list of inputs: paths, glob patterns expanded by pario (sorted by
 * byte value, so the order is the same in every locale), and list files of one
 * path a line (--inputs). Built on rank 0, then shared. */
#include "config.h"
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pario/dataset.h"
#include "pario/fileutil.h"
#include "pario/guard.h"
#include "pario/tasks.h"
#include "h5err.h"

static pario_status push(pario_inputs *in, const char *path)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 64;
        char **p = realloc(in->paths, cap * sizeof *p);
        if (!p)
            return pario_sys_error(ENOMEM, "the list of inputs", NULL);
        in->paths = p;
        in->cap = cap;
    }
    if (!(in->paths[in->n] = strdup(path)))
        return pario_sys_error(ENOMEM, "the list of inputs", NULL);
    in->n++;
    return pario_ok();
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

pario_status pario_inputs_add(pario_inputs *in, const char *pattern)
{
    struct stat sb;
    if (!strpbrk(pattern, "*?[") || stat(pattern, &sb) == 0)
        return push(in, pattern); /* a path (a missing one fails when it is opened, naming it) */
    glob_t g;
    int rc = glob(pattern, GLOB_NOSORT, NULL, &g);
    if (rc == GLOB_NOMATCH)
        return pario_error(PARIO_ERR_RUNTIME, "%s: no file matches this pattern", pattern);
    if (rc != 0)
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot expand the pattern (%s)", pattern,
                           rc == GLOB_NOSPACE ? "out of memory" : "read error");
    qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_str);
    pario_status st = pario_ok();
    size_t pushed = 0;
    for (size_t i = 0; i < g.gl_pathc && !pario_failed(&st); i++) {
        /* descriptors beside the data: a pattern ending in a star matches them too */
        size_t len = strlen(g.gl_pathv[i]);
        if (len > 5 && strcmp(g.gl_pathv[i] + len - 5, ".yaml") == 0)
            continue;
        st = push(in, g.gl_pathv[i]);
        pushed++;
    }
    /* descriptors only: no input (the run said "inputs": 0, exit 0) */
    if (!pario_failed(&st) && !pushed)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: no file but descriptors (.yaml) matches this pattern", pattern);
    globfree(&g);
    return st;
}

/* A line of spaces and tabs only (or none) names no input. */
static int blank(const char *line)
{
    return line[strspn(line, " \t")] == '\0';
}

pario_status pario_inputs_add_list(pario_inputs *in, const char *list)
{
    /* a named list opened without waiting and refused unless it is a regular
     * file (a FIFO without a writer blocked the open for ever, /dev/zero was
     * read without end); "-" is standard input, a pipe as a rule */
    FILE *f = stdin;
    pario_status st = strcmp(list, "-") == 0 ? pario_ok()
                                             : pario_fopen_regular(list, "the list of inputs", PARIO_ERR_RUNTIME, &f);
    if (pario_failed(&st))
        return st;
    /* a line at a time, at most a path's length: a line without end (standard
     * input from /dev/zero) is not read into memory whole */
    char line[PARIO_PATH_MAX + 1];
    unsigned long lineno = 0, named = 0;
    /* at most PARIO_INPUTS_MAX names (16,777,216): a list without end of
     * names (yes data.bin | pario-run --inputs - ...) grew rank 0's memory
     * until the system killed it */
    uint64_t max = 16777216;
    const char *env = getenv("PARIO_INPUTS_MAX");
    if (env) {
        pario_status es = pario_parse_size(env, &max);
        if (pario_failed(&es) || max < 1) {
            if (f != stdin)
                fclose(f);
            return pario_error(PARIO_ERR_USAGE, "PARIO_INPUTS_MAX='%s': expected a count of inputs, at least 1", env);
        }
    }
    int c = 0;
    while (!pario_failed(&st) && c != EOF) {
        size_t len = 0;
        int nul = 0;
        while ((c = getc(f)) != EOF && c != '\n') {
            /* a NUL ends the reading at once: no path holds one, and a binary
             * file or /dev/zero on stdin (NULs without a newline, for ever)
             * said "path too long" after 4 KiB, or nothing under mpiexec */
            if (c == 0) {
                nul = 1;
                break;
            }
            if (len < PARIO_PATH_MAX)
                line[len] = (char)c;
            if (++len > PARIO_PATH_MAX)
                break;
        }
        if (c == EOF && len == 0)
            break;
        lineno++;
        if (nul) {
            st = pario_error(PARIO_ERR_USAGE, "%s:%lu: a NUL byte in the line (one path a line)", list, lineno);
            break;
        }
        if (len > PARIO_PATH_MAX) {
            st = pario_error(PARIO_ERR_USAGE, "%s:%lu: path too long", list, lineno);
            break;
        }
        while (len > 0 && line[len - 1] == '\r')
            len--;
        line[len] = '\0';
        if (blank(line) || line[0] == '#')
            continue; /* blank lines (spaces and tabs only) and comments */
        /* a name keeps its spaces (a file may begin with one), so a comment's
         * '#' is the first character of its line: an indented "  # note" that
         * names no file is refused here, at its line (it was an input that
         * failed to open, "  # note: No such file", a failed input under
         * --keep-going) */
        struct stat sb;
        if (line[strspn(line, " \t")] == '#' && stat(line, &sb) != 0) {
            st = pario_error(PARIO_ERR_USAGE, "%s:%lu: '%.64s%s' names no file, and it is not a comment: a comment's "
                             "'#' must be the first character of its line (names keep their spaces)", list, lineno,
                             line, len > 64 ? "..." : "");
            break;
        }
        if (named >= max) {
            st = pario_error(PARIO_ERR_USAGE, "%s:%lu: more than %llu inputs (a list without end? PARIO_INPUTS_MAX "
                             "raises the bound)", list, lineno, (unsigned long long)max);
            break;
        }
        named++;
        if (len >= PARIO_PATH_MAX)
            st = pario_error(PARIO_ERR_USAGE, "%s:%lu: path too long", list, lineno);
        else
            st = push(in, line);
    }
    /* EOF is the end or a read error: a directory (EISDIR) or a failing disk
     * must not pass for the end of a shorter list */
    if (!pario_failed(&st) && ferror(f))
        st = pario_sys_error(errno, "cannot read the list of inputs", list);
    if (f != stdin)
        fclose(f);
    if (!pario_failed(&st) && named == 0) /* nothing but blank lines and comments counts as empty */
        st = pario_error(PARIO_ERR_USAGE, "%s: the list of inputs is empty", list);
    return st;
}

/* An entry's identity: its file by device and inode (when it exists), and its
 * dataset path inside it ("" for a whole file). */
struct ident {
    dev_t dev;
    ino_t ino;
    char *dset;
    size_t i; /* the entry */
};

static int cmp_ident(const void *pa, const void *pb)
{
    const struct ident *a = pa, *b = pb;
    if (a->dev != b->dev)
        return a->dev < b->dev ? -1 : 1;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    int c = strcmp(a->dset, b->dset);
    return c ? c : (a->i < b->i ? -1 : a->i > b->i);
}

/* A name and its place in the list, sorted by name then place. */
struct named {
    const char *name;
    size_t i;
};

static int cmp_named(const void *pa, const void *pb)
{
    const struct named *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

int pario_names_repeated(const char *const *names, size_t n, size_t *later, size_t *first)
{
    struct named *v = malloc(sizeof *v * (n ? n : 1));
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] = (struct named){ names[i], i };
    qsort(v, n, sizeof *v, cmp_named);
    int found = 0;
    for (size_t k = 1; k < n; k++)
        if (strcmp(v[k].name, v[k - 1].name) == 0 && (!found || v[k].i < *later)) {
            *later = v[k].i;
            *first = v[k - 1].i;
            found = 1;
        }
    free(v);
    return found;
}

pario_status pario_inputs_check_unique(const pario_inputs *in)
{
    pario_status st = pario_ok();
    struct ident *id = calloc(in->n ? in->n : 1, sizeof *id);
    size_t later, first;
    int rep = id ? pario_names_repeated((const char *const *)in->paths, in->n, &later, &first) : -1;
    if (rep < 0) {
        free(id);
        return pario_sys_error(ENOMEM, "the list of inputs", NULL);
    }
    if (rep)
        st = pario_error(PARIO_ERR_USAGE, "%s: listed twice among the inputs (each input once)", in->paths[later]);
    /* the same file under two spellings */
    size_t m = 0;
    for (size_t i = 0; i < in->n && !pario_failed(&st); i++) {
        char file[PARIO_PATH_MAX], dset[PARIO_PATH_MAX];
        struct stat sb;
        dset[0] = 0;
        if (!pario_dataset_split(in->paths[i], file, sizeof file, dset, sizeof dset))
            snprintf(file, sizeof file, "%s", in->paths[i]);
        if (stat(file, &sb) != 0)
            continue; /* its open says what is wrong */
        char *d = strdup(dset);
        if (!d)
            st = pario_sys_error(ENOMEM, "the list of inputs", NULL);
        else
            id[m++] = (struct ident){ sb.st_dev, sb.st_ino, d, i };
    }
    qsort(id, m, sizeof *id, cmp_ident);
    for (size_t k = 1; k < m && !pario_failed(&st); k++)
        if (id[k].dev == id[k - 1].dev && id[k].ino == id[k - 1].ino && !strcmp(id[k].dset, id[k - 1].dset))
            st = pario_error(PARIO_ERR_USAGE, "%s: the same input as %s, listed twice (each input once)",
                             in->paths[id[k].i], in->paths[id[k - 1].i]);
    /* one HDF5 file's datasets under several names: the same object by another
     * spelling ("//x", "/./x") or a soft or hard link is listed twice too (its
     * results were counted twice in the totals: a hostile-user pass, session 23).
     * The file is opened only for such a group. */
    for (size_t a = 0, b; a < m && !pario_failed(&st); a = b) {
        for (b = a + 1; b < m && id[b].dev == id[a].dev && id[b].ino == id[a].ino; b++)
            ;
        if (b - a < 2 || !id[a].dset[0])
            continue;
        const char **names = malloc((b - a) * sizeof *names);
        uint64_t *oid = malloc((b - a) * sizeof *oid);
        char file[PARIO_PATH_MAX], dset[PARIO_PATH_MAX];
        if (names && oid && pario_dataset_split(in->paths[id[a].i], file, sizeof file, dset, sizeof dset)) {
            for (size_t k = a; k < b; k++)
                names[k - a] = id[k].dset;
            if (pario_h5_object_ids(file, names, b - a, oid))
                for (size_t k = a + 1; k < b && !pario_failed(&st); k++)
                    for (size_t j = a; j < k && !pario_failed(&st); j++)
                        if (oid[k - a] == oid[j - a])
                            st = pario_error(PARIO_ERR_USAGE, "%s: the same dataset as %s, listed twice (each "
                                             "input once)", in->paths[id[k].i], in->paths[id[j].i]);
        }
        free(names);
        free(oid);
    }
    for (size_t k = 0; k < m; k++)
        free(id[k].dset);
    free(id);
    return st;
}

pario_status pario_inputs_share(pario_inputs *in, pario_status st, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    if (pario_agree(&st, comm))
        return st;
    /* lengths, then the paths as one block of NUL-terminated strings */
    uint64_t n = in->n, bytes = 0;
    if (rank == 0)
        for (size_t i = 0; i < in->n; i++)
            bytes += strlen(in->paths[i]) + 1;
    uint64_t hdr[2] = { n, bytes };
    MPI_Bcast(hdr, 2, MPI_UINT64_T, 0, comm);
    char *block = malloc(hdr[1] ? hdr[1] : 1);
    if (!block)
        st = pario_sys_error(ENOMEM, "the list of inputs", NULL);
    if (pario_agree(&st, comm)) {
        free(block);
        return st;
    }
    if (rank == 0)
        for (size_t i = 0, off = 0; i < in->n; i++) {
            size_t l = strlen(in->paths[i]) + 1;
            memcpy(block + off, in->paths[i], l);
            off += l;
        }
    for (uint64_t off = 0; off < hdr[1]; off += 1 << 30)
        MPI_Bcast(block + off, (int)(hdr[1] - off < (1 << 30) ? hdr[1] - off : (1 << 30)), MPI_BYTE, 0, comm);
    if (rank != 0) {
        for (size_t off = 0; off < hdr[1] && !pario_failed(&st);) {
            st = push(in, block + off);
            off += strlen(block + off) + 1;
        }
    }
    free(block);
    pario_agree(&st, comm);
    return st;
}

void pario_inputs_free(pario_inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->paths[i]);
    free(in->paths);
    memset(in, 0, sizeof *in);
}
