/* Unit tests of the failure paths' building blocks: long messages keep their
 * reason, ROMIO's multi-line strings give their last line, local errors carry
 * the rank through pario_agree, and PARIO_FAULT fails exactly the operation it
 * names. Its own program: PARIO_FAULT is read once per process. */
#include <check.h>
#include "check_run.h"
#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include "pario/fileutil.h"
#include "pario/status.h"
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "io_map.h"

/* ASan, by GCC's macro or clang's feature test */
#if defined(__SANITIZE_ADDRESS__)
#define PARIO_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PARIO_UNDER_ASAN 1
#endif
#endif
#ifndef PARIO_UNDER_ASAN
#define PARIO_UNDER_ASAN 0
#endif

START_TEST(long_message_keeps_reason)
{
    char path[1200];
    memset(path, 'd', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    pario_status st = pario_sys_error(ENOSPC, "write", path);
    ck_assert_uint_eq(strlen(st.msg), PARIO_MSG_MAX - 1);
    ck_assert(strncmp(st.msg, "ddd", 3) == 0);
    ck_assert_ptr_nonnull(strstr(st.msg, "d...d"));
    const char *tail = ": write: No space left on device";
    ck_assert_str_eq(st.msg + strlen(st.msg) - strlen(tail), tail);
    ck_assert_int_eq(st.local, 1);
    /* short ones are untouched */
    st = pario_error(PARIO_ERR_USAGE, "%s", "x.bin: bad");
    ck_assert_str_eq(st.msg, "x.bin: bad");
    ck_assert_int_eq(st.local, 0);
}
END_TEST

START_TEST(mpi_error_reason)
{
    /* an error class MPICH knows: the class text, whole */
    pario_status st = pario_mpi_error(MPI_ERR_NO_SPACE, "write", "g.bin");
    ck_assert_str_eq(st.msg, "g.bin: write: No space left on device");
    ck_assert_int_eq(st.local, 1);
    /* a code with a multi-line ROMIO-style string: MPI_Add_error_string on a new code */
    int cls, code;
    MPI_Add_error_class(&cls);
    MPI_Add_error_code(cls, &code);
    MPI_Add_error_string(code, "Other I/O error , error stack:\nADIOI_GEN_WRITECONTIG(81): Other I/O error "
                               "Disk on fire");
    st = pario_mpi_error(code, "write", "g.bin");
    ck_assert_str_eq(st.msg, "g.bin: write: Disk on fire");
}
END_TEST

START_TEST(agree_keeps_rank)
{
    pario_status st = pario_local_error("out of memory");
    pario_agree(&st, MPI_COMM_WORLD);
    ck_assert_int_eq(st.rank, 0);
    ck_assert_int_eq(st.local, 1);
    /* agreed again (as pario_report does): still rank 0 */
    pario_agree(&st, MPI_COMM_WORLD);
    ck_assert_int_eq(st.rank, 0);
}
END_TEST

START_TEST(fault_alloc_after)
{
    /* PARIO_FAULT=alloc:rank=0:after=2,alloc:after=4 (set by main): allocations 2 and 4 fail */
    for (int i = 0; i < 6; i++) {
        void *p = i % 2 ? pario_alloc_aligned(64) : pario_alloc(64);
        if (i == 2 || i == 4) {
            ck_assert_ptr_null(p);
            ck_assert_int_eq(errno, ENOMEM);
        } else {
            ck_assert_ptr_nonnull(p);
        }
        free(p);
    }
}
END_TEST

/* A temporary file of `pages` pages, page i filled with byte i + 1. */
static void page_file(char *path, size_t pages)
{
    strcpy(path, "/tmp/pario-map-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    char *b = malloc(pg);
    for (size_t i = 0; i < pages; i++) {
        memset(b, (int)(i + 1), pg);
        ck_assert_int_eq(write(fd, b, pg), (ssize_t)pg);
    }
    free(b);
    close(fd);
}

START_TEST(map_windows_on_folio_boundaries)
{
    /* io_map.c: a window of 2 MiB or more starts and ends at multiples of 2 MiB
     * of the file, so a large page-cache folio is mapped by one fault even when
     * the part starts between boundaries (cyclic:1024's second rank: 8 KiB in) */
    char path[64];
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE), mib = (size_t)1 << 20;
    page_file(path, 12 * mib / pg);
    struct pario_map *m;
    pario_status st = pario_map_open(&m, path, 8192, 10 * mib, 4 * mib, 0);
    ck_assert(!pario_failed(&st));
    ck_assert_ptr_nonnull(m);
    const unsigned char *a = pario_map_get(m, 0, pg, &st);
    ck_assert_ptr_nonnull(a);
    ck_assert_uint_eq(a[0], 8192 / pg + 1);
    /* file byte 4 MiB + 16 KiB: past a window of 4 MiB from byte 8 KiB, inside
     * one that runs to the boundary at 6 MiB, so no new window was mapped */
    const unsigned char *b = pario_map_get(m, 4 * mib + 8192, pg, &st);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b[0], (unsigned)(((4 * mib + 16384) / pg + 1) & 0xff));
    ck_assert(b - a == (ptrdiff_t)(4 * mib + 8192));
    /* the last window ends at the range's end, not past it */
    const unsigned char *c = pario_map_get(m, 10 * mib - pg, pg, &st);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c[pg - 1], (unsigned)(((10 * mib + 8192 - pg) / pg + 1) & 0xff));
    ck_assert_ptr_null(pario_map_fast(m, 10 * mib, pg));
    pario_map_close(m);
    unlink(path);
}
END_TEST

START_TEST(map_survives_shrinking_file)
{
    /* io_map.c: a file truncated under a mapped window raises SIGBUS on the next
     * access; the handler maps zeros over the lost page, the access completes,
     * and the map reports the short file (the reader fails the run with it) */
    char path[64];
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    page_file(path, 64);
    struct pario_map *m;
    pario_status st = pario_map_open(&m, path, pg, 60 * pg, 16 * pg, 1); /* from page 1: a window not at 0 */
    ck_assert(!pario_failed(&st));
    ck_assert_ptr_nonnull(m);
    const unsigned char *p = pario_map_get(m, 0, pg, &st);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p[0], 2);
    ck_assert_uint_eq(p[pg - 1], 2);
    p = pario_map_get(m, 9 * pg, pg, &st); /* the same window */
    ck_assert_uint_eq(p[5], 11);
    ck_assert_int_eq(truncate(path, 8 * pg), 0);
    p = pario_map_get(m, 12 * pg, pg, &st); /* still mapped, no longer in the file */
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p[17], 0); /* SIGBUS, repaired */
    st = pario_map_check(m);
    ck_assert(pario_failed(&st));
    ck_assert_ptr_nonnull(strstr(st.msg, "shrank"));
    ck_assert_ptr_null(pario_map_get(m, 13 * pg, pg, &st));
    ck_assert(pario_failed(&st));
    pario_map_close(m);
    /* a new map of the short file: refused at open, not at the first access */
    st = pario_map_open(&m, path, 0, 60 * pg, 16 * pg, 0);
    ck_assert(pario_failed(&st));
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(strstr(st.msg, "shorter"));
    /* one that fits still reads, and its slot was freed */
    st = pario_map_open(&m, path, 0, 8 * pg, 4 * pg, 0);
    ck_assert(!pario_failed(&st));
    p = pario_map_get(m, 6 * pg, pg, &st);
    ck_assert_uint_eq(p[3], 7);
    pario_status cs = pario_map_check(m);
    ck_assert(!pario_failed(&cs));
    pario_map_close(m);
    unlink(path);
}
END_TEST

START_TEST(map_leaves_other_sigbus_fatal)
{
    /* the handler repairs only its own windows: any other SIGBUS still kills.
     * Not under ASan: its handler, which ours passes the signal to, would write a
     * report, and any report fails the sanitizer run */
#if PARIO_UNDER_ASAN
    return;
#endif
    char path[64];
    const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    page_file(path, 8);
    for (int how = 0; how < 2; how++) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
            struct pario_map *m;
            pario_status st = pario_map_open(&m, path, 0, 8 * pg, 4 * pg, 0); /* installs the handler */
            if (pario_failed(&st) || !m)
                _exit(3);
            if (how == 0)
                raise(SIGBUS);
            int fd = open(path, O_RDONLY); /* a mapping of our own, not the reader's */
            volatile const char *q = mmap(NULL, 8 * pg, PROT_READ, MAP_SHARED, fd, 0);
            if (ftruncate(open(path, O_RDWR), 0) != 0)
                _exit(4);
            (void)q[5 * pg];
            _exit(0);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFSIGNALED(status));
        ck_assert_int_eq(WTERMSIG(status), SIGBUS);
        unlink(path);
        page_file(path, 8); /* (a new file for the second case) */
    }
}
END_TEST

int main(int argc, char **argv)
{
    setenv("PARIO_FAULT", "alloc:rank=0:after=2;alloc:after=4", 1);
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_add_test(tc, map_windows_on_folio_boundaries);
    tcase_add_test(tc, long_message_keeps_reason);
    tcase_add_test(tc, mpi_error_reason);
    tcase_add_test(tc, agree_keeps_rank);
    tcase_add_test(tc, fault_alloc_after);
    tcase_add_test(tc, map_survives_shrinking_file);
    tcase_add_test(tc, map_leaves_other_sigbus_fatal);
    suite_add_tcase(s, tc);
    int failed = pario_check_run(s);
    MPI_Finalize();
    return failed ? 1 : 0;
}
