/* Partition arithmetic: pario_split, and each distribution's views. The owner of
 * every element is computed here from the distribution's definition and compared
 * with pario_view_global_index and with what the MPI filetype really selects. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/view.h"
#include "suites.h"

/* Balanced split by definition: parts differ by at most one, the first n % p are larger. */
static void ref_split(uint64_t n, uint64_t p, uint64_t r, uint64_t *start, uint64_t *len)
{
    uint64_t s = 0;
    for (uint64_t q = 0; q < r; q++)
        s += n / p + (q < n % p);
    *start = s;
    *len = n / p + (r < n % p);
}

START_TEST(split_uneven_and_empty)
{
    static const uint64_t ns[] = { 0, 1, 2, 3, 5, 7, 10, 11, 100, 101, 1000003 };
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (int p = 1; p <= 9; p++) {
            uint64_t n = ns[a], next = 0, total = 0, maxlen = 0, minlen = UINT64_MAX, prev = UINT64_MAX;
            int nonempty = 0;
            for (int r = 0; r < p; r++) {
                uint64_t s, len, rs, rl;
                pario_split(n, p, r, &s, &len);
                ref_split(n, (uint64_t)p, (uint64_t)r, &rs, &rl);
                ck_assert_msg(s == rs && len == rl, "n=%llu p=%d r=%d: [%llu,+%llu) expected [%llu,+%llu)",
                              (unsigned long long)n, p, r, (unsigned long long)s, (unsigned long long)len,
                              (unsigned long long)rs, (unsigned long long)rl);
                ck_assert_uint_eq(s, next); /* contiguous, in rank order */
                ck_assert_uint_le(s + len, n);
                ck_assert_uint_le(len, prev); /* first ranks are the larger ones */
                prev = len;
                next = s + len;
                total += len;
                nonempty += len > 0;
                if (len > maxlen)
                    maxlen = len;
                if (len < minlen)
                    minlen = len;
            }
            ck_assert_uint_eq(total, n);
            ck_assert_uint_le(maxlen - minlen, 1);
            /* more ranks than elements: n ranks with one each, the rest empty */
            ck_assert_int_eq(nonempty, (uint64_t)p < n ? p : (int)n);
        }
    /* no overflow with huge n */
    uint64_t s, len, n = (1ULL << 62) + 4; /* n % 3 == 2 */
    pario_split(n, 3, 2, &s, &len);
    ck_assert_uint_eq(s + len, n);
    ck_assert_uint_eq(len, n / 3);
    pario_split(n, 3, 0, &s, &len);
    ck_assert_uint_eq(s, 0);
    ck_assert_uint_eq(len, n / 3 + 1);
}
END_TEST

/* The owner of global element g, and g's position in its owner's local order, from
 * the definition of each distribution. Returns the owner rank. */
static int ref_owner(const char *dist, uint64_t rows, uint64_t cols, int ndims, int p, uint64_t g, int grid[2])
{
    uint64_t n = rows * cols, P = (uint64_t)p;
    uint64_t i = g / cols, j = g % cols; /* row and column (1-D: cols = 1) */
    if (strcmp(dist, "block") == 0) {
        for (uint64_t r = 0; r < P; r++) {
            uint64_t s, len;
            ref_split(n, P, r, &s, &len);
            if (g >= s && g < s + len)
                return (int)r;
        }
    } else if (strncmp(dist, "cyclic", 6) == 0) {
        uint64_t k = dist[6] == ':' ? strtoull(dist + 7, NULL, 10) : 1;
        return (int)((g / k) % P);
    } else if (strncmp(dist, "rows-cyclic", 11) == 0) {
        uint64_t k = dist[11] == ':' ? strtoull(dist + 12, NULL, 10) : 1;
        return (int)((i / k) % P);
    } else if (strcmp(dist, "rows") == 0) {
        for (uint64_t r = 0; r < P; r++) {
            uint64_t s, len;
            ref_split(rows, P, r, &s, &len);
            if (i >= s && i < s + len)
                return (int)r;
        }
    } else if (strcmp(dist, "cols") == 0) {
        for (uint64_t r = 0; r < P; r++) {
            uint64_t s, len;
            ref_split(cols, P, r, &s, &len);
            if (j >= s && j < s + len)
                return (int)r;
        }
    } else if (strncmp(dist, "tiles", 5) == 0) {
        /* grid P x Q, rank = row * Q + col, rows split over P, columns over Q */
        int gp = grid[0], gq = grid[1], pr = -1, pc = -1;
        for (int a = 0; a < gp; a++) {
            uint64_t s, len;
            ref_split(rows, (uint64_t)gp, (uint64_t)a, &s, &len);
            if (i >= s && i < s + len)
                pr = a;
        }
        for (int b = 0; b < gq; b++) {
            uint64_t s, len;
            ref_split(cols, (uint64_t)gq, (uint64_t)b, &s, &len);
            if (j >= s && j < s + len)
                pc = b;
        }
        return pr * gq + pc;
    }
    (void)ndims;
    return -1;
}

/* What the filetype really selects: receive local index + 1 through the view's
 * filetype into a zeroed image of the file (the view tiles the filetype from the
 * displacement). Returns, for each global element, the local index + 1 or 0. */
static uint64_t *filetype_image(const pario_view *v, uint64_t n)
{
    MPI_Aint lb, extent;
    MPI_Type_get_extent(v->filetype, &lb, &extent);
    int tsize;
    MPI_Type_size(v->filetype, &tsize);
    uint64_t per = (uint64_t)tsize / 8, reps = per ? (v->local_count + per - 1) / per : 0;
    size_t image_bytes = (size_t)v->disp + (size_t)(reps * (uint64_t)extent) + (size_t)lb + 64 + n * 8;
    unsigned char *image = calloc(1, image_bytes);
    uint64_t *send = calloc(reps * per + 1, 8);
    for (uint64_t i = 0; i < v->local_count; i++)
        send[i] = i + 1;
    if (reps)
        MPI_Sendrecv(send, (int)(reps * per), MPI_UINT64_T, 0, 7, image + v->disp, (int)reps, v->filetype, 0, 7,
                     MPI_COMM_SELF, MPI_STATUS_IGNORE);
    uint64_t *out = calloc(n + 1, 8);
    for (uint64_t g = 0; g < n; g++) {
        uint64_t x;
        memcpy(&x, image + g * 8, 8);
        out[g] = x <= v->local_count ? x : 0; /* padding past local_count is not ours */
    }
    free(image);
    free(send);
    return out;
}

static void check_dist(const char *dist, int ndims, uint64_t rows, uint64_t cols, int p)
{
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.dtype = PARIO_UINT64; /* 8-byte etype: room for local indices in filetype_image */
    snprintf(ds.path, sizeof ds.path, "test.bin");
    uint64_t dims[2] = { rows, cols };
    ck_assert(pario_dataset_set_shape(&ds, ndims, dims));
    const uint64_t n = ds.nelems;
    pario_dist d;
    pario_status st = pario_dist_parse(dist, &d);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    int *owner = malloc((n + 1) * sizeof *owner);
    uint64_t *seen = calloc(n + 1, sizeof *seen);
    uint64_t total = 0;
    int grid[2] = { 0, 0 };
    if (d.kind == PARIO_DIST_TILES) {
        grid[0] = d.grid[0];
        grid[1] = d.grid[1];
        if (!grid[0])
            MPI_Dims_create(p, 2, grid);
    }
    for (uint64_t g = 0; g < n; g++)
        owner[g] = ref_owner(dist, rows, ndims == 2 ? cols : 1, ndims, p, g, grid);
    char where[160];
    for (int r = 0; r < p; r++) {
        snprintf(where, sizeof where, "%s, shape [%llu, %llu], rank %d of %d", dist, (unsigned long long)rows,
                 (unsigned long long)cols, r, p);
        pario_view v;
        st = pario_view_build(&ds, &d, r, p, &v);
        ck_assert_msg(!pario_failed(&st), "%s: %s", where, st.msg);
        ck_assert_uint_eq(v.local_shape[0] * v.local_shape[1], v.local_count);
        total += v.local_count;
        /* the elements the definition gives this rank, in increasing global order */
        uint64_t want = 0, prev = 0;
        for (uint64_t g = 0; g < n; g++)
            if (owner[g] == r) {
                uint64_t got = pario_view_global_index(&v, want);
                ck_assert_msg(got == g, "%s: local %llu is global %llu, expected %llu", where,
                              (unsigned long long)want, (unsigned long long)got, (unsigned long long)g);
                ck_assert(want == 0 || got > prev);
                prev = got;
                seen[g]++;
                want++;
            }
        ck_assert_msg(want == v.local_count, "%s: owns %llu elements, expected %llu", where,
                      (unsigned long long)v.local_count, (unsigned long long)want);
        /* runs agree with element-by-element indices */
        for (uint64_t i = 0; i < v.local_count;) {
            uint64_t g0, run = pario_view_run(&v, i, &g0);
            ck_assert_uint_ge(run, 1);
            for (uint64_t k = 0; k < run && i + k < v.local_count; k++)
                ck_assert_uint_eq(pario_view_global_index(&v, i + k), g0 + k);
            i += run;
        }
        /* and the filetype selects the same elements, in the same order */
        uint64_t *img = filetype_image(&v, n);
        for (uint64_t g = 0; g < n; g++) {
            if (owner[g] == r)
                ck_assert_msg(img[g] && pario_view_global_index(&v, img[g] - 1) == g,
                              "%s: the filetype puts local %llu at global %llu", where,
                              (unsigned long long)(img[g] ? img[g] - 1 : 0), (unsigned long long)g);
            else
                ck_assert_msg(img[g] == 0, "%s: the filetype writes global %llu, owned by rank %d", where,
                              (unsigned long long)g, owner[g]);
        }
        free(img);
        ck_assert_int_eq(v.disp >= (MPI_Offset)ds.offset, 1);
        /* the owner lookup (the exchange's) agrees with the definition, for the whole run it claims */
        for (uint64_t g = 0; g < n; g++) {
            uint64_t left;
            int o = pario_view_owner(&v, g, &left);
            ck_assert_msg(o == owner[g], "%s: owner of %llu is %d, expected %d", where, (unsigned long long)g, o,
                          owner[g]);
            ck_assert_uint_ge(left, 1);
            for (uint64_t h = g; h < g + left && h < n; h++)
                ck_assert_msg(owner[h] == o, "%s: run from %llu claims %llu for rank %d", where,
                              (unsigned long long)g, (unsigned long long)h, o);
        }
        /* local_before counts this rank's elements below g; share_bound bounds any window */
        for (uint64_t g = 0, below = 0; g <= n; g++) {
            ck_assert_uint_eq(pario_view_local_before(&v, g), below);
            if (g < n && owner[g] == r)
                below++;
        }
        for (uint64_t w = 1; w <= n; w += 1 + w / 2)
            for (uint64_t a = 0; a + w <= n; a++) {
                uint64_t c = pario_view_local_before(&v, a + w) - pario_view_local_before(&v, a);
                ck_assert_msg(c <= pario_view_share_bound(&v, w), "%s: %llu elements in a window of %llu", where,
                              (unsigned long long)c, (unsigned long long)w);
            }
        /* the gather of the rank's runs (the exchange's pack, the sieve's keep) takes
         * exactly the definition's elements of [a, b), in order, for windows of
         * every width (source values = global indices) */
        {
            pario_layout L;
            st = pario_layout_make(&d, &ds, p, &L);
            ck_assert(!pario_failed(&st));
            pario_runs pr;
            pario_layout_runs(&L, r, &pr);
            uint64_t *src = malloc((n + 1) * sizeof *src), *dst = malloc((n + 1) * sizeof *dst);
            for (uint64_t g = 0; g < n; g++)
                src[g] = g;
            for (uint64_t w = 1; w <= n; w += 1 + w / 3)
                for (uint64_t a = 0; a + w <= n; a += 1 + w / 4) {
                    uint64_t got = pario_runs_gather(&pr, a, a + w, src + a, dst, sizeof *src), k = 0;
                    for (uint64_t g = a; g < a + w; g++)
                        if (owner[g] == r) {
                            ck_assert_msg(k < got && dst[k] == g, "%s: gather of [%llu, %llu) misses %llu", where,
                                          (unsigned long long)a, (unsigned long long)(a + w), (unsigned long long)g);
                            k++;
                        }
                    ck_assert_msg(k == got, "%s: gather of [%llu, %llu) took %llu elements, expected %llu", where,
                                  (unsigned long long)a, (unsigned long long)(a + w), (unsigned long long)got,
                                  (unsigned long long)k);
                }
            free(src);
            free(dst);
        }
        pario_view_free(&v);
    }
    /* the smallest piece says "contiguous" exactly when every rank's elements are one range */
    int all_one_range = 1;
    for (int r = 0; r < p; r++) {
        uint64_t first = UINT64_MAX, last = 0, cnt = 0;
        for (uint64_t g = 0; g < n; g++)
            if (owner[g] == r) {
                first = first < g ? first : g;
                last = g;
                cnt++;
            }
        if (cnt && last - first + 1 != cnt)
            all_one_range = 0;
    }
    {
        pario_layout L;
        st = pario_layout_make(&d, &ds, p, &L);
        ck_assert(!pario_failed(&st));
        ck_assert_msg((pario_layout_piece(&L) == UINT64_MAX) == all_one_range, "%s on %d ranks: piece %llu", dist,
                      p, (unsigned long long)pario_layout_piece(&L));
        /* whole tiles (a chunked HDF5 dataset's chunks, or its bands for a flat
         * layout): every aligned tile of tr x tc of the layout's grid has the
         * owner of its first element, from the owner map */
        uint64_t gc = L.axis[1].n;
        for (uint64_t tr = 1; tr <= 12; tr += 1 + tr / 3)
            for (uint64_t tc = 1; tc <= (gc > 1 ? 8 : 1); tc++) {
                int whole = 1;
                for (uint64_t g = 0; g < n; g++) {
                    uint64_t i = g / gc, j = g % gc;
                    if (owner[g] != owner[(i - i % tr) * gc + (j - j % tc)])
                        whole = 0;
                }
                ck_assert_msg(pario_layout_whole_tiles(&L, tr, tc) == whole,
                              "%s on %d ranks, %llu elements: whole tiles of %llu x %llu: %d, the owner map says %d",
                              dist, p, (unsigned long long)n, (unsigned long long)tr, (unsigned long long)tc,
                              pario_layout_whole_tiles(&L, tr, tc), whole);
            }
    }
    ck_assert_msg(total == n, "%s on %d ranks: local counts sum to %llu, not %llu", dist, p,
                  (unsigned long long)total, (unsigned long long)n);
    for (uint64_t g = 0; g < n; g++)
        ck_assert_msg(seen[g] == 1, "%s on %d ranks: element %llu owned %llu times", dist, p, (unsigned long long)g,
                      (unsigned long long)seen[g]);
    free(owner);
    free(seen);
}

START_TEST(views_1d)
{
    static const uint64_t ns[] = { 0, 1, 2, 7, 10, 13, 64, 101 };
    static const char *dists[] = { "block", "cyclic", "cyclic:2", "cyclic:3", "cyclic:8" };
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++)
        for (size_t b = 0; b < sizeof dists / sizeof dists[0]; b++)
            for (int p = 1; p <= 5; p++)
                check_dist(dists[b], 1, ns[a], 1, p);
}
END_TEST

START_TEST(views_2d)
{
    static const uint64_t shapes[][2] = { { 1, 1 }, { 5, 7 }, { 7, 5 }, { 3, 10 }, { 10, 3 }, { 0, 4 }, { 4, 0 }, { 2, 2 } };
    static const char *dists[] = { "block", "cyclic:3", "rows", "cols", "tiles", "rows-cyclic", "rows-cyclic:2" };
    for (size_t a = 0; a < sizeof shapes / sizeof shapes[0]; a++) {
        for (size_t b = 0; b < sizeof dists / sizeof dists[0]; b++)
            for (int p = 1; p <= 5; p++)
                check_dist(dists[b], 2, shapes[a][0], shapes[a][1], p);
        check_dist("tiles:2x2", 2, shapes[a][0], shapes[a][1], 4);
        check_dist("tiles:1x3", 2, shapes[a][0], shapes[a][1], 3);
        check_dist("tiles:3x1", 2, shapes[a][0], shapes[a][1], 3);
    }
}
END_TEST

START_TEST(view_with_header)
{
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.dtype = PARIO_INT32;
    ds.offset = 64;
    uint64_t dims[2] = { 10, 6 };
    pario_dataset_set_shape(&ds, 2, dims);
    pario_dist d;
    pario_dist_parse("rows", &d);
    pario_view v;
    pario_status st = pario_view_build(&ds, &d, 1, 3, &v);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    /* 10 rows over 3 ranks are 4, 3, 3: rank 1 has rows 4..6 */
    ck_assert_int_eq(v.disp, 64 + 4 * 6 * 4);
    ck_assert_uint_eq(v.local_count, 18);
    pario_view_free(&v);
    pario_dist_parse("block", &d);
    st = pario_view_build(&ds, &d, 2, 3, &v);
    ck_assert_int_eq(v.disp, 64 + 40 * 4);
    pario_view_free(&v);
}
END_TEST

START_TEST(view_errors)
{
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.dtype = PARIO_INT32;
    snprintf(ds.path, sizeof ds.path, "one.bin");
    uint64_t n = 100;
    pario_dataset_set_shape(&ds, 1, &n);
    pario_dist d;
    pario_view v;
    static const char *two_d[] = { "rows", "cols", "tiles", "rows-cyclic:2" };
    for (int i = 0; i < 4; i++) {
        pario_dist_parse(two_d[i], &d);
        pario_status st = pario_view_build(&ds, &d, 0, 2, &v);
        ck_assert_msg(pario_failed(&st) && st.code == PARIO_ERR_USAGE && strstr(st.msg, "2-D"), "%s: %s",
                      two_d[i], st.msg);
    }
    uint64_t dims[2] = { 4, 4 };
    pario_dataset_set_shape(&ds, 2, dims);
    pario_dist_parse("tiles:2x2", &d);
    pario_status st = pario_view_build(&ds, &d, 0, 3, &v);
    ck_assert_msg(pario_failed(&st) && strstr(st.msg, "needs 4 ranks"), "%s", st.msg);
}
END_TEST

START_TEST(dist_parse)
{
    static const struct { const char *in, *canon; } ok[] = {
        { "block", "block" },       { "cyclic", "cyclic" },           { "cyclic:1", "cyclic" },
        { "cyclic:16", "cyclic:16" }, { "rows", "rows" },             { "cols", "cols" },
        { "tiles", "tiles" },       { "tiles:2x3", "tiles:2x3" },     { "rows-cyclic:4", "rows-cyclic:4" },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        pario_dist d;
        pario_status st = pario_dist_parse(ok[i].in, &d);
        ck_assert_msg(!pario_failed(&st), "%s: %s", ok[i].in, st.msg);
        char buf[64];
        pario_dist_format(&d, buf, sizeof buf);
        ck_assert_str_eq(buf, ok[i].canon);
    }
    static const char *bad[] = { "", "blocks", "block:2", "cyclic:0", "cyclic:-1", "cyclic:x", "tiles:2x",
                                 "tiles:0x2", "tiles:2x2x2", "rows:3", "diagonal" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pario_dist d;
        pario_status st = pario_dist_parse(bad[i], &d);
        ck_assert_msg(pario_failed(&st) && st.code == PARIO_ERR_USAGE, "'%s' accepted", bad[i]);
    }
}
END_TEST

Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("partition");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, split_uneven_and_empty);
    tcase_add_test(tc, views_1d);
    tcase_add_test(tc, views_2d);
    tcase_add_test(tc, view_with_header);
    tcase_add_test(tc, view_errors);
    tcase_add_test(tc, dist_parse);
    suite_add_tcase(s, tc);
    return s;
}
