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
    return pario_rename_over(tmp, path) == 0 ? pario_ok() : discarded(tmp, errno, path);
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
    char *end;
    errno = 0;
    const char *s = text;
    /* digits first: no sign, space or leading '.' (strtoull/strtod would take them) */
    if (*s < '0' || *s > '9')
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a non-negative count", text);
    /* integers stay exact; "1e9" and "1.5Gi" go through double */
    unsigned long long iv = strtoull(s, &end, 10);
    double v = (double)iv;
    int exact = 1;
    if (*end == '.' && (end[1] < '0' || end[1] > '9'))
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a non-negative count", text);
    if (*end == '.' || *end == 'e' || *end == 'E') {
        v = strtod(s, &end);
        exact = 0;
    }
    if (end == s || errno == ERANGE)
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a non-negative count", text);
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
    if (exact) {
        if (iv && mult > UINT64_MAX / iv)
            return pario_error(PARIO_ERR_USAGE, "'%s' is too large", text);
        *out = iv * mult;
        return pario_ok();
    }
    double r = v * (double)mult;
    if (!(r >= 0) || r >= 1.8446744073709552e19)
        return pario_error(PARIO_ERR_USAGE, "'%s' is too large", text);
    if (r != floor(r))
        return pario_error(PARIO_ERR_USAGE, "'%s' is not a whole number", text);
    *out = (uint64_t)r;
    return pario_ok();
}
