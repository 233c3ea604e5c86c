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
    char *dir;              /* the directory as spelled */
};

struct pario_guard {
    struct guard_file *f;
    int n, cap, oom;
};

pario_guard *pario_guard_new(void)
{
    return calloc(1, sizeof(pario_guard));
}

void pario_guard_free(pario_guard *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n; i++) {
        free(g->f[i].path);
        free(g->f[i].what);
        free(g->f[i].resolved);
        free(g->f[i].dir);
    }
    free(g->f);
    free(g);
}

static void add(pario_guard *g, const char *path, const char *what, int output, int temporary)
{
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
    g->n++;
}

void pario_guard_input(pario_guard *g, const char *path, const char *what)
{
    add(g, path, what, 0, 0);
}

void pario_guard_output(pario_guard *g, const char *path, const char *what)
{
    add(g, path, what, 1, 0);
}

void pario_guard_data_input(pario_guard *g, const char *path, const char *desc)
{
    char dp[PARIO_PATH_MAX + 8];
    if (desc && *desc)
        snprintf(dp, sizeof dp, "%s", desc);
    else
        pario_desc_default_path(path, dp, sizeof dp);
    pario_guard_input(g, path, "input data");
    pario_guard_input(g, dp, "input descriptor");
}

void pario_guard_data_output(pario_guard *g, const char *path)
{
    char dp[PARIO_PATH_MAX + 8];
    pario_desc_default_path(path, dp, sizeof dp);
    pario_guard_output(g, path, "output data");
    pario_guard_output(g, dp, "output descriptor");
}

static void parts(pario_guard *g, const char *prefix, int nranks, int output)
{
    for (int r = 0; r < nranks; r++) {
        char path[PARIO_PATH_MAX], dp[PARIO_PATH_MAX + 8];
        pario_part_path(prefix, r, path, sizeof path);
        pario_desc_default_path(path, dp, sizeof dp);
        add(g, path, output ? "output part file" : "input part file", output, 0);
        add(g, dp, output ? "output part descriptor" : "input part descriptor", output, 0);
    }
}

void pario_guard_parts_input(pario_guard *g, const char *prefix, int nranks)
{
    parts(g, prefix, nranks, 0);
}

void pario_guard_parts_output(pario_guard *g, const char *prefix, int nranks)
{
    parts(g, prefix, nranks, 1);
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

static void resolve(struct guard_file *e)
{
    e->exists = stat(e->path, &e->sb) == 0;
    const char *base;
    e->dir = dir_of(e->path, &base);
    if (!e->dir)
        return;
    char real[PATH_MAX];
    if (!realpath(e->dir, real)) {
        e->dir_errno = errno;
        return;
    }
    struct stat db;
    if (stat(real, &db) != 0)
        e->dir_errno = errno;
    else if (!S_ISDIR(db.st_mode))
        e->dir_errno = ENOTDIR;
    else if (e->output && access(real, W_OK | X_OK) != 0)
        e->dir_errno = errno;
    if (!e->exists && *base) {
        size_t len = strlen(real) + strlen(base) + 2;
        e->resolved = malloc(len);
        if (e->resolved)
            snprintf(e->resolved, len, "%s/%s", strcmp(real, "/") ? real : "", base);
    }
}

static int same(const struct guard_file *a, const struct guard_file *b)
{
    if (a->exists && b->exists)
        return a->sb.st_dev == b->sb.st_dev && a->sb.st_ino == b->sb.st_ino;
    if (!a->exists && !b->exists && a->resolved && b->resolved)
        return strcmp(a->resolved, b->resolved) == 0;
    return 0;
}

static const char *kind(mode_t m)
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

/* Is name PATH's base followed by ".tmp." and a PID? */
static long tmp_pid(const char *name, const char *base)
{
    size_t bl = strlen(base);
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) != 0)
        return 0;
    const char *d = name + bl + 5;
    if (!*d || strlen(d) > 10)
        return 0;
    for (const char *p = d; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    long pid = strtol(d, NULL, 10);
    return pid > 0 && pid <= INT_MAX ? pid : 0;
}

static int is_input(const pario_guard *g, const struct stat *sb)
{
    for (int i = 0; g && i < g->n; i++)
        if (!g->f[i].output && g->f[i].exists && g->f[i].sb.st_dev == sb->st_dev && g->f[i].sb.st_ino == sb->st_ino)
            return 1;
    return 0;
}

static int clean(const char *path, const pario_guard *g)
{
    const char *base;
    char *dir = dir_of(path, &base);
    if (!dir || !*base) {
        free(dir);
        return 0;
    }
    DIR *d = opendir(dir);
    int removed = 0;
    struct dirent *ent;
    while (d && (ent = readdir(d))) {
        long pid = tmp_pid(ent->d_name, base);
        if (!pid || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        char *full = malloc(len);
        if (!full)
            break;
        snprintf(full, len, "%s/%s", dir, ent->d_name);
        struct stat sb;
        /* only a regular file, and never one this run reads */
        if (lstat(full, &sb) == 0 && S_ISREG(sb.st_mode) && !is_input(g, &sb) && unlink(full) == 0)
            removed++;
        free(full);
    }
    if (d)
        closedir(d);
    free(dir);
    return removed;
}

int pario_tmp_clean(const char *path)
{
    return clean(path, NULL);
}

static pario_status check(pario_guard *g)
{
    if (!g || g->oom)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
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
    for (int i = 0; i < g->n; i++)
        resolve(&g->f[i]);
    /* usage errors first: nothing has been looked at but names */
    for (int i = 0; i < g->n; i++) {
        const struct guard_file *o = &g->f[i];
        if (!o->output)
            continue;
        for (int j = 0; j < g->n; j++) {
            const struct guard_file *x = &g->f[j];
            if (j == i || (x->output && j > i) || !same(o, x))
                continue;
            return pario_error(PARIO_ERR_USAGE, "%s: the %s is the %s %s", o->path, o->what, x->what, x->path);
        }
    }
    for (int i = 0; i < g->n; i++) {
        const struct guard_file *e = &g->f[i];
        if (e->temporary)
            continue;
        if (e->exists && !S_ISREG(e->sb.st_mode))
            return pario_error(PARIO_ERR_RUNTIME, "%s: the %s is %s, not a regular file", e->path, e->what,
                               kind(e->sb.st_mode));
        if (e->output && e->dir_errno)
            return pario_error(PARIO_ERR_RUNTIME, "%s: cannot write there (directory %s: %s)", e->path,
                               e->dir ? e->dir : "?", strerror(e->dir_errno));
    }
    for (int i = 0; i < g->n; i++)
        if (g->f[i].output && !g->f[i].temporary)
            clean(g->f[i].path, g);
    return pario_ok();
}

pario_status pario_guard_check(pario_guard *g, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = rank == 0 ? check(g) : pario_ok();
    pario_agree(&st, comm);
    return st;
}

pario_status pario_fopen_regular(const char *path, const char *what, int code, FILE **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return pario_error(code, "%s: cannot open %s: %s", path, what, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return pario_error(code, "%s: cannot open %s: %s", path, what, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return pario_error(code, "%s: cannot open %s: it is %s, not a regular file", path, what, kind(sb.st_mode));
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
