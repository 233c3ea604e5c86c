/* The guard: the files a run reads against the files it creates or replaces,
 * checked on rank 0 before anything is read or written. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pario/dataset.h"
#include "pario/fileutil.h"
#include "pario/guard.h"
#include "pario/parts.h"
#include "lockfile.h"
#include "signals.h"

/* One file: existing files are known by device and inode (so symlinks, hard links
 * and any spelling meet), files yet to be made by their resolved path (the real
 * path of the directory they will be made in, and their name). */
struct guard_file {
    char *path, *what;
    int output, temporary;  /* temporary: the temporary name of the output before it */
    int exists;             /* stat() succeeded (following symlinks) */
    struct stat sb;
    char *resolved;         /* when !exists: realpath(dir)/name, NULL if dir does not resolve */
    int dir_errno;          /* outputs: why the directory cannot be written, 0 if it can */
    int dir_gone;           /* inputs: why the directory does not resolve (ENOENT), 0 if it does */
    char *dir;              /* the directory as spelled */
    int order;              /* registration order: errors name the first overlap */
    int any_kind;           /* an input whose own open refuses what is not a regular file */
    int others;             /* an output another rank writes (its part), on ranks but 0 */
    int own_lock;           /* the lock file of the run's own log */
};

struct pario_guard {
    struct guard_file *f;
    int n, cap, oom;
    char *empty;            /* the role of a file given as "" (the first), or NULL */
    int any_kind;           /* inputs registered now: any_kind */
};

pario_guard *pario_guard_new(void)
{
    return calloc(1, sizeof(pario_guard));
}

void pario_guard_free(pario_guard *g)
{
    if (!g)
        return;
    free(g->empty);
    for (int i = 0; i < g->n; i++) {
        free(g->f[i].path);
        free(g->f[i].what);
        free(g->f[i].resolved);
        free(g->f[i].dir);
    }
    free(g->f);
    free(g);
}

/* The largest PID this host gives (/proc/sys/kernel/pid_max less one; else
 * Linux's limit, 2^22), or this process's if larger. */
static long largest_pid(void)
{
    long max = 4194304, pid = (long)getpid();
    FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
    if (f) {
        long v;
        if (fscanf(f, "%ld", &v) == 1 && v > 1)
            max = v;
        fclose(f);
    }
    return max - 1 > pid ? max - 1 : pid;
}

static void add(pario_guard *g, const char *path, const char *what, int output, int temporary)
{
    if (g && path && !*path && !g->empty)
        g->empty = strdup(what); /* given, but empty: refused by the check */
    if (!g || !path || !*path)
        return;
    if (g->n == g->cap) {
        int cap = g->cap ? 2 * g->cap : 16;
        struct guard_file *f = realloc(g->f, (size_t)cap * sizeof *f);
        if (!f) {
            g->oom = 1;
            return;
        }
        g->f = f;
        g->cap = cap;
    }
    struct guard_file *e = &g->f[g->n];
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    e->what = strdup(what);
    if (!e->path || !e->what) {
        free(e->path);
        free(e->what);
        g->oom = 1;
        return;
    }
    e->output = output;
    e->temporary = temporary;
    e->any_kind = !output && g->any_kind;
    g->n++;
}

void pario_guard_inputs_any_kind(pario_guard *g, int on)
{
    if (g)
        g->any_kind = on;
}

void pario_guard_input(pario_guard *g, const char *path, const char *what)
{
    add(g, path, what, 0, 0);
}

void pario_guard_output(pario_guard *g, const char *path, const char *what)
{
    add(g, path, what, 1, 0);
}

void pario_guard_log_lock(pario_guard *g, const char *path)
{
    char lock[PARIO_PATH_MAX + 8];
    if (!path || !*path)
        return;
    snprintf(lock, sizeof lock, "%s.lock", path);
    int n0 = g ? g->n : 0;
    pario_guard_output(g, lock, "log's lock file");
    if (g && g->n > n0)
        g->f[n0].own_lock = 1; /* its flock is the log's own check (h5table.c) */
}

void pario_guard_log_input(pario_guard *g, const char *path, const char *what)
{
    char lock[PARIO_PATH_MAX + 8];
    if (!path || !*path)
        return;
    pario_guard_input(g, path, what);
    snprintf(lock, sizeof lock, "%s.lock", path);
    pario_guard_input(g, lock, "lock file of an input log");
}

/* 1 when a writer holds PATH.lock (lockfile.h): a pario-pi or
 * pario-train run writing the log PATH (h5table.c). Only looked at. */
static int log_in_use(const char *path)
{
    char lock[PARIO_PATH_MAX + 8];
    snprintf(lock, sizeof lock, "%s.lock", path);
    return pario_lockfile_held(lock);
}

void pario_guard_data_input(pario_guard *g, const char *path, const char *desc)
{
    char dp[PARIO_PATH_MAX + 8], file[PARIO_PATH_MAX];
    struct stat sb;
    /* file.h5:/dset: the file. Without reading any file (every rank registers, and
     * the one open of an HDF5 input is the collective one): every existing regular
     * file that a prefix ending before a ':' names is protected. */
    int found = 0;
    for (const char *c = stat(path, &sb) == 0 ? NULL : strchr(path, ':'); c; c = strchr(c + 1, ':')) {
        size_t n = (size_t)(c - path);
        if (n == 0 || n >= sizeof file)
            continue;
        memcpy(file, path, n);
        file[n] = 0;
        if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode)) {
            pario_guard_input(g, file, "input data");
            found = 1;
        }
    }
    if (found) { /* an HDF5 file: its own header; a descriptor only if given */
        if (desc && *desc)
            pario_guard_input(g, desc, "input descriptor");
        return;
    }
    snprintf(file, sizeof file, "%s", path);
    path = file;
    if (desc && *desc)
        snprintf(dp, sizeof dp, "%s", desc);
    else
        pario_desc_default_path(path, dp, sizeof dp);
    pario_guard_input(g, path, "input data");
    pario_guard_input(g, dp, "input descriptor");
}

void pario_guard_data_output(pario_guard *g, const char *path)
{
    char dp[PARIO_PATH_MAX + 8], file[PARIO_PATH_MAX], dset[8];
    if (pario_output_split(path, file, sizeof file, dset, 0) > 0) { /* .npy, file.h5:/dset: the file, no descriptor */
        pario_guard_output(g, file, "output data");
        return;
    }
    pario_desc_default_path(path, dp, sizeof dp);
    pario_guard_output(g, path, "output data");
    pario_guard_output(g, dp, "output descriptor");
}

static void parts(pario_guard *g, const char *prefix, int nranks, int format, int output)
{
    int me = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    for (int r = 0; r < nranks; r++) {
        char path[PARIO_PATH_MAX], dp[PARIO_PATH_MAX + 8];
        pario_part_path_as(prefix, r, format, path, sizeof path);
        pario_desc_default_path(path, dp, sizeof dp);
        int n0 = g ? g->n : 0;
        add(g, path, output ? "output part file" : "input part file", output, 0);
        if (format != PARIO_SOURCE_HDF5) /* an HDF5 part records its place in attributes */
            add(g, dp, output ? "output part descriptor" : "input part descriptor", output, 0);
        for (int i = n0; g && i < g->n; i++) /* rank 0 arms them all (up to signals.c's cap) */
            g->f[i].others = r != me && me != 0;
    }
}

void pario_guard_parts_input(pario_guard *g, const char *prefix, int nranks)
{
    parts(g, prefix, nranks, PARIO_SOURCE_RAW, 0);
}

void pario_guard_parts_output(pario_guard *g, const char *prefix, int nranks)
{
    parts(g, prefix, nranks, PARIO_SOURCE_RAW, 1);
}

void pario_guard_parts_input_as(pario_guard *g, const char *prefix, int nranks, int format)
{
    parts(g, prefix, nranks, format, 0);
}

void pario_guard_parts_output_as(pario_guard *g, const char *prefix, int nranks, int format)
{
    parts(g, prefix, nranks, format, 1);
}

/* The directory a path names its file in, as spelled ("." for a bare name). */
static char *dir_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* The last directory resolved: outputs and parts come in runs of one directory. */
struct dir_cache {
    char *dir;
    char real[PATH_MAX]; /* "" when the directory does not resolve */
    int err;             /* why a file cannot be made there, 0 if it can */
};

static void resolve(struct guard_file *e, struct dir_cache *c)
{
    e->exists = stat(e->path, &e->sb) == 0;
    const char *base;
    e->dir = dir_of(e->path, &base);
    if (!e->dir)
        return;
    if (!c->dir || strcmp(c->dir, e->dir) != 0) {
        free(c->dir);
        c->dir = strdup(e->dir);
        struct stat db;
        c->err = 0;
        if (!realpath(e->dir, c->real)) {
            c->err = errno;
            c->real[0] = '\0';
        } else if (stat(c->real, &db) != 0) {
            c->err = errno;
        } else if (!S_ISDIR(db.st_mode)) {
            c->err = ENOTDIR;
        } else if (access(c->real, W_OK | X_OK) != 0) {
            c->err = errno;
        }
    }
    if (e->output)
        e->dir_errno = c->err;
    else if (!c->real[0])
        e->dir_gone = c->err;
    if (!e->exists && *base && c->real[0]) {
        size_t len = strlen(c->real) + strlen(base) + 2;
        e->resolved = malloc(len);
        if (e->resolved)
            snprintf(e->resolved, len, "%s/%s", strcmp(c->real, "/") ? c->real : "", base);
    }
}

static int cmp_dir(const void *a, const void *b)
{
    return strcmp((*(struct guard_file *const *)a)->dir, (*(struct guard_file *const *)b)->dir);
}

const char *pario_file_kind(unsigned m)
{
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "a special file";
}

/* The largest PID the kernel hands out (4194304, the most it can be set to,
 * where /proc does not tell). */
static long pid_max(void)
{
    static long max;
    if (!max) {
        long v = 0;
        FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
        if (!f || fscanf(f, "%ld", &v) != 1 || v < 2)
            v = 4194304;
        if (f)
            fclose(f);
        max = v;
    }
    return max;
}

/* If name is "BASE.tmp.PID", the PID (and *base_len), else 0. */
static long tmp_pid(const char *name, size_t *base_len)
{
    const char *t = NULL;
    for (const char *p = strstr(name, ".tmp."); p; p = strstr(p + 1, ".tmp."))
        t = p;
    if (!t || t == name)
        return 0;
    const char *d = t + 5;
    /* only a name pario makes: a PID in canonical decimal (no leading 0) no
     * larger than the kernel's pid_max (out.bin.tmp.0031999 and .99999999 were
     * users' files, removed as stale by a hostile-user pass) */
    if (!*d || *d == '0' || strlen(d) > 10)
        return 0;
    for (const char *p = d; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    long pid = strtol(d, NULL, 10);
    *base_len = (size_t)(t - name);
    return pid > 0 && pid <= pid_max() ? pid : 0;
}

static int is_input(const pario_guard *g, const struct stat *sb)
{
    for (int i = 0; g && i < g->n; i++)
        if (!g->f[i].output && g->f[i].exists && g->f[i].sb.st_dev == sb->st_dev && g->f[i].sb.st_ino == sb->st_ino)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One pass over dir: remove BASE.tmp.PID for each BASE in bases (sorted) whose
 * PID is not alive here, if it is a regular file this run does not read. */
static int clean_dir(const char *dir, const char **bases, int nb, const pario_guard *g)
{
    DIR *d = opendir(dir);
    int removed = 0;
    struct dirent *ent;
    while (d && (ent = readdir(d))) {
        size_t bl = 0;
        long pid = tmp_pid(ent->d_name, &bl);
        if (!pid || pid == (long)getpid())
            continue;
        char base[NAME_MAX + 1];
        snprintf(base, sizeof base, "%.*s", (int)bl, ent->d_name);
        const char *key = base;
        if (!bsearch(&key, bases, (size_t)nb, sizeof *bases, cmp_str))
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to know */
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        char *full = malloc(len);
        if (!full)
            break;
        snprintf(full, len, "%s/%s", dir, ent->d_name);
        struct stat sb;
        if (lstat(full, &sb) == 0 && S_ISREG(sb.st_mode) && !is_input(g, &sb) && unlink(full) == 0)
            removed++;
        free(full);
    }
    if (d)
        closedir(d);
    return removed;
}

int pario_tmp_clean(const char *path)
{
    const char *base;
    char *dir = dir_of(path, &base);
    const char *b = base;
    int removed = dir && *base ? clean_dir(dir, &b, 1, NULL) : 0;
    free(dir);
    return removed;
}

/* Every output's directory read once, however many outputs it holds. */
static void clean_outputs(const pario_guard *g)
{
    const struct guard_file **o = malloc((size_t)g->n * sizeof *o);
    const char **bases = malloc((size_t)g->n * sizeof *bases);
    int n = 0;
    for (int i = 0; o && bases && i < g->n; i++)
        if (g->f[i].output && !g->f[i].temporary && g->f[i].dir)
            o[n++] = &g->f[i];
    qsort(o, (size_t)n, sizeof *o, cmp_dir);
    for (int s = 0, e; s < n; s = e) {
        int nb = 0;
        for (e = s; e < n && strcmp(o[e]->dir, o[s]->dir) == 0; e++) {
            const char *slash = strrchr(o[e]->path, '/');
            bases[nb++] = slash ? slash + 1 : o[e]->path;
        }
        qsort(bases, (size_t)nb, sizeof *bases, cmp_str);
        clean_dir(o[s]->dir, bases, nb, g);
    }
    free(o);
    free(bases);
}

/* Overlaps by sorting on the file's identity: equal neighbours are one file. */
static int id_cmp(const struct guard_file *a, const struct guard_file *b)
{
    if (a->exists != b->exists)
        return a->exists ? -1 : 1;
    if (a->exists) {
        if (a->sb.st_dev != b->sb.st_dev)
            return a->sb.st_dev < b->sb.st_dev ? -1 : 1;
        if (a->sb.st_ino != b->sb.st_ino)
            return a->sb.st_ino < b->sb.st_ino ? -1 : 1;
    } else {
        return strcmp(a->resolved, b->resolved);
    }
    return 0;
}

static int cmp_id(const void *pa, const void *pb)
{
    const struct guard_file *a = *(struct guard_file *const *)pa, *b = *(struct guard_file *const *)pb;
    int c = id_cmp(a, b);
    return c ? c : a->order - b->order;
}

static pario_status overlaps(pario_guard *g)
{
    struct guard_file **s = malloc((size_t)g->n * sizeof *s);
    if (!s)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
    int n = 0;
    for (int i = 0; i < g->n; i++)
        if (g->f[i].exists || g->f[i].resolved)
            s[n++] = &g->f[i];
    qsort(s, (size_t)n, sizeof *s, cmp_id);
    /* in each group of one file: its first output against its first input, else
     * its second output against its first; report the first such output named */
    const struct guard_file *bo = NULL, *bx = NULL;
    for (int a = 0, e; a < n; a = e) {
        const struct guard_file *o = NULL, *in = NULL, *o2 = NULL;
        for (e = a; e < n && id_cmp(s[a], s[e]) == 0; e++) {
            if (!s[e]->output)
                in = in ? in : s[e];
            else if (!o)
                o = s[e];
            else
                o2 = o2 ? o2 : s[e];
        }
        /* an output over an input; else the later of two outputs over the earlier */
        const struct guard_file *subj = in ? o : o2, *x = in ? in : o;
        if (subj && x && (!bo || subj->order < bo->order))
            bo = subj, bx = x;
    }
    free(s);
    if (bo)
        return pario_error(PARIO_ERR_USAGE, "%s: the %s is the %s %s", bo->path, bo->what, bx->what, bx->path);
    return pario_ok();
}

static pario_status check(pario_guard *g)
{
    if (!g || g->oom)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
    if (g->empty)
        return pario_error(PARIO_ERR_USAGE, "the %s is named by an empty string: a file name is needed", g->empty);
    /* each output's temporary name is an output too (this process's PID: rank 0's,
     * the one pario_tmp_path gives every rank) */
    int n = g->n;
    for (int i = 0; i < n; i++) {
        if (!g->f[i].output)
            continue;
        char tmp[PARIO_PATH_MAX + 32], what[160];
        pario_tmp_name(g->f[i].path, (long)getpid(), tmp, sizeof tmp);
        snprintf(what, sizeof what, "temporary name of the %s", g->f[i].what);
        add(g, tmp, what, 1, 1);
    }
    if (g->oom)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
    struct dir_cache cache = { NULL, "", 0 };
    for (int i = 0; i < g->n; i++) {
        g->f[i].order = i;
        resolve(&g->f[i], &cache);
    }
    free(cache.dir);
    /* usage errors first: nothing has been looked at but names */
    pario_status st = overlaps(g);
    if (pario_failed(&st))
        return st;
    /* an input in a directory that is not there: named before the outputs
     * beside it (--resume --log nodir/x.h5 named nodir/x.h5.lock) */
    for (int i = 0; i < g->n; i++)
        if (!g->f[i].output && !g->f[i].exists && g->f[i].dir_gone)
            return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open: %s (directory %s)", g->f[i].path,
                               strerror(g->f[i].dir_gone), g->f[i].dir ? g->f[i].dir : "?");
    for (int i = 0; i < g->n; i++) {
        const struct guard_file *e = &g->f[i];
        if (e->temporary)
            continue;
        if (e->exists && !S_ISREG(e->sb.st_mode) && !e->any_kind)
            return pario_error(PARIO_ERR_RUNTIME, "%s: the %s is %s, not a regular file", e->path, e->what,
                               pario_file_kind(e->sb.st_mode));
        if (e->output && e->dir_errno)
            return pario_error(PARIO_ERR_RUNTIME, "%s: cannot write there (directory %s: %s)", e->path,
                               e->dir ? e->dir : "?", strerror(e->dir_errno));
        if (e->output) {
            /* FILE.tmp.PID must fit where FILE goes (MPI-IO said only "bad file
             * name"), for any rank's PID: with as many digits as the largest PID
             * (so that a name that fits once always does) */
            const char *slash = strrchr(e->path, '/');
            const char *base = slash ? slash + 1 : e->path;
            char tmp[64];
            int extra = snprintf(tmp, sizeof tmp, ".tmp.%ld", largest_pid());
            long max = pathconf(e->dir ? e->dir : ".", _PC_NAME_MAX);
            if (max <= 0)
                max = NAME_MAX;
            if ((long)(strlen(base) + (size_t)extra) > max)
                return pario_error(PARIO_ERR_RUNTIME,
                                   "%s: the name is too long: with its temporary suffix (.tmp.PID, up to %d bytes) "
                                   "it is %zu bytes, more than the %ld its directory takes",
                                   e->path, extra, strlen(base) + (size_t)extra, max);
        }
        if (e->output && e->exists && log_in_use(e->path))
            return pario_error(PARIO_ERR_RUNTIME, "%s: another run is writing this log (%s.lock is locked)", e->path,
                               e->path);
        size_t len = strlen(e->path);
        /* the run's own log: told before it is read (a --resume read a log
         * being written, and failed on what it read, before it met the lock) */
        if (e->own_lock && e->exists && pario_lockfile_held(e->path))
            return pario_error(PARIO_ERR_RUNTIME, "%.*s: another run is writing this log (%s is locked)",
                               (int)(len - 5), e->path, e->path);
        if (e->output && e->exists && !e->own_lock && len > 5 && strcmp(e->path + len - 5, ".lock") == 0 && pario_lockfile_held(e->path))
            return pario_error(PARIO_ERR_RUNTIME, "%s: the lock file of a log another run is writing", e->path);
    }
    clean_outputs(g);
    return pario_ok();
}

pario_status pario_guard_check(pario_guard *g, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = rank == 0 ? check(g) : pario_ok();
    /* a signal that ends the run from now on first removes the temporary files
     * of its outputs (under rank 0's PID or this process's). Armed on every
     * rank before the agreement, the last collective before any output is made:
     * armed after it, a rank 0 held off its core there could take a SIGTERM
     * unarmed while rank 1 had made its part (a run that fails the guard makes
     * no file of these names) */
    long me = (long)getpid(), pid0 = me;
    MPI_Bcast(&pid0, 1, MPI_LONG, 0, comm);
    for (int i = 0; g && i < g->n; i++)
        if (g->f[i].output && !g->f[i].temporary && !g->f[i].others) {
            pario_tmp_remove_on_signal(g->f[i].path, pid0);
            if (me != pid0)
                pario_tmp_remove_on_signal(g->f[i].path, me);
        }
    pario_agree(&st, comm);
    return st;
}

pario_status pario_fopen_regular(const char *path, const char *what, int code, FILE **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat sb;
    if (fd < 0) {
        int e = errno;
        /* a socket cannot be opened (ENXIO, "No such device or address"):
         * named by its kind, as a data input of that kind is */
        if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
            return pario_error(code, "%s: cannot open %s: it is %s, not a regular file", path, what,
                               pario_file_kind(sb.st_mode));
        return pario_error(code, "%s: cannot open %s: %s", path, what, strerror(e));
    }
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return pario_error(code, "%s: cannot open %s: %s", path, what, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return pario_error(code, "%s: cannot open %s: it is %s, not a regular file", path, what, pario_file_kind(sb.st_mode));
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    *out = fdopen(fd, "rb");
    if (!*out) {
        int e = errno;
        close(fd);
        return pario_error(code, "%s: cannot open %s: %s", path, what, strerror(e));
    }
    return pario_ok();
}
