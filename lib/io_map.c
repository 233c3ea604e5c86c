/* A rank's contiguous byte range of a regular file through a memory map (io_map.h). */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fault.h"
#include "io_map.h"
#include "stamp.h"

struct pario_map {
    int fd;
    char path[4096];
    uint64_t off, len;       /* the range in the file */
    size_t window, page;
    uint64_t wpos;           /* the mapped window: range bytes [wpos, wpos + wlen) ... */
    size_t wlen;
    char *base;              /* ... mapped at base + lead (lead: page alignment) */
    size_t lead, maplen;
    int slot;                /* in the handler's table */
    int populate;            /* MAP_POPULATE each window; PARIO_MAP_EXACT: a window is the bytes asked for */
    struct pario_stamp stamp; /* the file's size and modification time at the open */
};

/* The windows the SIGBUS handler may repair: written outside the handler only
 * with the handler's signal blocked, read inside it. */
#define SLOTS 8
#define TAKEN ((char *)1) /* a slot in use with no window mapped: covers no address */
static struct {
    char *volatile base;
    volatile size_t len;
    volatile sig_atomic_t bus;
} slots[SLOTS];
static struct sigaction previous;
static int installed;
static size_t handler_page; /* set before the handler is installed: sysconf is not async-signal-safe */

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    char *a = si->si_addr;
    for (int i = 0; i < SLOTS && si->si_code > 0; i++) { /* a fault, not a kill(2) */
        char *b = slots[i].base;
        if (b && a >= b && a < b + slots[i].len) {
            /* the file shrank: zero pages over the lost ones, and say so */
            char *p = (char *)((uintptr_t)a & ~(uintptr_t)(handler_page - 1));
            if (mmap(p, handler_page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED) {
                slots[i].bus = 1;
                return;
            }
        }
    }
    /* not ours: as if no handler of ours were there */
    if (previous.sa_flags & SA_SIGINFO && previous.sa_sigaction) {
        previous.sa_sigaction(sig, si, uc);
        return;
    }
    if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler) {
        previous.sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void guard(int slot, char *base, size_t len)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGBUS);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    slots[slot].base = base;
    slots[slot].len = len;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void unmap(struct pario_map *m)
{
    if (!m->base)
        return;
    guard(m->slot, TAKEN, 0);
    munmap(m->base, m->maplen);
    m->base = NULL;
}

pario_status pario_map_open(struct pario_map **mp, const char *path, uint64_t off, uint64_t len, size_t window,
                            int populate)
{
    *mp = NULL;
    struct pario_map *m = calloc(1, sizeof *m);
    if (!m)
        return pario_ok(); /* MPI-IO reads instead */
    m->slot = -1;
    m->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    pario_status st = pario_ok();
    int fault = pario_fault(PARIO_FAULT_OPEN), usable = 0;
    if (m->fd < 0 || fstat(m->fd, &sb) != 0)
        st = pario_sys_error(errno, "cannot open", path);
    else if (fault)
        st = pario_sys_error(fault, "cannot open", path);
    else if (!S_ISREG(sb.st_mode))
        usable = 0; /* a device or a pipe: MPI-IO reads it */
    else if ((uint64_t)sb.st_size < off + len)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: %llu bytes, shorter than the %llu its dataset needs (was the file "
                         "changed?)", path, (unsigned long long)sb.st_size, (unsigned long long)(off + len));
    else {
        usable = 1;
        pario_stamp_take(&m->stamp, &sb);
    }
    for (int i = 0; i < SLOTS && usable && m->slot < 0; i++)
        if (!slots[i].base && !slots[i].bus) {
            m->slot = i;
            guard(i, TAKEN, 0);
        }
    usable = usable && m->slot >= 0;
    if (usable && !installed) {
        handler_page = (size_t)sysconf(_SC_PAGESIZE);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_bus;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        installed = sigaction(SIGBUS, &sa, &previous) == 0;
        usable = installed;
    }
    if (pario_failed(&st) || !usable) {
        pario_map_close(m);
        return st;
    }
    snprintf(m->path, sizeof m->path, "%s", path);
    m->off = off;
    m->len = len;
    m->page = (size_t)sysconf(_SC_PAGESIZE);
    m->window = window < m->page ? m->page : window / m->page * m->page;
    m->populate = populate;
    *mp = m;
    return st;
}

size_t pario_map_window_for(size_t chunk_bytes)
{
    const size_t least = (size_t)8 << 20;
    return chunk_bytes > SIZE_MAX / 4 || 4 * chunk_bytes < least ? least : 4 * chunk_bytes;
}

/* Map range bytes [pos, pos + window) (or up to the end; exact: [pos, pos + n)). */
/* Windows of at least this size start and end at its multiples in the file
 * (within the range's end): a page-cache folio of 2 MiB there is mapped by one
 * fault (a PMD); one that a window starts inside is mapped 64 KiB a fault, 4 KiB
 * page by 4 KiB page, as a file in small folios is. Measured on the AMD EPYC
 * (Linux 6.18): cyclic:1024's second rank, whose 4 MiB windows all began 8 KiB
 * past a boundary, took 10,900 faults against the first rank's 3,400. */
#define FOLIO_SPAN ((uint64_t)2 << 20)

static pario_status map_window(struct pario_map *m, uint64_t pos, size_t n)
{
    unmap(m);
    uint64_t at = m->off + pos, start = at / m->page * m->page;
    m->wpos = pos;
    m->wlen = m->populate == PARIO_MAP_EXACT ? n : m->len - pos < m->window ? (size_t)(m->len - pos) : m->window;
    if (m->populate != PARIO_MAP_EXACT && m->window >= FOLIO_SPAN) {
        /* (the bytes before the range, from the boundary on, are in the file) */
        uint64_t end = (at + m->wlen + FOLIO_SPAN - 1) / FOLIO_SPAN * FOLIO_SPAN;
        start = at / FOLIO_SPAN * FOLIO_SPAN;
        m->wlen = (size_t)((end < m->off + m->len ? end : m->off + m->len) - at);
    }
    m->lead = (size_t)(at - start);
    m->maplen = m->lead + m->wlen;
    /* pages prepared in one call rather than one fault per 16 pages */
    void *p = mmap(NULL, m->maplen, PROT_READ, MAP_SHARED | (m->populate ? MAP_POPULATE : 0), m->fd, (off_t)start);
    if (p == MAP_FAILED)
        return pario_sys_error(errno, "mmap", m->path);
    m->base = p;
    guard(m->slot, m->base, m->maplen);
    return pario_ok();
}

/* range bytes [pos, pos + n) lie in the mapped window */
static inline int in_window(const struct pario_map *m, uint64_t pos, size_t n)
{
    return m->base && pos >= m->wpos && pos + n <= m->wpos + m->wlen;
}

const void *pario_map_get(struct pario_map *m, uint64_t pos, size_t n, pario_status *st)
{
    *st = pario_map_check(m);
    if (pario_failed(st))
        return NULL;
    int fault = pario_fault(PARIO_FAULT_READ);
    if (fault) {
        *st = pario_sys_error(fault, "read", m->path);
        return NULL;
    }
    if (m->populate == PARIO_MAP_EXACT && pos + n > m->len) {
        *st = pario_error(PARIO_ERR_RUNTIME, "%s: bytes %llu to %llu are past the mapped range", m->path,
                          (unsigned long long)(m->off + pos), (unsigned long long)(m->off + pos + n));
        return NULL;
    }
    if (!in_window(m, pos, n)) {
        *st = map_window(m, pos, n);
        if (pario_failed(st))
            return NULL;
    }
    return m->base + m->lead + (pos - m->wpos);
}

const void *pario_map_fast(struct pario_map *m, uint64_t pos, size_t n)
{
    if (pario_fault_state != 0 || m->slot < 0 || slots[m->slot].bus || !in_window(m, pos, n))
        return NULL;
    return m->base + m->lead + (pos - m->wpos);
}

const void *pario_map_all(struct pario_map *m, pario_status *st)
{
    *st = pario_ok();
    if (!m->base || m->wpos != 0 || m->wlen != m->len) {
        if (m->window < m->len)
            m->window = (size_t)m->len;
        *st = map_window(m, 0, (size_t)m->len);
        if (pario_failed(st))
            return NULL;
    }
    return m->base + m->lead;
}

int pario_map_lost(const struct pario_map *m)
{
    return m && m->slot >= 0 && slots[m->slot].bus;
}

pario_status pario_map_check(struct pario_map *m)
{
    if (!m || m->slot < 0 || !slots[m->slot].bus)
        return pario_ok();
    return pario_local_error("%s: the file shrank while it was being read (was it changed?)", m->path);
}

pario_status pario_map_check_size(struct pario_map *m)
{
    pario_status st = pario_map_check(m);
    struct stat sb;
    if (!pario_failed(&st) && m && fstat(m->fd, &sb) == 0)
        st = pario_stamp_compare(&m->stamp, &sb, m->path);
    return st;
}

void pario_map_close(struct pario_map *m)
{
    if (!m)
        return;
    unmap(m);
    if (m->slot >= 0) {
        slots[m->slot].bus = 0;
        guard(m->slot, NULL, 0);
    }
    if (m->fd >= 0)
        close(m->fd);
    free(m);
}
