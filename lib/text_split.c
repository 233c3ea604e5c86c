/* A text file split across ranks by bytes, lines owned by the rank where they
 * start (see pario/text.h). */
#define _GNU_SOURCE 1
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <unistd.h>
#include "io_internal.h"
#include "pario/fileutil.h"
#include "pario/guard.h"
#include "pario/progress.h"
#include "pario/text.h"
#include "text_errors.h"
#include "stamp.h"
#include "fault.h"
#include "pario/text_kernels.h"

void pario_text_range(uint64_t size, int rank, int nranks, uint64_t *lo, uint64_t *hi)
{
    uint64_t base = size / (uint64_t)nranks, rem = size % (uint64_t)nranks, r = (uint64_t)rank;
    *lo = r * base + (r < rem ? r : rem);
    *hi = *lo + base + (r < rem ? 1 : 0);
}

/* A file of a kernel's pseudo file system (proc, sysfs, debugfs, tracefs,
 * securityfs, configfs, cgroup): its size does not say what a read returns. */
static int pseudo_fs(int fd)
{
#ifdef __linux__
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0)
        return 0;
    static const unsigned long magic[] = { 0x9fa0, 0x62656572, 0x64626720, 0x74726163, 0x73636673,
                                           0x62656570, 0x27e0eb, 0x63677270 };
    for (size_t i = 0; i < sizeof magic / sizeof magic[0]; i++)
        if ((unsigned long)fs.f_type == magic[i])
            return 1;
#else
    (void)fd;
#endif
    return 0;
}

void pario_text_stat_all(char *const *paths, int n, FILE *output, pario_text_stat *out, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    memset(out, 0, sizeof *out * (size_t)n);
    struct stat so;
    if (output && (fstat(fileno(output), &so) != 0 || !S_ISREG(so.st_mode)))
        output = NULL;   /* a terminal, a pipe: no input can be it */
    if (rank == 0) {
        for (int i = 0; i < n; i++) {
            struct stat sb;
            if (stat(paths[i], &sb) != 0) {
                out[i].err = errno;
                continue;
            }
            out[i].mode = (unsigned)sb.st_mode;
            if (S_ISDIR(sb.st_mode)) {
                /* one the tools can open reads as an error and counts 0
                 * (wc's zeros, grep -c's dir:0); one they cannot open is
                 * its open's error alone, as in GNU wc and grep */
                int fd = open(paths[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                out[i].err = fd < 0 ? errno : EISDIR;
                if (fd >= 0)
                    close(fd);
                continue;
            }
            if (!S_ISREG(sb.st_mode)) {
                /* a FIFO read would take what a writer sends while it runs, or
                 * nothing: not one answer for every rank (options.md) */
                out[i].err = PARIO_TEXT_NOT_REGULAR;
                continue;
            }
            if (output && sb.st_dev == so.st_dev && sb.st_ino == so.st_ino) {
                out[i].err = PARIO_TEXT_IS_OUTPUT;   /* its lines would be appended to it as they are read */
                continue;
            }
            /* readable? (stat says nothing about permission) */
            int fd = open(paths[i], O_RDONLY | O_NONBLOCK); /* a FIFO must not block here */
            if (fd < 0) {
                out[i].err = errno;
                out[i].size = (int64_t)sb.st_size;   /* (wc's column width counts it, as GNU wc's does) */
                out[i].regular = 1;
                continue;
            }
            /* a file of /proc or /sys says size 0 and holds bytes: read as
             * empty it gave wc 0 0 0 and grep no match, each a success (a
             * hostile-user pass, session 22) */
            char byte;
            int lies = sb.st_size == 0 && read(fd, &byte, 1) == 1;
            /* a sysfs file says 4096 bytes whatever it holds (23 read as "unexpected
             * end of file ... was the file changed?": a hostile-user pass, session 23) */
            int pseudo = !lies && pseudo_fs(fd);
            close(fd);
            if (lies || pseudo) {
                out[i].err = PARIO_TEXT_SIZE_ZERO_LIES;
                out[i].size = (int64_t)sb.st_size;   /* for the message */
                continue;
            }
            out[i].size = (int64_t)sb.st_size;
            out[i].regular = S_ISREG(sb.st_mode) ? 1 : 0;
            out[i].mtime_sec = (int64_t)sb.st_mtim.tv_sec;
            out[i].mtime_nsec = (int64_t)sb.st_mtim.tv_nsec;
        }
    }
    MPI_Bcast(out, (int)(sizeof *out * (size_t)n), MPI_BYTE, 0, comm);
}

pario_status pario_text_stat_error(const char *path, const pario_text_stat *s)
{
    switch (s->err) {
    case 0: return pario_ok();
    case EISDIR: return pario_error(PARIO_ERR_RUNTIME, "%s: is a directory", path);
    case PARIO_TEXT_NOT_REGULAR:
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open: it is %s, not a regular file", path,
                           pario_file_kind(s->mode));
    case PARIO_TEXT_SIZE_ZERO_LIES:
        if (s->size == 0)
            return pario_error(PARIO_ERR_RUNTIME, "%s: cannot read: its size says 0 bytes but it holds more (a file of "
                               "/proc or /sys?): copy it to a regular file first (cat %s > FILE)", path, path);
        return pario_error(PARIO_ERR_RUNTIME, "%s: cannot read: a file of /proc or /sys, whose size (%lld bytes) does "
                           "not say what it holds: copy it to a regular file first (cat %s > FILE)", path,
                           (long long)s->size, path);
    case PARIO_TEXT_IS_OUTPUT: return pario_error(PARIO_ERR_RUNTIME, "%s: input file is also the output", path);
    case ENOENT: return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open: no such file", path);
    case EACCES: return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open: permission denied", path);
    default: return pario_error(PARIO_ERR_RUNTIME, "%s: cannot open: %s", path, strerror(s->err));
    }
}

pario_status pario_text_open(pario_text_file *f, const char *path, const pario_text_stat *s, const pario_io_opts *o,
                             int rank, int nranks, int print_hints)
{
    memset(f, 0, sizeof *f);
    f->fh = MPI_FILE_NULL;
    f->path = path;
    const uint64_t size = s->size > 0 ? (uint64_t)s->size : 0;
    f->size = size;
    f->mtime_sec = s->mtime_sec;
    f->mtime_nsec = s->mtime_nsec;
    f->chunk = o->chunk_bytes ? o->chunk_bytes : PARIO_DEFAULT_CHUNK;
    pario_text_range(size, rank, nranks, &f->lo, &f->hi);
    if (f->lo >= f->hi && !print_hints)
        return pario_ok(); /* nothing to read: no open */
    pario_status st = pario_file_open(MPI_COMM_SELF, path, MPI_MODE_RDONLY, o->info, &f->fh);
    if (!pario_failed(&st) && print_hints && o->show_hints)
        pario_file_print_hints(f->fh, o->show_hints, MPI_COMM_SELF);
    return st;
}

pario_status pario_text_end(const pario_text_file *f, pario_status st)
{
    if (pario_failed(&st) || !f->bytes_read)
        return st;
    /* (a file rewritten or appended to while it was read gave counts of
     * neither version, exit 0: a hostile-user pass, session 23) */
    struct pario_stamp was = { 1, f->size, { (time_t)f->mtime_sec, (long)f->mtime_nsec } };
    return pario_stamp_check(&was, f->path);
}

void pario_text_close(pario_text_file *f)
{
    if (f->fh != MPI_FILE_NULL)
        MPI_File_close(&f->fh);
}

pario_status pario_text_read(pario_text_file *f, uint64_t off, void *buf, size_t n)
{
    double t0 = pario_now();
    char *p = buf;
    while (n > 0) {
        /* pieces that fit an int count whatever the MPI */
        size_t m = n < ((size_t)1 << 30) ? n : ((size_t)1 << 30);
        MPI_Status status;
        int err = MPI_File_read_at(f->fh, (MPI_Offset)off, p, (int)m, MPI_BYTE, &status), fault;
        if (err != MPI_SUCCESS)
            return pario_mpi_error(err, "read failed", f->path);
        if ((fault = pario_fault(PARIO_FAULT_READ)))
            return pario_sys_error(fault, "read failed", f->path);
        MPI_Count got = pario_status_count(&status, MPI_BYTE);
        if (pario_fault(PARIO_FAULT_SHORT))
            got = (MPI_Count)(m / 2);
        if ((size_t)got != m)
            return pario_local_error("%s: unexpected end of file at byte %" PRIu64
                                     " (was the file changed while being read?)", f->path, off + (uint64_t)got);
        f->bytes_read += m;
        off += m;
        p += m;
        n -= m;
    }
    f->io_seconds += pario_now() - t0;
    return pario_ok();
}

pario_status pario_text_count_lines(pario_text_file *f, void *buf, uint64_t *lines, pario_file_errors *fe, int file)
{
    *lines = 0;
    if (f->lo >= f->hi)
        return pario_ok();
    uint64_t a = f->lo ? f->lo - 1 : 0, b = f->hi - 1, n = f->lo ? 0 : 1;
    while (a < b) {
        size_t m = b - a < f->chunk ? (size_t)(b - a) : f->chunk;
        pario_status st = pario_text_read(f, a, buf, m);
        if (pario_failed(&st))
            return st;
        n += pario_text_count_byte(buf, m, '\n');
        a += m;
        if (fe && pario_file_errors_stop(fe, file, m))
            break;   /* another rank failed the file: its count is not used */
    }
    *lines = n;
    return pario_ok();
}

/* ---- owned lines ---- */

pario_status pario_lines_open(pario_lines *L, pario_text_file *f, size_t max_line)
{
    memset(L, 0, sizeof *L);
    L->f = f;
    L->cap = f->chunk;
    L->max_cap = f->chunk + max_line;
    if (L->max_cap > INT32_MAX)
        L->max_cap = INT32_MAX; /* a line goes to the regex engine with an int length */
    L->buf = pario_alloc_aligned(L->cap);
    if (!L->buf)
        return pario_local_error("%s: out of memory for a %zu-byte buffer", f->path, L->cap);
    return pario_ok();
}

void pario_lines_close(pario_lines *L)
{
    free(L->buf);
    L->buf = NULL;
}

/* Find where this rank's first line starts: lo, if the byte before it is '\n',
 * else just after the first '\n' in [lo - 1, hi - 1). Bytes read past that point
 * stay in the buffer. Sets done when the rank owns no line. */
static pario_status find_start(pario_lines *L)
{
    pario_text_file *f = L->f;
    L->started = 1;
    if (f->lo >= f->hi) {
        L->done = 1;
        return pario_ok();
    }
    if (f->lo == 0) {
        L->cur = 0;
        return pario_ok();
    }
    uint64_t a = f->lo - 1;
    while (a < f->hi - 1) {
        size_t m = f->size - a < L->cap ? (size_t)(f->size - a) : L->cap;
        pario_status st = pario_text_read(f, a, L->buf, m);
        if (pario_failed(&st))
            return st;
        size_t look = f->hi - 1 - a < m ? (size_t)(f->hi - 1 - a) : m;
        const char *q = memchr(L->buf, '\n', look);
        if (q) {
            size_t k = (size_t)(q - L->buf) + 1;
            memmove(L->buf, L->buf + k, m - k);
            L->len = m - k;
            L->cur = a + k;
            return pario_ok();
        }
        a += m;
    }
    L->done = 1; /* the partial line runs past the range: its owner is before us */
    return pario_ok();
}

static pario_status grow(pario_lines *L)
{
    if (L->cap >= L->max_cap)
        return pario_error(PARIO_ERR_RUNTIME, "%s: the line at byte %" PRIu64 " is longer than %zu bytes "
                           "(--chunk + --max-line)", L->f->path, L->cur, L->max_cap);
    size_t cap = L->cap * 2 < L->max_cap ? L->cap * 2 : L->max_cap;
    char *nb = pario_alloc_aligned(cap);
    if (!nb)
        return pario_local_error("%s: out of memory for the line at byte %" PRIu64 " (%zu bytes)", L->f->path,
                                 L->cur, cap);
    memcpy(nb, L->buf, L->len);
    free(L->buf);
    L->buf = nb;
    L->cap = cap;
    return pario_ok();
}

int pario_lines_next(pario_lines *L, const char **data, size_t *n, uint64_t *off, pario_status *st)
{
    if (pario_failed(st))
        return 0;
    if (!L->started) {
        *st = find_start(L);
        if (pario_failed(st))
            return 0;
    }
    if (L->done)
        return 0;
    pario_text_file *f = L->f;
    if (L->consumed) {
        memmove(L->buf, L->buf + L->consumed, L->len - L->consumed);
        L->len -= L->consumed;
        L->cur += L->consumed;
        L->consumed = 0;
    }
    /* Invariant: cur < hi is the start of a line this rank owns; buf holds no '\n'
     * before len unless just read. */
    for (;;) {
        uint64_t end = L->cur + L->len;
        if (end < f->size) {
            if (L->len == L->cap) {
                *st = grow(L);
                if (pario_failed(st))
                    return 0;
            }
            size_t room = L->cap - L->len;
            size_t m = f->size - end < room ? (size_t)(f->size - end) : room;
            *st = pario_text_read(f, end, L->buf + L->len, m);
            if (pario_failed(st))
                return 0;
            L->len += m;
            end += m;
        }
        *data = L->buf;
        *off = L->cur;
        /* lines starting before hi end at the first '\n' at or after hi - 1 */
        if (end > f->hi - 1) {
            size_t from = (size_t)(f->hi - 1 - L->cur);
            const char *q = memchr(L->buf + from, '\n', L->len - from);
            if (q) {
                *n = (size_t)(q - L->buf) + 1;
                L->done = 1;
                return 1;
            }
        }
        if (end == f->size) {
            L->done = 1;
            *n = L->len;
            return L->len > 0;
        }
        const char *r = memrchr(L->buf, '\n', L->len);
        if (r) {
            *n = L->consumed = (size_t)(r - L->buf) + 1;
            return 1;
        }
        /* no '\n' yet: a line longer than what is buffered, read on */
    }
}
