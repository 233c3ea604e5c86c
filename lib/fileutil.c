#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pario/fileutil.h"
#include "fault.h"
#include "lockfile.h"
#include "signals.h"

/* A temporary file removed after failure e on the way to path. */
static pario_status discarded(const char *tmp, int e, const char *path)
{
    unlink(tmp);
    return pario_sys_error(e, "cannot write", path);
}

pario_status pario_write_file_tmp(const char *path, const void *data, size_t len)
{
    char tmp[4200];
    pario_tmp_name(path, (long)getpid(), tmp, sizeof tmp);
    FILE *f = pario_fault_create(tmp, "wb");
    if (!f)
        return pario_sys_error(errno, "cannot create", path);
    int ok = fwrite(data, 1, len, f) == len, e = errno;
    int fault;
    if (ok && (fault = pario_fault(PARIO_FAULT_WRITE)))
        ok = 0, e = fault;
    if (fclose(f) != 0 && ok)
        ok = 0, e = errno;
    return ok ? pario_ok() : discarded(tmp, e, path);
}

int pario_rename_over(const char *tmp, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        (void)chmod(tmp, sb.st_mode & 0777);
    return rename(tmp, path);
}

pario_status pario_commit_tmp(const char *path)
{
    char tmp[4200];
    pario_tmp_name(path, (long)getpid(), tmp, sizeof tmp);
    pario_status st = pario_lockfile_output_check(path);
    if (pario_failed(&st)) {
        unlink(tmp);
        return st;
    }
    if (pario_rename_over(tmp, path) == 0)
        return pario_ok();
    int e = errno;
    unlink(tmp);
    return pario_sys_error(e, "cannot rename into place", path);
}

int pario_keep_old(const char *path, char *keep, size_t len)
{
    pario_tmp_name(path, (long)getpid(), keep, len);
    size_t n = strlen(keep);
    if (n + 5 > len)
        return 0;
    memcpy(keep + n, ".old", 5);
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    unlink(keep); /* (this process's own, left by nothing but a SIGKILL of a run with this PID) */
    if (link(path, keep) != 0)
        return 0;
    pario_remove_on_signal(keep); /* a signal ending the run drops it too */
    return 1;
}

void pario_restore_old(const char *path, const char *keep, int kept)
{
    if (!kept || rename(keep, path) != 0)
        unlink(path);
    if (kept)
        unlink(keep);
}

void pario_drop_old(const char *keep, int kept)
{
    if (kept)
        unlink(keep);
}

pario_status pario_commit_pair(const char *first_tmp, const char *first, const char *second)
{
    char keep[4200];
    pario_status st = pario_lockfile_output_check(first);
    if (!pario_failed(&st))
        st = pario_lockfile_output_check(second);
    if (pario_failed(&st)) {
        unlink(first_tmp);
        pario_discard_tmp(second);
        return st;
    }
    pario_signals_hold(); /* a SIGTERM waits for both renames */
    int kept = pario_keep_old(first, keep, sizeof keep);
    if (pario_rename_over(first_tmp, first) != 0) {
        st = pario_sys_error(errno, "cannot rename into place", first);
        unlink(first_tmp);
        pario_discard_tmp(second);
        pario_drop_old(keep, kept);
    } else if (st = pario_commit_tmp(second), pario_failed(&st)) {
        pario_restore_old(first, keep, kept);
    } else {
        pario_drop_old(keep, kept);
    }
    pario_signals_release();
    return st;
}

void pario_discard_tmp(const char *path)
{
    char tmp[4200];
    pario_tmp_name(path, (long)getpid(), tmp, sizeof tmp);
    unlink(tmp);
}

pario_status pario_write_file_atomic(const char *path, const void *data, size_t len)
{
    pario_status st = pario_write_file_tmp(path, data, len);
    return pario_failed(&st) ? st : pario_commit_tmp(path);
}

void pario_tmp_name(const char *final_path, long pid, char *out, size_t len)
{
    snprintf(out, len, "%s.tmp.%ld", final_path, pid);
}

void pario_tmp_path(const char *final_path, char *out, size_t len, MPI_Comm comm)
{
    long pid = (long)getpid();
    MPI_Bcast(&pid, 1, MPI_LONG, 0, comm);
    pario_tmp_name(final_path, pid, out, len);
}

void *pario_alloc(size_t bytes)
{
    if (pario_fault(PARIO_FAULT_ALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    return malloc(bytes ? bytes : 1);
}

void *pario_alloc_aligned(size_t bytes)
{
    void *p = NULL;
    if (pario_fault(PARIO_FAULT_ALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        page = 4096;
    if (bytes == 0)
        bytes = (size_t)page;
    if (posix_memalign(&p, (size_t)page, bytes) != 0)
        return NULL;
    return p;
}

pario_status pario_parse_size(const char *text, uint64_t *out)
{
    const char *s = text;
    /* digits first: no sign, space or leading '.' */
    if (*s < '0' || *s > '9')
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a non-negative count", text);
    /* Read exactly, never through a double ("1.005k" is 1005, and a double took
     * 9007199254740993.0 for ...992): the value is m * 10^e10 * mult, with m the
     * mantissa's digits (trailing zeros folded into e10). */
    const __int128 mcap = (__int128)1 << 86; /* m * mult (mult <= 2^40) stays in an __int128 */
    __int128 m = 0;
    long e10 = 0, pending_zeros = 0;
    int too_many = 0;
    const char *p = s;
    for (int in_frac = 0;; p++) {
        if (*p == '.' && !in_frac) {
            if (p[1] < '0' || p[1] > '9')
                return pario_error(PARIO_ERR_USAGE, "'%s' is not a non-negative count", text);
            in_frac = 1;
            continue;
        }
        if (*p < '0' || *p > '9')
            break;
        if (in_frac)
            e10--;
        if (*p == '0') { /* kept back: trailing zeros only scale */
            pending_zeros++;
            continue;
        }
        for (; pending_zeros >= 0; pending_zeros--) { /* the zeros, then this digit */
            if (m >= mcap / 10)
                too_many = 1;
            else
                m = m * 10 + (pending_zeros ? 0 : *p - '0');
        }
        pending_zeros = 0;
    }
    e10 += pending_zeros;
    if ((*p == 'e' || *p == 'E') &&
        ((p[1] >= '0' && p[1] <= '9') || ((p[1] == '+' || p[1] == '-') && p[2] >= '0' && p[2] <= '9'))) {
        int neg = *++p == '-';
        if (*p == '+' || *p == '-')
            p++;
        long x = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            x = x > 100000 ? x : x * 10 + (*p - '0');
        e10 += neg ? -x : x;
    }
    const char *end = p;
    uint64_t mult = 1;
    if (*end) {
        static const struct { const char *suf; uint64_t m; } tab[] = {
            { "Ki", 1ULL << 10 }, { "Mi", 1ULL << 20 }, { "Gi", 1ULL << 30 }, { "Ti", 1ULL << 40 },
            { "k", 1000ULL }, { "K", 1000ULL }, { "M", 1000000ULL }, { "G", 1000000000ULL },
            { "T", 1000000000000ULL },
            { "KiB", 1ULL << 10 }, { "MiB", 1ULL << 20 }, { "GiB", 1ULL << 30 }, { "TiB", 1ULL << 40 },
        };
        int found = 0;
        for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
            if (strcmp(end, tab[i].suf) == 0) {
                mult = tab[i].m;
                found = 1;
            }
        if (!found)
            return pario_error(PARIO_ERR_USAGE,
                               "'%s': unknown suffix '%s' (use k, M, G, T or Ki, Mi, Gi, Ti)", text, end);
    }
    if (too_many)
        return pario_error(PARIO_ERR_USAGE, "'%s': too many significant digits", text);
    __int128 v = m * (__int128)mult; /* < 2^126 */
    if (v == 0) {
        *out = 0;
        return pario_ok();
    }
    /* checked before each step: v * mult may already pass 2^64 (up to 2^126),
     * and ten times that overflowed the __int128 (fuzz_size in CI, session 19) */
    for (; e10 > 0; e10--) {
        if (v > (__int128)UINT64_MAX)
            return pario_error(PARIO_ERR_USAGE, "'%s' is too large", text);
        v *= 10;
    }
    for (; e10 < 0; e10++) {
        if (v % 10)
            return pario_error(PARIO_ERR_USAGE, "'%s' is not a whole number", text);
        v /= 10;
    }
    if (v > (__int128)UINT64_MAX)
        return pario_error(PARIO_ERR_USAGE, "'%s' is too large", text);
    *out = (uint64_t)v;
    return pario_ok();
}
