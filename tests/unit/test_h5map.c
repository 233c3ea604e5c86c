/* HDF5 chunks from the memory map (io_read_h5_direct.c over io_map.c): the values
 * of unfiltered and gzip chunks (a file written here with HDF5's own C API, not by
 * pario) are the ones written, unfiltered chunks reach the caller with no copy,
 * and a file that shrinks under the map fails the read with the "shrank" error
 * (the SIGBUS handler's zeros are never taken for data). One rank. */
#include <check.h>
#include "check_run.h"
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/view.h"

enum { N = 40500, CHUNK = 1000 }; /* 41 chunks of 8000 bytes, the last partial */

/* path with dataset /x: float64 i * 0.5, chunks of CHUNK, gzip level `gz` (0: none) */
static void write_file(const char *path, int gz)
{
    double *v = malloc(N * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (int i = 0; i < N; i++)
        v[i] = i * 0.5;
    hsize_t dims = N, chunk = CHUNK;
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t sp = H5Screate_simple(1, &dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    ck_assert_int_ge(H5Pset_chunk(dcpl, 1, &chunk), 0);
    if (gz)
        ck_assert_int_ge(H5Pset_deflate(dcpl, (unsigned)gz), 0);
    hid_t d = H5Dcreate2(f, "x", H5T_IEEE_F64LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    ck_assert_int_ge(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(sp);
    H5Fclose(f);
    free(v);
}

/* Read path:/x in steps of 2 chunks; after the first step, truncate the file to
 * `keep` bytes (0: leave it). The status the reader ends with is returned; the
 * elements read before the truncation are checked against the values written. */
static pario_status read_file(const char *path, int no_mmap, off_t keep, const char **how)
{
    char arg[128];
    snprintf(arg, sizeof arg, "%s:/x", path);
    pario_dataset ds;
    pario_status st = pario_dataset_open(arg, NULL, &ds, MPI_COMM_WORLD);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    pario_dist dist = { PARIO_DIST_CYCLIC, pario_h5_chunk_band(&ds), { 0, 0 } };
    pario_view v;
    st = pario_view_build(&ds, &dist, 0, 1, &v);
    ck_assert(!pario_failed(&st));
    pario_io_opts o;
    pario_io_opts_init(&o);
    o.chunk_bytes = 2 * CHUNK * sizeof(double);
    o.no_mmap = no_mmap;
    pario_reader *r;
    st = pario_reader_open(&r, &ds, &v, &o, MPI_COMM_WORLD);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    const void *data;
    size_t n;
    uint64_t at, seen = 0;
    int step = 0;
    volatile double sink = 0;
    while (pario_reader_next(r, &data, &n, &at, &st)) {
        const double *x = data;
        ck_assert_uint_eq(at, seen);
        for (size_t i = 0; i < n; i++) {
            if (step == 0)
                ck_assert(x[i] == (double)(at + i) * 0.5);
            sink += x[i]; /* every element touched, as the work would */
        }
        seen += n;
        if (step++ == 0 && keep)
            ck_assert_int_eq(truncate(path, keep), 0);
    }
    (void)sink;
    if (!pario_failed(&st))
        ck_assert_uint_eq(seen, N);
    *how = pario_reader_reads_how(r);
    pario_reader_close(r);
    pario_view_free(&v);
    return st;
}

START_TEST(chunks_from_the_map)
{
    for (int gz = 0; gz < 2; gz++) {
        char path[64];
        snprintf(path, sizeof path, "h5map-%d-%d.h5", gz, (int)getpid());
        write_file(path, gz);
        for (int no_mmap = 0; no_mmap < 2; no_mmap++) {
            const char *how;
            pario_status st = read_file(path, no_mmap, 0, &how);
            ck_assert_msg(!pario_failed(&st), "%s", st.msg);
            /* unfiltered: pointers into the map; gzip: inflated from it; --no-mmap: MPI-IO */
            const char *want = no_mmap ? "in turn" : gz ? "stored bytes from a memory map" : "memory map of the file (no copy)";
            ck_assert_msg(strstr(how, want), "gz %d no_mmap %d: %s", gz, no_mmap, how);
        }
        unlink(path);
    }
}
END_TEST

START_TEST(shrinking_file_fails)
{
    for (int gz = 0; gz < 2; gz++) {
        char path[64];
        snprintf(path, sizeof path, "h5map-%d-%d.h5", gz, (int)getpid());
        write_file(path, gz);
        struct stat sb;
        ck_assert_int_eq(stat(path, &sb), 0);
        const char *how;
        /* cut in the middle of the chunks: the first step's are read already */
        pario_status st = read_file(path, 0, sb.st_size / 2, &how);
        ck_assert_msg(pario_failed(&st), "gz %d: a shrinking file read without error", gz);
        ck_assert_msg(strstr(st.msg, "shrank") && strstr(st.msg, path), "gz %d: %s", gz, st.msg);
        ck_assert(!strchr(st.msg, '\n'));
        unlink(path);
    }
}
END_TEST

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    Suite *s = suite_create("h5map");
    TCase *tc = tcase_create("h5map");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, chunks_from_the_map);
    tcase_add_test(tc, shrinking_file_fails);
    suite_add_tcase(s, tc);
    int failed = pario_check_run(s);
    MPI_Finalize();
    return failed ? 1 : 0;
}
