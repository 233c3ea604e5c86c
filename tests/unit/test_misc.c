/* Small parsers and emitters: sizes, scalars, value pairs, output formats (the JSON
 * is checked by a strict validator written here, the YAML by libyaml), the counting
 * kernels against plain loops, byte swapping and status agreement, pi's split of a
 * round over the ranks. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "pario/cast.h"
#include "pario/count.h"
#include "pario/dtype.h"
#include "pario/fileutil.h"
#include "pario/kernels.h"
#include "pario/opts.h"
#include "pario/output.h"
#include "pario/pi.h"
#include "pario/status.h"
#include "suites.h"

START_TEST(parse_size_ok)
{
    static const struct { const char *in; uint64_t want; } ok[] = {
        { "0", 0 },
        { "1000", 1000 },
        { "1e9", 1000000000ULL },
        { "1E3", 1000 },
        { "2.5e3", 2500 },
        { "2Gi", 1ULL << 31 },
        { "2GiB", 1ULL << 31 },
        { "4Mi", 4ULL << 20 },
        { "1Ki", 1024 },
        { "1.5Ki", 1536 },
        { "3k", 3000 },
        { "3K", 3000 },
        { "7M", 7000000 },
        { "2G", 2000000000ULL },
        { "1T", 1000000000000ULL },
        { "1Ti", 1ULL << 40 },
        { "2147495993", 2147495993ULL },
        { "18446744073709551615", UINT64_MAX },
        /* read exactly, not through a double */
        { "1.005k", 1005 },
        { "9007199254740993.0", 9007199254740993ULL },
        { "1.8446744073709551615e19", UINT64_MAX },
        { "0.125Ki", 128 },
        { "100e-2", 1 },
        { "0.5Ki", 512 },
        { "0e400", 0 },
        { "00012", 12 },
        { "1e+3", 1000 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t v = 12345;
        pario_status st = pario_parse_size(ok[i].in, &v);
        ck_assert_msg(!pario_failed(&st), "'%s': %s", ok[i].in, st.msg);
        ck_assert_msg(v == ok[i].want, "'%s' -> %llu, expected %llu", ok[i].in, (unsigned long long)v,
                      (unsigned long long)ok[i].want);
    }
    uint64_t v;
    pario_status st = pario_parse_size("16777215Ti", &v); /* (2^24 - 1) * 2^40 fits */
    ck_assert_msg(!pario_failed(&st), "%s", st.msg);
    ck_assert_uint_eq(v, ((1ULL << 24) - 1) << 40);
}
END_TEST

START_TEST(parse_size_bad)
{
    static const char *bad[] = { "", "-1", "abc", "5X", "5kb", "5 k", "5k ", "2gi", "2GI", "1.5", "1.0001k",
                                 "1e30", "20000000000000000000", "16777216Ti", "1e", "k", "Gi", "+-3", "1..2",
                                 "1.0000000000000001e3", "9007199254740993.5", "1.8446744073709551616e19", "0.001Ki",
                                 "1e-400", "5.", "1e400", "1.8446744073709551615e19k",
                                 /* past 2^64 before the exponent's steps (an __int128 overflow, fuzz_size) */
                                 "413707707940741370770794030000000000000000T", "77371252455336267181195263e1Ti" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v;
        pario_status st = pario_parse_size(bad[i], &v);
        ck_assert_msg(pario_failed(&st), "'%s' accepted as %llu", bad[i], (unsigned long long)v);
        ck_assert_int_eq(st.code, PARIO_ERR_USAGE);
        ck_assert_msg(strstr(st.msg, bad[i]) != NULL, "message '%s' does not quote the input", st.msg);
    }
    uint64_t v;
    pario_status st = pario_parse_size("5kb", &v);
    ck_assert_msg(strstr(st.msg, "suffix"), "%s", st.msg);
}
END_TEST

static void scalar_ok(const char *in, pario_dtype t, int in_range, int64_t i, uint64_t u, double f)
{
    pario_scalar s;
    int r = -1;
    pario_status st = pario_scalar_parse(in, t, &s, &r);
    ck_assert_msg(!pario_failed(&st), "'%s' as %s: %s", in, pario_dtype_name(t), st.msg);
    ck_assert_msg(r == in_range, "'%s' as %s: in_range %d", in, pario_dtype_name(t), r);
    if (!in_range)
        return;
    if (pario_dtype_is_float(t))
        ck_assert_msg(s.f == f || (isnan(f) && isnan(s.f)), "'%s' as %s: %.17g", in, pario_dtype_name(t), s.f);
    else if (pario_dtype_is_signed(t))
        ck_assert_msg(s.i == i, "'%s' as %s: %lld", in, pario_dtype_name(t), (long long)s.i);
    else
        ck_assert_msg(s.u == u, "'%s' as %s: %llu", in, pario_dtype_name(t), (unsigned long long)s.u);
}

static void scalar_bad(const char *in, pario_dtype t)
{
    pario_scalar s;
    int r;
    pario_status st = pario_scalar_parse(in, t, &s, &r);
    ck_assert_msg(pario_failed(&st), "'%s' accepted as %s", in, pario_dtype_name(t));
    ck_assert_int_eq(st.code, PARIO_ERR_USAGE);
    ck_assert_msg(strstr(st.msg, in) != NULL, "%s", st.msg);
}

START_TEST(scalar_parse)
{
    scalar_ok("127", PARIO_INT8, 1, 127, 0, 0);
    scalar_ok("-128", PARIO_INT8, 1, -128, 0, 0);
    scalar_ok("128", PARIO_INT8, 0, 0, 0, 0);
    scalar_ok("-129", PARIO_INT8, 0, 0, 0, 0);
    scalar_ok("255", PARIO_UINT8, 1, 0, 255, 0);
    scalar_ok("256", PARIO_UINT8, 0, 0, 0, 0);
    scalar_ok("-1", PARIO_UINT8, 0, 0, 0, 0);
    scalar_ok("1e2", PARIO_INT16, 1, 100, 0, 0);
    scalar_ok("3.0", PARIO_UINT16, 1, 0, 3, 0);
    scalar_ok("-7.0", PARIO_INT32, 1, -7, 0, 0);
    scalar_ok("2147483647", PARIO_INT32, 1, 2147483647, 0, 0);
    scalar_ok("2147483648", PARIO_INT32, 0, 0, 0, 0);
    scalar_ok("4294967295", PARIO_UINT32, 1, 0, 4294967295u, 0);
    scalar_ok("-9223372036854775808", PARIO_INT64, 1, INT64_MIN, 0, 0);
    scalar_ok("9223372036854775807", PARIO_INT64, 1, INT64_MAX, 0, 0);
    scalar_ok("9223372036854775808", PARIO_INT64, 0, 0, 0, 0);
    scalar_ok("18446744073709551615", PARIO_UINT64, 1, 0, UINT64_MAX, 0);
    scalar_ok("18446744073709551616", PARIO_UINT64, 0, 0, 0, 0);
    scalar_ok("10", PARIO_INT32, 1, 10, 0, 0);
    /* whole numbers of any size are integers no element holds, as 1e30 is (1e38,
     * 1e400 and 42 digits were usage errors before session 12) */
    scalar_ok("1e30", PARIO_INT32, 0, 0, 0, 0);
    scalar_ok("1e38", PARIO_INT32, 0, 0, 0, 0);
    scalar_ok("-1e400", PARIO_INT64, 0, 0, 0, 0);
    scalar_ok("123456789012345678901234567890123456789012", PARIO_UINT64, 0, 0, 0, 0);
    /* leading zeros are decimal, as everywhere else in pario (not C's octal) */
    scalar_ok("010", PARIO_INT32, 1, 10, 0, 0);
    scalar_ok("-010", PARIO_INT32, 1, -10, 0, 0);
    scalar_ok("0010", PARIO_UINT8, 1, 0, 10, 0);
    scalar_ok("-08", PARIO_INT8, 1, -8, 0, 0);
    scalar_ok("0.5", PARIO_FLOAT32, 1, 0, 0, 0.5);
    scalar_ok("0.1", PARIO_FLOAT32, 1, 0, 0, 0.1f); /* numpy's float32 == 0.1: the float32 nearest */
    scalar_ok("3.5e38", PARIO_FLOAT32, 0, 0, 0, 0);  /* beyond float32 (numpy: inf): no element */
    scalar_ok("1e-46", PARIO_FLOAT32, 0, 0, 0, 0);   /* below its subnormals (numpy: 0): no element */
    scalar_ok("1e-45", PARIO_FLOAT32, 1, 0, 0, 1e-45f);
    scalar_ok("0.1", PARIO_FLOAT64, 1, 0, 0, 0.1);
    scalar_ok("-1e300", PARIO_FLOAT64, 1, 0, 0, -1e300);
    scalar_ok("inf", PARIO_FLOAT64, 1, 0, 0, INFINITY);
    scalar_ok("-inf", PARIO_FLOAT32, 1, 0, 0, -INFINITY);
    /* decimals beyond the double range are values no element holds, not inf or 0 */
    scalar_ok("1e400", PARIO_FLOAT64, 0, 0, 0, 0);
    scalar_ok("-1e400", PARIO_FLOAT64, 0, 0, 0, 0);
    scalar_ok("1e-400", PARIO_FLOAT64, 0, 0, 0, 0);
    scalar_ok("1e-320", PARIO_FLOAT64, 1, 0, 0, 1e-320);
    scalar_ok("nan", PARIO_FLOAT64, 1, 0, 0, NAN);
    scalar_bad("abc", PARIO_INT32);
    scalar_bad("1.5", PARIO_INT32);
    scalar_bad("1e-400", PARIO_INT32);
    scalar_bad("inf", PARIO_INT32);
    scalar_bad("-1.5", PARIO_INT8);
    scalar_bad("12abc", PARIO_UINT64);
    scalar_bad("", PARIO_INT32);
    scalar_bad("x", PARIO_FLOAT64);
    scalar_bad("1.0.0", PARIO_FLOAT32);
    scalar_bad("nan", PARIO_INT32);
}
END_TEST

START_TEST(split_pair)
{
    char buf[64], *a, *b;
    ck_assert(pario_split_pair("-5:3", ':', buf, sizeof buf, &a, &b));
    ck_assert_str_eq(a, "-5");
    ck_assert_str_eq(b, "3");
    ck_assert(pario_split_pair("-5:-3", ':', buf, sizeof buf, &a, &b));
    ck_assert_str_eq(a, "-5");
    ck_assert_str_eq(b, "-3");
    ck_assert(pario_split_pair("100,300", ',', buf, sizeof buf, &a, &b));
    ck_assert_str_eq(a, "100");
    ck_assert_str_eq(b, "300");
    ck_assert(!pario_split_pair("5", ':', buf, sizeof buf, &a, &b));
    ck_assert(!pario_split_pair(":3", ':', buf, sizeof buf, &a, &b));
    ck_assert(!pario_split_pair("3:", ':', buf, sizeof buf, &a, &b));
    ck_assert(!pario_split_pair("", ':', buf, sizeof buf, &a, &b));
    ck_assert(!pario_split_pair("0123456789:0123456789", ':', buf, 8, &a, &b));
}
END_TEST

START_TEST(format_and_dtype_names)
{
    int fmt = -1;
    pario_status st = pario_format_parse("json", &fmt);
    ck_assert(!pario_failed(&st) && fmt == PARIO_FMT_JSON);
    st = pario_format_parse("yaml", &fmt);
    ck_assert(!pario_failed(&st) && fmt == PARIO_FMT_YAML);
    st = pario_format_parse("text", &fmt);
    ck_assert(!pario_failed(&st) && fmt == PARIO_FMT_TEXT);
    st = pario_format_parse("xml", &fmt);
    ck_assert(pario_failed(&st) && st.code == PARIO_ERR_USAGE && strstr(st.msg, "xml"));
    for (int t = 0; t < PARIO_DTYPE_COUNT; t++) {
        ck_assert_int_eq(pario_dtype_from_name(pario_dtype_name((pario_dtype)t)), t);
        ck_assert(strstr(pario_dtype_names(), pario_dtype_name((pario_dtype)t)));
        int size;
        MPI_Type_size(pario_dtype_mpi((pario_dtype)t), &size);
        ck_assert_uint_eq((size_t)size, pario_dtype_size((pario_dtype)t));
    }
    ck_assert_int_eq(pario_dtype_from_name("int128"), -1);
    ck_assert_int_eq(pario_dtype_from_name("Int32"), -1);
    ck_assert_int_eq(pario_dtype_from_name("double"), -1);
}
END_TEST

START_TEST(byteswap)
{
    uint16_t a[3] = { 0x0102, 0xA0B0, 0 };
    pario_byteswap(a, 2, 2);
    ck_assert_uint_eq(a[0], 0x0201);
    ck_assert_uint_eq(a[1], 0xB0A0);
    ck_assert_uint_eq(a[2], 0);
    uint32_t b = 0x01020304;
    pario_byteswap(&b, 1, 4);
    ck_assert_uint_eq(b, 0x04030201);
    uint64_t c[2] = { 0x0102030405060708ULL, 0x1122334455667788ULL };
    pario_byteswap(c, 2, 8);
    ck_assert_uint_eq(c[0], 0x0807060504030201ULL);
    ck_assert_uint_eq(c[1], 0x8877665544332211ULL);
    uint8_t d[2] = { 1, 2 };
    pario_byteswap(d, 2, 1);
    ck_assert(d[0] == 1 && d[1] == 2);
    const unsigned char bytes[4] = { 1, 0, 0, 0 };
    uint32_t le;
    memcpy(&le, bytes, 4);
    ck_assert_int_eq(pario_host_little_endian(), le == 1);
}
END_TEST

/* ---- a strict JSON validator (RFC 8259 grammar), enough to reject what a broken
 * emitter writes: trailing commas, bare words, unescaped control characters, NaN. */
struct js { const char *p; };
static void js_ws(struct js *j) { while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r') j->p++; }
static int js_value(struct js *j);
static int js_string(struct js *j)
{
    if (*j->p != '"')
        return 0;
    j->p++;
    while (*j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            j->p++;
            if (*j->p == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (!strchr("0123456789abcdefABCDEF", j->p[k]) || !j->p[k])
                        return 0;
                j->p += 4;
            } else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
                return 0;
            }
        }
        j->p++;
    }
    j->p++;
    return 1;
}
static int js_number(struct js *j)
{
    const char *p = j->p;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    j->p = p;
    return 1;
}
static int js_seq(struct js *j, char close, int object)
{
    j->p++;
    js_ws(j);
    if (*j->p == close) {
        j->p++;
        return 1;
    }
    for (;;) {
        js_ws(j);
        if (object) {
            if (!js_string(j))
                return 0;
            js_ws(j);
            if (*j->p++ != ':')
                return 0;
        }
        if (!js_value(j))
            return 0;
        js_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p == close) {
            j->p++;
            return 1;
        }
        return 0;
    }
}
static int js_value(struct js *j)
{
    js_ws(j);
    switch (*j->p) {
    case '{': return js_seq(j, '}', 1);
    case '[': return js_seq(j, ']', 0);
    case '"': return js_string(j);
    case 't': return strncmp(j->p, "true", 4) == 0 ? (j->p += 4, 1) : 0;
    case 'f': return strncmp(j->p, "false", 5) == 0 ? (j->p += 5, 1) : 0;
    case 'n': return strncmp(j->p, "null", 4) == 0 ? (j->p += 4, 1) : 0;
    default: return js_number(j);
    }
}
static int json_valid(const char *text)
{
    struct js j = { text };
    if (*j.p != '{' || !js_value(&j))
        return 0;
    js_ws(&j);
    return *j.p == '\0';
}

START_TEST(json_validator_rejects)
{
    /* the validator itself must be able to fail */
    ck_assert(json_valid("{\"a\":1,\"b\":[1,2.5e-3,-0],\"c\":{\"d\":null,\"e\":true}}\n"));
    ck_assert(!json_valid("{\"a\":1,}"));
    ck_assert(!json_valid("{\"a\":nan}"));
    ck_assert(!json_valid("{\"a\":[1,2,]}"));
    ck_assert(!json_valid("{a:1}"));
    ck_assert(!json_valid("{\"a\":\"x\ny\"}"));
    ck_assert(!json_valid("{\"a\":01}"));
    ck_assert(!json_valid("{\"a\":1}{"));
    ck_assert(!json_valid("{\"a\":1"));
}
END_TEST

/* Emit a document with every kind of item into a string. */
static char *emit(int fmt)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    pario_out o;
    pario_out_open(&o, f, fmt);
    pario_out_u64(&o, "count", UINT64_MAX);
    pario_out_i64(&o, "min", INT64_MIN);
    pario_out_f64(&o, "tenth", 0.1);
    pario_out_f64(&o, "big", 1e300);
    pario_out_f64(&o, "tiny", 4.9e-324);
    pario_out_f64(&o, "nan", NAN);
    pario_out_f64(&o, "inf", -INFINITY);
    pario_out_str(&o, "odd \"key\"", "quote \" backslash \\ newline \n tab \t bell \a: # not a comment");
    pario_out_bool(&o, "yes", 1);
    pario_out_null(&o, "nothing");
    pario_out_obj(&o, "counts");
    pario_out_u64(&o, "-1", 5);
    pario_out_u64(&o, "2.5", 6);
    pario_out_obj(&o, "nested");
    pario_out_arr(&o, "empty");
    pario_out_end(&o);
    pario_out_end(&o);
    pario_out_end(&o);
    pario_out_arr(&o, "per_rank");
    for (int i = 0; i < 3; i++)
        pario_out_u64(&o, NULL, (uint64_t)i * 10);
    pario_out_end(&o);
    pario_out_obj(&o, "open at close");
    pario_out_u64(&o, "x", 1);
    pario_out_close(&o); /* closes the open object itself */
    fclose(f);
    return text;
}

START_TEST(output_json)
{
    char *text = emit(PARIO_FMT_JSON);
    ck_assert_msg(json_valid(text), "not valid JSON:\n%s", text);
    ck_assert_msg(strstr(text, "\"count\":18446744073709551615"), "%s", text);
    ck_assert_msg(strstr(text, "\"min\":-9223372036854775808"), "%s", text);
    ck_assert_msg(strstr(text, "\"tenth\":0.1"), "%s", text);
    ck_assert_msg(strstr(text, "\"nan\":\"nan\"") && strstr(text, "\"inf\":\"-inf\""), "%s", text);
    ck_assert_msg(strstr(text, "\"nothing\":null"), "%s", text);
    ck_assert_msg(strstr(text, "\"per_rank\":[0,10,20]"), "%s", text);
    ck_assert_msg(strstr(text, "\"empty\":[]"), "%s", text);
    ck_assert_msg(strstr(text, "quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007"), "%s", text);
    ck_assert_msg(text[strlen(text) - 1] == '\n' && strchr(text, '\n') == text + strlen(text) - 1,
                  "JSON should be one line: %s", text);
    free(text);
    /* a plain one, exactly */
    char *t2 = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&t2, &len);
    pario_out o;
    pario_out_open(&o, f, PARIO_FMT_JSON);
    pario_out_u64(&o, "count", 3);
    pario_out_u64(&o, "elements", 10);
    pario_out_close(&o);
    fclose(f);
    ck_assert_str_eq(t2, "{\"count\":3,\"elements\":10}\n");
    free(t2);
}
END_TEST

/* Find key in a libyaml mapping node; NULL if absent. */
static yaml_node_t *ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}
static const char *yscalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "(not a scalar)";
}

START_TEST(output_yaml)
{
    char *text = emit(PARIO_FMT_YAML);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    int ok = yaml_parser_load(&parser, &doc);
    ck_assert_msg(ok, "not valid YAML (%s):\n%s", parser.problem ? parser.problem : "?", text);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    ck_assert_msg(root && root->type == YAML_MAPPING_NODE, "%s", text);
    ck_assert_str_eq(yscalar(ymap_get(&doc, root, "count")), "18446744073709551615");
    ck_assert_str_eq(yscalar(ymap_get(&doc, root, "odd \"key\"")),
                     "quote \" backslash \\ newline \n tab \t bell \a: # not a comment");
    yaml_node_t *counts = ymap_get(&doc, root, "counts");
    ck_assert_msg(counts && counts->type == YAML_MAPPING_NODE, "%s", text);
    ck_assert_str_eq(yscalar(ymap_get(&doc, counts, "-1")), "5");
    ck_assert_str_eq(yscalar(ymap_get(&doc, counts, "2.5")), "6");
    yaml_node_t *pr = ymap_get(&doc, root, "per_rank");
    ck_assert_msg(pr && pr->type == YAML_SEQUENCE_NODE && pr->data.sequence.items.top - pr->data.sequence.items.start == 3,
                  "%s", text);
    yaml_node_t *open = ymap_get(&doc, root, "open at close");
    ck_assert_str_eq(yscalar(ymap_get(&doc, open, "x")), "1");
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    free(text);
}
END_TEST

START_TEST(fmt_double_round_trip)
{
    const double vals[] = { 0.1, 1.0 / 3, 2.0 / 3, 1e-310, DBL_MAX, DBL_MIN, -0.0, 123456789.125, 5e-324,
                            0.30000000000000004, 1e21, 100 };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        char buf[40];
        pario_fmt_double(buf, sizeof buf, vals[i]);
        ck_assert_msg(strtod(buf, NULL) == vals[i], "%.17g printed as %s", vals[i], buf);
    }
    char buf[40];
    pario_fmt_double(buf, sizeof buf, 0.1);
    ck_assert_str_eq(buf, "0.1");
}
END_TEST

/* pario_fmt_double's exact integer path gives the bytes of its definition,
 * the first of %.15g, %.16g, %.17g that strtod reads back: random bit
 * patterns, mantissas over the binary exponents the path takes and beyond,
 * the doubles beside powers of 10 (where log10 is off by one) and of 2 (the
 * nearer neighbour below), ties, and histogram edges. */
static void fmt_as_printf(double v)
{
    char got[48], want[48];
    pario_fmt_double(got, sizeof got, v);
    int from = v != 0.0 && fabs(v) < DBL_MIN ? 1 : 15;
    for (int prec = from; prec <= 17; prec++) {
        snprintf(want, sizeof want, "%.*g", prec, v);
        if (strtod(want, NULL) == v)
            break;
    }
    ck_assert_msg(strcmp(got, want) == 0, "%a: %s, not %s", v, got, want);
}

START_TEST(fmt_double_as_printf)
{
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < 100000; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        double v;
        memcpy(&v, &s, sizeof v);
        if (isfinite(v))
            fmt_as_printf(v);
        v = ldexp((double)(s >> 11), (int)(s % 300) - 200);
        fmt_as_printf(v);
        fmt_as_printf(-v);
    }
    for (int k = -20; k <= 50; k++)
        for (int j = 1; j <= 200; j++) {
            double v = j * pow(10, k);
            fmt_as_printf(v);
            fmt_as_printf(nextafter(v, 0));
            fmt_as_printf(nextafter(v, INFINITY));
        }
    for (int e = -1074; e < 1024; e++) {
        double v = ldexp(1, e);
        fmt_as_printf(v);
        fmt_as_printf(nextafter(v, 0));
        fmt_as_printf(nextafter(v, INFINITY));
    }
    for (int bins = 1; bins <= 2000; bins += 37)
        for (int i = 0; i <= bins; i++)
            fmt_as_printf(-5 + i * (10.0 / bins));
    const double odd[] = { 0.0, 0.5, 1.5, 2.5, 1e16, 1e17, 9007199254740993.0, 123456789012345680.0, 0.1, 0.3,
                           2.0 / 3, DBL_MAX, DBL_MIN, 5e-324, 1e23, 9.9999999999999999e22, 4.35, 0.000123 };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        fmt_as_printf(odd[i]);
        fmt_as_printf(-odd[i]);
    }
}
END_TEST

/* ---- counting kernels against a plain loop, for every dtype */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Fill buf with n values of type t drawn from a small set (so equality hits). */
static void fill_small(void *buf, size_t n, pario_dtype t, uint64_t seed)
{
    uint64_t s = seed | 1;
    for (size_t i = 0; i < n; i++) {
        int64_t v = (int64_t)(rnd(&s) % 21) - 10; /* -10 .. 10 */
        switch (t) {
        case PARIO_INT8: ((int8_t *)buf)[i] = (int8_t)(v == 10 ? INT8_MAX : v == -10 ? INT8_MIN : v); break;
        case PARIO_INT16: ((int16_t *)buf)[i] = (int16_t)(v == 10 ? INT16_MAX : v == -10 ? INT16_MIN : v); break;
        case PARIO_INT32: ((int32_t *)buf)[i] = (int32_t)(v == 10 ? INT32_MAX : v == -10 ? INT32_MIN : v); break;
        case PARIO_INT64: ((int64_t *)buf)[i] = v == 10 ? INT64_MAX : v == -10 ? INT64_MIN : v; break;
        case PARIO_UINT8: ((uint8_t *)buf)[i] = (uint8_t)(v == 10 ? UINT8_MAX : v < 0 ? -v : v); break;
        case PARIO_UINT16: ((uint16_t *)buf)[i] = (uint16_t)(v == 10 ? UINT16_MAX : v < 0 ? -v : v); break;
        case PARIO_UINT32: ((uint32_t *)buf)[i] = (uint32_t)(v == 10 ? UINT32_MAX : v < 0 ? -v : v); break;
        case PARIO_UINT64: ((uint64_t *)buf)[i] = v == 10 ? UINT64_MAX : (uint64_t)(v < 0 ? -v : v); break;
        case PARIO_FLOAT32: ((float *)buf)[i] = v == 10 ? NAN : v == -10 ? -INFINITY : (float)v / 2; break;
        default: ((double *)buf)[i] = v == 10 ? NAN : v == -10 ? INFINITY : (double)v / 2; break;
        }
    }
}

/* Element i as an exact integer (kind 0 signed, 1 unsigned) or a double (kind 2). */
static int ref_cmp_value(const void *buf, size_t i, pario_dtype t, int64_t *si, uint64_t *ui, double *f)
{
    switch (t) {
    case PARIO_INT8: *si = ((const int8_t *)buf)[i]; return 0;
    case PARIO_INT16: *si = ((const int16_t *)buf)[i]; return 0;
    case PARIO_INT32: *si = ((const int32_t *)buf)[i]; return 0;
    case PARIO_INT64: *si = ((const int64_t *)buf)[i]; return 0;
    case PARIO_UINT8: *ui = ((const uint8_t *)buf)[i]; return 1;
    case PARIO_UINT16: *ui = ((const uint16_t *)buf)[i]; return 1;
    case PARIO_UINT32: *ui = ((const uint32_t *)buf)[i]; return 1;
    case PARIO_UINT64: *ui = ((const uint64_t *)buf)[i]; return 1;
    case PARIO_FLOAT32: *f = ((const float *)buf)[i]; return 2;
    default: *f = ((const double *)buf)[i]; return 2;
    }
}

/* A decimal text as an exact integer: digits are read one by one (no rounding
 * through long double, which valgrind does not emulate), "1e30" through double.
 * Returns 0 for a text that is not an integral number (0.5, inf, nan). */
static int text_int(const char *text, __int128 *out)
{
    const char *p = text;
    int neg = *p == '-';
    p += neg;
    if (*p >= '0' && *p <= '9' && !p[strspn(p, "0123456789")]) {
        __int128 v = 0;
        for (; *p; p++)
            v = v * 10 + (*p - '0');
        *out = neg ? -v : v;
        return 1;
    }
    char *end;
    double d = strtod(text, &end);
    if (*end || !isfinite(d) || d != floor(d) || fabs(d) > 1e38)
        return 0;
    *out = (__int128)d;
    return 1;
}

/* Element i as an exact __int128 (integer types) or double (floats); returns 1 for floats. */
static int elem(const void *buf, size_t i, pario_dtype t, __int128 *x, double *f)
{
    int64_t si = 0;
    uint64_t ui = 0;
    int kind = ref_cmp_value(buf, i, t, &si, &ui, f);
    *x = kind == 0 ? (__int128)si : (__int128)ui;
    return kind == 2;
}

/* Is element i in [lo, hi)? Exact comparisons: __int128 for integers, double for floats. */
static int ref_in(const void *buf, size_t i, pario_dtype t, const char *lo, const char *hi)
{
    __int128 x, l, h;
    double f;
    if (elem(buf, i, t, &x, &f))
        return f >= strtod(lo, NULL) && f < strtod(hi, NULL); /* the bounds below are doubles */
    /* integers: x >= L and x < H exactly when x >= ceil(L) and x < ceil(H) */
    if (!text_int(lo, &l)) {
        double d = strtod(lo, NULL);
        l = isinf(d) ? (d < 0 ? -((__int128)1 << 100) : ((__int128)1 << 100)) : (__int128)ceil(d);
    }
    if (!text_int(hi, &h)) {
        double d = strtod(hi, NULL);
        h = isinf(d) ? (d < 0 ? -((__int128)1 << 100) : ((__int128)1 << 100)) : (__int128)ceil(d);
    }
    return x >= l && x < h;
}

/* Is element i equal to the value text? */
static int ref_eq(const void *buf, size_t i, pario_dtype t, const char *text)
{
    __int128 x, v;
    double f;
    if (elem(buf, i, t, &x, &f))
        return f == strtod(text, NULL);
    return text_int(text, &v) && x == v;
}

START_TEST(kernels_match_loops)
{
    enum { N = 4099 }; /* not a multiple of any vector width */
    static unsigned char buf[N * 8 + 64];
    static const char *values[] = { "0", "1", "-1", "2", "-10", "10", "127", "-128", "255", "65535", "-32768",
                                    "2147483647", "-2147483648", "4294967295", "9223372036854775807",
                                    "-9223372036854775808", "18446744073709551615", "0.5", "-2.5", "inf", "-inf",
                                    "nan", "300", "-300" };
    static const char *ranges[][2] = { { "0", "3" },   { "-5", "5" },     { "-1000", "1000" }, { "-3", "-3" },
                                       { "5", "-5" },  { "-1e30", "1e30" }, { "1", "2" },      { "-0.5", "0.5" },
                                       { "-inf", "inf" }, { "-129", "-127" }, { "254", "256" }, { "0", "1e20" },
                                       /* bounds beyond the 64-bit types keep their extremes */
                                       { "0", "18446744073709551616" }, { "0", "9223372036854775808" },
                                       { "-9223372036854775809", "0" }, { "-1e30", "-9223372036854775808" },
                                       { "18446744073709551615", "1e400" }, { "-2.5", "7.5" }, { "0.5", "1" } };
    for (int t = 0; t < PARIO_DTYPE_COUNT; t++) {
        const pario_dtype dt = (pario_dtype)t;
        for (int offset = 0; offset < 3; offset++) { /* unaligned starts too */
            size_t n = N - (size_t)offset * 7;
            void *b = buf + (size_t)offset * pario_dtype_size(dt);
            fill_small(b, n, dt, 1000 + (uint64_t)t * 10 + (uint64_t)offset);
            for (size_t k = 0; k < sizeof values / sizeof values[0]; k++) {
                pario_scalar v;
                int possible;
                pario_status st = pario_scalar_parse(values[k], dt, &v, &possible);
                if (pario_failed(&st))
                    continue; /* e.g. 0.5 for integers: refused earlier, as a usage error */
                uint64_t got = possible ? pario_kernel_count_eq(b, n, dt, &v) : 0, want = 0;
                for (size_t i = 0; i < n; i++)
                    want += ref_eq(b, i, dt, values[k]);
                ck_assert_msg(got == want, "%s == %s: kernel %llu, loop %llu", pario_dtype_name(dt), values[k],
                              (unsigned long long)got, (unsigned long long)want);
            }
            for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
                pario_count_query q;
                memset(&q, 0, sizeof q);
                char arg[64];
                snprintf(arg, sizeof arg, "%s:%s", ranges[k][0], ranges[k][1]);
                pario_status st = pario_count_query_set(&q, PARIO_COUNT_RANGE, arg);
                ck_assert_msg(!pario_failed(&st), "%s", st.msg);
                st = pario_count_query_resolve(&q, dt);
                if (pario_failed(&st))
                    continue; /* fractional bounds for integers */
                uint64_t got = 0, want = 0;
                pario_count_chunk(&q, b, n, dt, &got);
                for (size_t i = 0; i < n; i++)
                    want += ref_in(b, i, dt, ranges[k][0], ranges[k][1]);
                ck_assert_msg(got == want, "%s in [%s, %s): kernel %llu, loop %llu", pario_dtype_name(dt),
                              ranges[k][0], ranges[k][1], (unsigned long long)got, (unsigned long long)want);
            }
        }
    }
}
END_TEST

START_TEST(count_query_parse)
{
    pario_count_query q;
    memset(&q, 0, sizeof q);
    pario_status st = pario_count_query_set(&q, PARIO_COUNT_VALUES, "1,-2,3.5");
    ck_assert(!pario_failed(&st));
    ck_assert_int_eq(q.n, 3);
    ck_assert_str_eq(q.text[1], "-2");
    st = pario_count_query_resolve(&q, PARIO_FLOAT64);
    ck_assert(!pario_failed(&st));
    st = pario_count_query_resolve(&q, PARIO_INT32);
    ck_assert(pario_failed(&st) && st.code == PARIO_ERR_USAGE && strstr(st.msg, "3.5"));
    static const struct { pario_count_mode m; const char *arg; } bad[] = {
        { PARIO_COUNT_VALUES, "1,,2" }, { PARIO_COUNT_VALUES, "1," }, { PARIO_COUNT_VALUES, "" },
        { PARIO_COUNT_VALUE, "1,2" },   { PARIO_COUNT_RANGE, "5" },   { PARIO_COUNT_RANGE, ":5" },
        { PARIO_COUNT_RANGE, "5:" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&q, 0, sizeof q);
        st = pario_count_query_set(&q, bad[i].m, bad[i].arg);
        ck_assert_msg(pario_failed(&st) && st.code == PARIO_ERR_USAGE, "'%s' accepted", bad[i].arg);
    }
    memset(&q, 0, sizeof q);
    pario_count_query_set(&q, PARIO_COUNT_VALUE, "1");
    st = pario_count_query_set(&q, PARIO_COUNT_RANGE, "1:2");
    ck_assert(pario_failed(&st) && st.code == PARIO_ERR_USAGE);
}
END_TEST

START_TEST(status_agree_and_report)
{
    pario_status st = pario_error(PARIO_ERR_RUNTIME, "%s: %d bytes", "x.bin", 42);
    ck_assert_str_eq(st.msg, "x.bin: 42 bytes");
    ck_assert(pario_failed(&st));
    ck_assert_int_eq(pario_agree(&st, MPI_COMM_WORLD), 1);
    ck_assert_int_eq(st.rank, 0);
    ck_assert_int_eq(st.code, PARIO_ERR_RUNTIME);
    pario_status ok = pario_ok();
    ck_assert_int_eq(pario_agree(&ok, MPI_COMM_WORLD), 0);
    ck_assert_int_eq(pario_report(&ok, "t", MPI_COMM_WORLD), 0);
    pario_status done = pario_error(PARIO_DONE, "help");
    ck_assert_int_eq(pario_report(&done, "t", MPI_COMM_WORLD), 0);
    /* a long message is cut, not overflowed */
    char big[2000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    st = pario_error(PARIO_ERR_USAGE, "%s", big);
    ck_assert_uint_eq(strlen(st.msg), PARIO_MSG_MAX - 1);
    /* MPI error classes become words */
    st = pario_mpi_error(MPI_ERR_NO_SUCH_FILE, "cannot open", "data.bin");
    ck_assert_str_eq(st.msg, "data.bin: cannot open: no such file");
}
END_TEST

/* 64-bit integers to float32 in one rounding, to nearest with ties to even (numpy's
 * astype): through a double they rounded twice, and one just past a float32 midpoint
 * landed on it and went to the even side. */
START_TEST(cast_int64_float32_one_rounding)
{
    const int64_t si[] = { (1LL << 62) + (1LL << 38) + 1, -((1LL << 62) + (1LL << 38) + 1), (1LL << 62) + (1LL << 38),
                           (1LL << 54) + (1LL << 30) + 1, (1LL << 62) + 3 * (1LL << 38), INT64_MIN, INT64_MAX, -1 };
    const float swant[] = { 0x1.000002p62f, -0x1.000002p62f, 0x1p62f, 0x1.000002p54f, 0x1.000004p62f, -0x1p63f,
                            0x1p63f, -1.0f };
    const uint64_t ui[] = { UINT64_MAX - (1ULL << 39), UINT64_MAX - (1ULL << 39) + 1, (1ULL << 63) + (1ULL << 39) + 1,
                            UINT64_MAX, (1ULL << 63) + (1ULL << 39) };
    const float uwant[] = { 0x1.fffffep63f, 0x1p64f, 0x1.000002p63f, 0x1p64f, 0x1p63f };
    float out[8];
    size_t bad;
    ck_assert_uint_eq(pario_cast(si, PARIO_INT64, out, PARIO_FLOAT32, 8, 0, &bad), 0);
    for (int i = 0; i < 8; i++)
        ck_assert_msg(out[i] == swant[i], "int64 %lld: %a, expected %a", (long long)si[i], out[i], swant[i]);
    ck_assert_uint_eq(pario_cast(ui, PARIO_UINT64, out, PARIO_FLOAT32, 5, 0, &bad), 0);
    for (int i = 0; i < 5; i++)
        ck_assert_msg(out[i] == uwant[i], "uint64 %llu: %a, expected %a", (unsigned long long)ui[i], out[i], uwant[i]);
}
END_TEST

/* pario-pi's midpoint rounds: whole blocks of PARIO_PI_BLOCK points per rank, in
 * rank order, tiling the round; the parts' exact sums merged in any order round
 * to the bits of one rank's. Darts: pario_split of the samples, the same hits. */
START_TEST(pi_parts_rank_independent)
{
    static const uint64_t sizes[] = { 1, 7, PARIO_PI_BLOCK, PARIO_PI_BLOCK + 1, 3 * PARIO_PI_BLOCK, 50003 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (int method = PARIO_PI_DARTS; method <= PARIO_PI_MIDPOINT; method++) {
            pario_pi_params p = { method, 3, sizes[k], 5 };
            for (uint64_t r = 0; r < p.rounds; r++) {
                pario_pi_part one;
                pario_pi_round_part(&p, r, 0, 1, &one);
                ck_assert_uint_eq(one.first, r * p.samples);
                ck_assert_uint_eq(one.n, p.samples);
                for (int P = 2; P <= 9; P++) {
                    pario_xsum up, down;
                    pario_xsum_init(&up);
                    pario_xsum_init(&down);
                    pario_pi_part part[9];
                    uint64_t next = r * p.samples;
                    int64_t hits = 0;
                    for (int q = 0; q < P; q++) {
                        pario_pi_round_part(&p, r, q, P, &part[q]);
                        if (part[q].n)
                            ck_assert_uint_eq(part[q].first, next);
                        if (method == PARIO_PI_MIDPOINT && part[q].n)
                            ck_assert_uint_eq((part[q].first - r * p.samples) % PARIO_PI_BLOCK, 0);
                        next += part[q].n;
                        hits += part[q].hits;
                        pario_xsum_merge(&up, &part[q].exact);
                    }
                    for (int q = P - 1; q >= 0; q--)
                        pario_xsum_merge(&down, &part[q].exact);
                    ck_assert_uint_eq(next, (r + 1) * p.samples);
                    ck_assert_int_eq(hits, one.hits);
                    double a = pario_xsum_round(&up), b = pario_xsum_round(&down);
                    ck_assert(memcmp(&a, &one.sum, sizeof a) == 0);
                    ck_assert(memcmp(&b, &one.sum, sizeof b) == 0);
                }
            }
        }
    }
}
END_TEST

Suite *misc_suite(void)
{
    Suite *s = suite_create("misc");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, parse_size_ok);
    tcase_add_test(tc, parse_size_bad);
    tcase_add_test(tc, scalar_parse);
    tcase_add_test(tc, split_pair);
    tcase_add_test(tc, format_and_dtype_names);
    tcase_add_test(tc, byteswap);
    tcase_add_test(tc, cast_int64_float32_one_rounding);
    tcase_add_test(tc, count_query_parse);
    suite_add_tcase(s, tc);
    tc = tcase_create("output");
    tcase_add_test(tc, json_validator_rejects);
    tcase_add_test(tc, output_json);
    tcase_add_test(tc, output_yaml);
    tcase_add_test(tc, fmt_double_round_trip);
    tcase_add_test(tc, fmt_double_as_printf);
    suite_add_tcase(s, tc);
    tc = tcase_create("kernels");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, kernels_match_loops);
    tcase_add_test(tc, status_agree_and_report);
    tcase_add_test(tc, pi_parts_rank_independent);
    suite_add_tcase(s, tc);
    return s;
}
