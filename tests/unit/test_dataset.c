/* Descriptors: parsing (valid files, and each invalid case with a message naming the
 * file, the line and the field), size reconciliation, and writing them back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/dataset.h"
#include "suites.h"

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* Write text as a descriptor and load it. */
static pario_status load_text(const char *text, pario_dataset *ds, char *path, size_t len)
{
    test_path(path, len, "desc.yaml");
    write_text(path, text);
    return pario_desc_load(path, ds);
}

/* The message must start with "PATH:LINE:COLUMN: FIELD" (FIELD may be NULL) and contain want. */
static void expect_desc_error(const char *text, int line, const char *field, const char *want)
{
    pario_dataset ds;
    char path[1024], prefix[1200];
    pario_status st = load_text(text, &ds, path, sizeof path);
    ck_assert_msg(pario_failed(&st), "descriptor accepted but should fail:\n%s", text);
    ck_assert_int_eq(st.code, PARIO_ERR_RUNTIME);
    snprintf(prefix, sizeof prefix, "%s:%d:", path, line);
    ck_assert_msg(strncmp(st.msg, prefix, strlen(prefix)) == 0, "message '%s' does not start with '%s'", st.msg,
                  prefix);
    const char *rest = st.msg + strlen(prefix);
    ck_assert_msg(*rest >= '1' && *rest <= '9', "message '%s' has no column after the line", st.msg);
    while (*rest >= '0' && *rest <= '9')
        rest++;
    if (field)
        snprintf(prefix, sizeof prefix, ": %s: ", field);
    else
        snprintf(prefix, sizeof prefix, ": ");
    ck_assert_msg(strncmp(rest, prefix, strlen(prefix)) == 0, "message '%s' does not go on with '%s'", st.msg,
                  prefix);
    if (want)
        ck_assert_msg(strstr(st.msg, want) != NULL, "message '%s' does not say '%s'", st.msg, want);
    ck_assert_msg(strchr(st.msg, '\n') == NULL, "message is not one line: '%s'", st.msg);
}

START_TEST(valid_full)
{
    pario_dataset ds;
    char path[1024];
    pario_status st = load_text("dtype: int32\nshape: [3000017]\noffset: 64\nbyte_order: big\n", &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(ds.dtype, PARIO_INT32);
    ck_assert_int_eq(ds.ndims, 1);
    ck_assert_uint_eq(ds.shape[0], 3000017);
    ck_assert_uint_eq(ds.nelems, 3000017);
    ck_assert_uint_eq(ds.offset, 64);
    ck_assert_int_eq(ds.big_endian, 1);
    ck_assert_str_eq(ds.desc_path, path);
}
END_TEST

START_TEST(valid_defaults_and_2d)
{
    pario_dataset ds;
    char path[1024];
    /* comments, block-style list, description, no offset and no byte order */
    pario_status st = load_text("# a matrix\ndtype: float64\nshape:\n  - 1000\n  - 300\n"
                                "description: \"made by hand: 1000 x 300\"\n",
                                &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(ds.dtype, PARIO_FLOAT64);
    ck_assert_int_eq(ds.ndims, 2);
    ck_assert_uint_eq(ds.shape[0], 1000);
    ck_assert_uint_eq(ds.shape[1], 300);
    ck_assert_uint_eq(ds.nelems, 300000);
    ck_assert_uint_eq(ds.offset, 0);
    ck_assert_int_eq(ds.big_endian, 0);

    st = load_text("byte_order: little\ndtype: uint16\n", &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(ds.dtype, PARIO_UINT16);
    ck_assert_int_eq(ds.ndims, 0); /* shape comes from the file size later */
    ck_assert_int_eq(ds.big_endian, 0);

    st = load_text("dtype: int8\nshape: [0]\n", &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 0);

    /* byte order does not apply to 1-byte dtypes: big reads as little (a .npy's '|u1') */
    st = load_text("byte_order: big\ndtype: uint8\n", &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(ds.big_endian, 0);
    st = load_text("dtype: int8\nbyte_order: big\n", &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(ds.big_endian, 0);
}
END_TEST

/* The buffer entry point: the text's length counts, not a NUL in it. */
START_TEST(parse_buffer)
{
    pario_dataset ds;
    static const char text[] = "dtype: int16\nshape: [3]\n";
    pario_status st = pario_desc_parse("mem.yaml", text, sizeof text - 1, &ds);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 3);
    st = pario_desc_parse("mem.yaml", text, 12, &ds); /* "dtype: int16" */
    ck_assert_msg(!pario_failed(&st) && ds.ndims == 0, "%s", st.msg);
    static const char nul[] = "dtype: int16\0\nshape: [3]\n";
    st = pario_desc_parse("mem.yaml", nul, sizeof nul - 1, &ds);
    ck_assert_msg(pario_failed(&st) && strstr(st.msg, "mem.yaml:1:"), "%s", st.msg);
}
END_TEST

START_TEST(valid_every_dtype)
{
    static const struct { const char *name; pario_dtype t; size_t size; } types[] = {
        { "int8", PARIO_INT8, 1 },       { "int16", PARIO_INT16, 2 },   { "int32", PARIO_INT32, 4 },
        { "int64", PARIO_INT64, 8 },     { "uint8", PARIO_UINT8, 1 },   { "uint16", PARIO_UINT16, 2 },
        { "uint32", PARIO_UINT32, 4 },   { "uint64", PARIO_UINT64, 8 }, { "float32", PARIO_FLOAT32, 4 },
        { "float64", PARIO_FLOAT64, 8 },
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char text[128], path[1024];
        pario_dataset ds;
        snprintf(text, sizeof text, "dtype: %s\nshape: [5, 7]\n", types[i].name);
        pario_status st = load_text(text, &ds, path, sizeof path);
        ck_assert_msg(!pario_failed(&st), "%s: %s", types[i].name, st.msg);
        ck_assert_int_eq(ds.dtype, types[i].t);
        ck_assert_uint_eq(pario_dtype_size(ds.dtype), types[i].size);
        ck_assert_str_eq(pario_dtype_name(ds.dtype), types[i].name);
        ck_assert_uint_eq(pario_dataset_bytes(&ds), 35 * types[i].size);
    }
}
END_TEST

START_TEST(invalid_cases)
{
    expect_desc_error("dtype: int128\nshape: [10]\n", 1, "dtype", "'int128' is not a dtype");
    expect_desc_error("shape: [10]\noffset: 0\n", 1, "dtype", "missing");
    expect_desc_error("dtype: [int32]\n", 1, "dtype", "expected a dtype name (one of: int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64), not a list");
    expect_desc_error("dtype: int32\nshape: 10\n", 2, "shape", "expected a list");
    expect_desc_error("dtype: int32\nshape: [2, 3, 4]\n", 2, "shape", "1 or 2 dimensions");
    expect_desc_error("dtype: int32\nshape: []\n", 2, "shape", "1 or 2 dimensions");
    expect_desc_error("dtype: int32\nshape: [-5]\n", 2, "shape", "non-negative integers");
    expect_desc_error("dtype: int32\nshape: [1.5]\n", 2, "shape", "non-negative integers");
    expect_desc_error("dtype: int32\nshape: [\"10\"]\n", 2, "shape", "non-negative integers");
    expect_desc_error("dtype: int32\nshape: [ten]\n", 2, "shape", "non-negative integers");
    expect_desc_error("dtype: int32\nshape:\n  - 10\n  - x\n", 4, "shape", "non-negative integers");
    expect_desc_error("dtype: int32\nshape: [99999999999999999999]\n", 2, "shape",
                      "dimension 99999999999999999999 is too large (at most 2^64 - 1)");
    expect_desc_error("dtype: int32\nshape: [4294967296, 4294967296]\n", 2, "shape", "too many elements");
    expect_desc_error("dtype: int32\nshape: [10]\noffset: -1\n", 3, "offset", "non-negative integer");
    expect_desc_error("dtype: int32\nshape: [10]\noffset: 64 bytes\n", 3, "offset", "non-negative integer");
    expect_desc_error("dtype: int32\noffset: [64]\n", 2, "offset", "non-negative integer");
    expect_desc_error("dtype: int32\nshape: [10]\nbyte_order: middle\n", 3, "byte_order", "'little' or 'big'");
    expect_desc_error("dtype: int32\nbyte_order: Big\n", 2, "byte_order", "'little' or 'big'");
    expect_desc_error("dtype: int32\nshape: [10]\ncompression: gzip\n", 3, "compression", "unknown field");
    expect_desc_error("dtype: int32\nShape: [10]\n", 2, "Shape", "unknown field");
    expect_desc_error("dtype: int32\ndescription:\n  - a\n  - b\n", 3, "description", "expected text");
    /* not a mapping, empty, not YAML at all */
    expect_desc_error("- dtype\n- int32\n", 1, NULL, "expected a mapping");
    expect_desc_error("", 1, NULL, "empty descriptor");
    expect_desc_error("dtype: int32\nshape: [10\n", 3, NULL, "not valid YAML");
    /* issue 10: what YAML readers disagree on is refused, with line and field */
    expect_desc_error("dtype: int32\ndtype: int8\n", 2, "dtype", "duplicate key (first given at line 1, column 1)");
    expect_desc_error("dtype: int32\npart: {rank: 0, ranks: 2, dist: block, of: [3], rank: 1}\n", 2, "part.rank",
                      "duplicate key");
    expect_desc_error("{dtype: int32, shape: [1000]}garbage", 1, NULL, "text after the end of the document");
    expect_desc_error("dtype: int32\n---\ndtype: int8\n", 2, NULL, "a second document");
    expect_desc_error("dtype: \"int32\\0x\"\n", 1, "dtype", "NUL");
    expect_desc_error("dtype: !custom int32\n", 1, "dtype", "tags (!custom) are not allowed");
    expect_desc_error("dtype: &a int32\n", 1, "dtype", "anchors (&a) are not allowed");
    expect_desc_error("dtype: int32\nshape: [01000]\n", 2, "shape[0]", "not a plain decimal number");
    expect_desc_error("dtype: int32\nshape: [1000.0]\n", 2, "shape", "non-negative integers");
    expect_desc_error("dtype: 32\n", 1, "dtype", "not a dtype");
}
END_TEST

START_TEST(missing_descriptor)
{
    pario_dataset ds;
    char path[1024];
    test_path(path, sizeof path, "no-such.yaml");
    pario_status st = pario_desc_load(path, &ds);
    ck_assert(pario_failed(&st));
    ck_assert_int_eq(st.code, PARIO_ERR_RUNTIME);
    ck_assert_msg(strstr(st.msg, path) && strstr(st.msg, "cannot open descriptor"), "%s", st.msg);
}
END_TEST

/* A dataset from a descriptor text, named data.bin for the messages. */
static pario_dataset desc(const char *text)
{
    pario_dataset ds;
    char path[1024];
    pario_status st = load_text(text, &ds, path, sizeof path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    snprintf(ds.path, sizeof ds.path, "data.bin");
    return ds;
}

START_TEST(size_from_file)
{
    pario_dataset ds = desc("dtype: int32\n");
    pario_status st = pario_dataset_check_size(&ds, 4000);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(ds.ndims, 1);
    ck_assert_uint_eq(ds.shape[0], 1000);
    ck_assert_uint_eq(ds.nelems, 1000);

    ds = desc("dtype: float64\noffset: 64\n");
    st = pario_dataset_check_size(&ds, 64 + 8 * 12345);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 12345);

    ds = desc("dtype: int16\noffset: 10\n");
    st = pario_dataset_check_size(&ds, 10);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 0);

    /* over 2^32 elements: no 32-bit arithmetic on the way */
    ds = desc("dtype: int8\n");
    st = pario_dataset_check_size(&ds, (1ULL << 32) + 7);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, (1ULL << 32) + 7);
}
END_TEST

START_TEST(size_not_whole_records)
{
    pario_dataset ds = desc("dtype: int32\n");
    pario_status st = pario_dataset_check_size(&ds, 1001);
    ck_assert(pario_failed(&st));
    ck_assert_int_eq(st.code, PARIO_ERR_RUNTIME);
    ck_assert_str_eq(st.msg, "data.bin: 1001 bytes is not a whole number of 4-byte int32 records");

    ds = desc("dtype: float64\noffset: 16\n");
    st = pario_dataset_check_size(&ds, 16 + 8 * 10 + 3);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, "data.bin: ") == st.msg && strstr(st.msg, "83 bytes") &&
                  strstr(st.msg, "16-byte header") && strstr(st.msg, "8-byte float64"), "%s", st.msg);
}
END_TEST

START_TEST(size_short_or_long)
{
    pario_dataset ds = desc("dtype: int32\nshape: [1000]\n");
    pario_status st = pario_dataset_check_size(&ds, 4000);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);

    ds = desc("dtype: int32\nshape: [1000]\n");
    st = pario_dataset_check_size(&ds, 3999);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, "data.bin: 3999 bytes") == st.msg && strstr(st.msg, "4000") &&
                  strstr(st.msg, "too short"), "%s", st.msg);

    ds = desc("dtype: int32\nshape: [1000]\n");
    st = pario_dataset_check_size(&ds, 4004);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, "data.bin: 4004 bytes") == st.msg && strstr(st.msg, "longer"), "%s", st.msg);

    /* 2-D with a header: exact size passes, one byte more or less fails */
    ds = desc("dtype: float64\nshape: [10, 20]\noffset: 64\n");
    st = pario_dataset_check_size(&ds, 64 + 1600);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 200);
    st = pario_dataset_check_size(&ds, 64 + 1601);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, "[10, 20]") && strstr(st.msg, "1664"), "%s", st.msg);
    st = pario_dataset_check_size(&ds, 64 + 1599);
    ck_assert(pario_failed(&st));

    /* shorter than the header, with or without a shape */
    ds = desc("dtype: int8\noffset: 64\n");
    st = pario_dataset_check_size(&ds, 63);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, "data.bin: 63 bytes") == st.msg && strstr(st.msg, "64-byte header"), "%s", st.msg);
    ds = desc("dtype: int8\nshape: [0]\noffset: 64\n");
    st = pario_dataset_check_size(&ds, 0);
    ck_assert(pario_failed(&st));
}
END_TEST

START_TEST(set_shape_overflow)
{
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    uint64_t big[2] = { 1ULL << 32, 1ULL << 32 };
    ck_assert_int_eq(pario_dataset_set_shape(&ds, 2, big), 0);
    uint64_t ok[2] = { 3, 5 };
    ck_assert_int_eq(pario_dataset_set_shape(&ds, 2, ok), 1);
    ck_assert_uint_eq(ds.nelems, 15);
    ck_assert_int_eq(pario_dataset_set_shape(&ds, 1, ok), 1);
    ck_assert_uint_eq(ds.nelems, 3);
    ck_assert_uint_eq(ds.shape[1], 1);
}
END_TEST

START_TEST(write_and_reload)
{
    pario_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.dtype = PARIO_UINT64;
    uint64_t dims[2] = { 7, 11 };
    pario_dataset_set_shape(&ds, 2, dims);
    ds.offset = 4096;
    ds.big_endian = 1;
    char path[1024];
    test_path(path, sizeof path, "written.yaml");
    pario_status st = pario_desc_write(&ds, path);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    pario_dataset back;
    st = pario_desc_load(path, &back);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_int_eq(back.dtype, PARIO_UINT64);
    ck_assert_int_eq(back.ndims, 2);
    ck_assert_uint_eq(back.shape[0], 7);
    ck_assert_uint_eq(back.shape[1], 11);
    ck_assert_uint_eq(back.offset, 4096);
    ck_assert_int_eq(back.big_endian, 1);

    char def[256];
    pario_desc_default_path("dir/data.bin", def, sizeof def);
    ck_assert_str_eq(def, "dir/data.bin.yaml");
}
END_TEST

START_TEST(open_collective)
{
    char data[1024], dpath[1024];
    test_path(data, sizeof data, "open.bin");
    pario_desc_default_path(data, dpath, sizeof dpath);
    FILE *f = fopen(data, "wb");
    ck_assert_ptr_nonnull(f);
    static const char zeros[8 + 24];
    fwrite(zeros, 1, sizeof zeros, f);
    fclose(f);
    write_text(dpath, "dtype: int16\noffset: 8\n");
    pario_dataset ds;
    pario_status st = pario_dataset_open(data, NULL, &ds, MPI_COMM_WORLD);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 12);
    ck_assert_str_eq(ds.path, data);

    /* --desc elsewhere */
    char other[1024];
    test_path(other, sizeof other, "other.yaml");
    write_text(other, "dtype: float64\nshape: [3, 2]\n");
    st = pario_dataset_open(data, other, &ds, MPI_COMM_WORLD);
    ck_assert_msg(pario_failed(&st) && strstr(st.msg, "[3, 2]") && strstr(st.msg, "too short"), "%s", st.msg);
    write_text(other, "dtype: float64\n");
    st = pario_dataset_open(data, other, &ds, MPI_COMM_WORLD);
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(ds.nelems, 4);

    /* no data file, no descriptor */
    char missing[1024];
    test_path(missing, sizeof missing, "missing.bin");
    st = pario_dataset_open(missing, NULL, &ds, MPI_COMM_WORLD);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, missing) == st.msg, "%s", st.msg);
    test_path(missing, sizeof missing, "nodesc.bin");
    f = fopen(missing, "wb");
    fclose(f);
    st = pario_dataset_open(missing, NULL, &ds, MPI_COMM_WORLD);
    ck_assert(pario_failed(&st));
    ck_assert_msg(strstr(st.msg, "nodesc.bin.yaml") && strstr(st.msg, "cannot open descriptor"), "%s", st.msg);
    /* a directory is not a data file */
    st = pario_dataset_open(test_tmpdir(), NULL, &ds, MPI_COMM_WORLD);
    ck_assert(pario_failed(&st));
}
END_TEST

Suite *dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("descriptor");
    tcase_add_test(tc, valid_full);
    tcase_add_test(tc, valid_defaults_and_2d);
    tcase_add_test(tc, valid_every_dtype);
    tcase_add_test(tc, parse_buffer);
    tcase_add_test(tc, invalid_cases);
    tcase_add_test(tc, missing_descriptor);
    tcase_add_test(tc, write_and_reload);
    suite_add_tcase(s, tc);
    tc = tcase_create("size");
    tcase_add_test(tc, size_from_file);
    tcase_add_test(tc, size_not_whole_records);
    tcase_add_test(tc, size_short_or_long);
    tcase_add_test(tc, set_shape_overflow);
    tcase_add_test(tc, open_collective);
    suite_add_tcase(s, tc);
    return s;
}
