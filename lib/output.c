#include "config.h"
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pario/output.h"

pario_status pario_format_parse(const char *text, int *fmt)
{
    if (strcmp(text, "text") == 0)
        *fmt = PARIO_FMT_TEXT;
    else if (strcmp(text, "json") == 0)
        *fmt = PARIO_FMT_JSON;
    else if (strcmp(text, "yaml") == 0)
        *fmt = PARIO_FMT_YAML;
    else
        return pario_error(PARIO_ERR_USAGE, "unknown format '%s' (expected text, json or yaml)", text);
    return pario_ok();
}

/* The shortest of "%.15g", "%.16g", "%.17g" that reads back, by exact
 * integer arithmetic for a normal double from about 1e-12 to 1e43 (the other
 * ones, and any case the arithmetic would not hold, take snprintf and strtod).
 * A histogram of 16,777,216 bins spent 20 s of its 27 s to text there: three
 * snprintf and three strtod a bin edge. The same bytes as snprintf's: the
 * digits are v correctly rounded to p digits (ties to even on the exact
 * value), and whether they read back is decided exactly against the halfway
 * points to v's neighbours (a tie reads back to the even mantissa). */
typedef unsigned __int128 u128;

static int bits128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    return hi ? 128 - __builtin_clzll(hi) : lo ? 64 - __builtin_clzll(lo) : 0;
}

static u128 pow5(int k)
{
    static u128 t[56];
    if (!t[0])
        for (int i = 0; i < 56; i++)
            t[i] = i ? t[i - 1] * 5 : 1;
    return t[k];
}

/* |v| * 10^q (v = m 2^e) as num / den exactly, and its integer part t and
 * remainder r (t den + r = num); 0 when the numbers would not fit (den is kept
 * below 2^64, so that the products of fmt_double_exact fit). */
static int scaled(uint64_t m, int e, int q, u128 *num, u128 *den, uint64_t *t, u128 *r)
{
    if (q > 31 || q < -27)
        return 0;
    u128 n = m, d = q >= 0 ? 1 : pow5(-q);
    if (q >= 0)
        n *= pow5(q);
    int s = e + q, shift = 0;
    if (s >= 0) {
        if (bits128(n) + s > 125)
            return 0;
        n <<= s;
    } else {
        shift = -s;
        if (bits128(d) + shift > 64)
            return 0;
        d <<= shift;
    }
    u128 ti = q >= 0 ? n >> shift : n / d;
    if (ti >> 64)
        return 0;
    *r = q >= 0 ? n & (d - 1) : n % d;
    *t = (uint64_t)ti;
    *num = n;
    *den = d;
    return 1;
}

static const uint64_t pow10_u64[20] = { 1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
                                        100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
                                        1000000000000ull, 10000000000000ull, 100000000000000ull,
                                        1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
                                        1000000000000000000ull, 10000000000000000000ull };

/* %.{p}g of the p digits n (10^(p-1) <= n < 10^p) times 10^(x-p+1); 0 when
 * it does not fit len. */
static int put_g(char *buf, size_t len, int neg, uint64_t n, int p, int x)
{
    char d[20], out[48];
    for (int i = p - 1; i >= 0; i--, n /= 10)
        d[i] = (char)('0' + n % 10);
    int nd = p;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    if (x < -4 || x >= p) {
        out[o++] = d[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++)
                out[o++] = d[i];
        }
        out[o++] = 'e';
        out[o++] = x < 0 ? '-' : '+';
        int ax = x < 0 ? -x : x;
        if (ax >= 100)
            out[o++] = (char)('0' + ax / 100);
        out[o++] = (char)('0' + ax / 10 % 10);
        out[o++] = (char)('0' + ax % 10);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++)
            out[o++] = i < nd ? d[i] : '0';
        if (nd > x + 1) {
            out[o++] = '.';
            for (int i = x + 1; i < nd; i++)
                out[o++] = d[i];
        }
    } else {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -x - 1; i++)
            out[o++] = '0';
        for (int i = 0; i < nd; i++)
            out[o++] = d[i];
    }
    if (o + 1 > len)
        return 0;
    memcpy(buf, out, o);
    buf[o] = '\0';
    return 1;
}

static int fmt_double_exact(char *buf, size_t len, double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    int be = (int)(b >> 52 & 0x7ff);
    if (be == 0 || be == 0x7ff) /* zero, subnormal, inf, nan */
        return 0;
    uint64_t m = (b & ((1ull << 52) - 1)) | 1ull << 52;
    int e = be - 1075, neg = (int)(b >> 63);
    int low_half = m == 1ull << 52 && be > 1; /* the neighbour below is nearer */
    /* k: 10^k <= |v| < 10^(k+1), from the binary exponent (one less or the
     * same), then exactly: the 17 digits t of |v| 10^(16-k), truncated */
    int k = (int)floor((be - 1023) * 0.30102999566398120), tries = 0;
    u128 num, den, r;
    uint64_t t;
    for (;;) {
        if (++tries > 3 || !scaled(m, e, 16 - k, &num, &den, &t, &r))
            return 0;
        if (t < pow10_u64[16])
            k--;
        else if (t >= pow10_u64[17])
            k++;
        else
            break;
    }
    for (int p = 15; p <= 17; p++) {
        /* v's p digits rounded, ties to even on the exact value: t's first p
         * digits n, the rest low and r / den */
        uint64_t div = pow10_u64[17 - p], n = t / div, low = t % div;
        u128 x = (u128)low * den + r, whole = (u128)div * den; /* the rest and a unit of n, times den */
        int up = 2 * x > whole || (2 * x == whole && (n & 1));
        u128 diff = up ? whole - x : x; /* |n - v 10^(p-1-k)| times div den */
        n += (uint64_t)up;
        /* it reads back as v when nearer than the halfway point to v's
         * neighbour on its side, v / (2m) (v / (4m) below a power of 2); at
         * the halfway point, when m is even */
        u128 lhs = diff * (2 * (u128)m) * (!up && low_half ? 2 : 1);
        if (lhs < num || (lhs == num && !(m & 1))) {
            int x10 = k;
            if (n == pow10_u64[p]) { /* rounded up to the next power of 10 */
                n = pow10_u64[p - 1];
                x10++;
            }
            return put_g(buf, len, neg, n, p, x10);
        }
    }
    return 0; /* 17 digits always read back: not here */
}

void pario_fmt_double(char *buf, size_t len, double v)
{
    if (fmt_double_exact(buf, len, v))
        return;
    /* a subnormal has fewer significant digits than 15: the shortest text that
     * reads back (-1e-310, not -9.99999999999997e-311); %g prints it with an
     * exponent whatever the precision */
    int from = v != 0.0 && fabs(v) < DBL_MIN ? 1 : 15;
    for (int prec = from; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

void pario_out_open(pario_out *o, FILE *f, int fmt)
{
    memset(o, 0, sizeof *o);
    o->f = f;
    o->fmt = fmt;
    if (fmt == PARIO_FMT_JSON)
        fputc('{', f);
}

static void indent(pario_out *o)
{
    for (int i = 0; i < o->depth; i++)
        fputs("  ", o->f);
}

/* The length of the well-formed UTF-8 sequence at s (2 to 4 bytes: no
 * overlong form, no surrogate, at most U+10FFFF) and its code point; 0 when
 * the bytes at s are not one. Private: lib/svg.c checks SVG text with it. */
int pario_utf8_seq(const unsigned char *s, unsigned *cp)
{
    int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;
    if (s[0] >= 0xf5)
        n = 0;
    unsigned c = n == 4 ? s[0] & 0x07u : n == 3 ? s[0] & 0x0fu : s[0] & 0x1fu;
    for (int k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[k] & 0x3fu);
    }
    if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n == 4 && (c < 0x10000 || c > 0x10ffff)))
        return 0;
    *cp = c;
    return n;
}

/* A double-quoted string, for JSON and for YAML (whose double-quoted scalars
 * take JSON's escapes). Well-formed UTF-8 passes as it is, except in YAML the
 * characters YAML may not hold raw (DEL, the C1 controls, U+FFFE and U+FFFF)
 * and the line and paragraph separators (U+2028, U+2029: line breaks to YAML
 * readers, which then refuse the key), escaped; a byte that is not part of well-formed UTF-8 (a file name in
 * Latin-1, say) becomes \uDCxx, the lone surrogate Python's surrogateescape
 * gives it, which os.fsencode turns back into the byte. */
static void json_string(FILE *f, const char *text, int yaml)
{
    const unsigned char *s = (const unsigned char *)text;
    fputc('"', f);
    while (*s) {
        unsigned ch = *s, cp;
        int n;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch == '\t')
            fputs("\\t", f);
        else if (ch < 0x20 || (yaml && ch == 0x7f))
            fprintf(f, "\\u%04x", ch);
        else if (ch < 0x80)
            fputc((int)ch, f);
        else if ((n = pario_utf8_seq(s, &cp)) > 0) {
            if (yaml && ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfffe || cp == 0xffff))
                fprintf(f, "\\u%04x", cp);
            else
                fwrite(s, 1, (size_t)n, f);
            s += n;
            continue;
        } else
            fprintf(f, "\\udc%02x", ch);
        s++;
    }
    fputc('"', f);
}

/* A mapping key in YAML or text, then ": " before a value or ":\n" before a
 * nested mapping. YAML caps an implicit key at 1024 characters (PyYAML
 * refuses "a long path": ... with a 1023-byte path), and escapes make a byte
 * up to 6 (\udcXX): a key of more than 160 bytes takes the explicit form,
 * `? "key"` then `:` on the next line. */
#define YAML_IMPLICIT_KEY 160
static void put_key(pario_out *o, const char *key, int nested)
{
    const char *sep = nested ? ":" : ": ";
    size_t n = key ? strlen(key) : 0;
    if (o->fmt != PARIO_FMT_YAML && n && (key[0] == ' ' || key[0] == '\t' || key[n - 1] == ' ' || key[n - 1] == '\t')) {
        /* text: a key's leading or trailing space quoted, as the shell would
         * (' lead.npy':), or it read as the mapping's indentation */
        pario_fput_shell(o->f, key);
    } else if (o->fmt != PARIO_FMT_YAML) {
        pario_fput_name(o->f, key ? key : "");
    } else if (key && strlen(key) > YAML_IMPLICIT_KEY) {
        fputs("? ", o->f);
        json_string(o->f, key, 1);
        fputc('\n', o->f);
        indent(o);
    } else {
        json_string(o->f, key ? key : "", 1);
    }
    fputs(sep, o->f);
}

/* A mapping's "key:" ends its line once it has an item; an empty one is
 * "key: {}" (a bare "key:" reads back as null). */
static void close_key(pario_out *o, const char *empty)
{
    if (o->open_key) {
        fputs(empty, o->f);
        o->open_key = 0;
    }
}

/* Write the separator and key before a value. */
static void begin_item(pario_out *o, const char *key)
{
    close_key(o, "\n");
    int d = o->depth;
    if (o->fmt == PARIO_FMT_JSON) {
        if (o->count[d]++)
            fputc(',', o->f);
        if (key) {
            json_string(o->f, key, 0);
            fputc(':', o->f);
        }
        return;
    }
    if (o->is_array[d]) {
        if (o->count[d]++)
            fputs(", ", o->f);
        return;
    }
    o->count[d]++;
    indent(o);
    put_key(o, key, 0);
}

static void end_item(pario_out *o)
{
    if (o->fmt != PARIO_FMT_JSON && !o->is_array[o->depth])
        fputc('\n', o->f);
}

void pario_out_str(pario_out *o, const char *key, const char *v)
{
    begin_item(o, key);
    if (o->fmt == PARIO_FMT_TEXT)
        pario_fput_name(o->f, v);
    else
        json_string(o->f, v, o->fmt == PARIO_FMT_YAML);
    end_item(o);
}

/* v's decimal digits into buf (at least 20 bytes, no NUL); their count. By
 * hand: a histogram's counts are millions of them (fprintf's parsing of its
 * format was a tenth of a 16,777,216-bin histogram's output). */
static size_t u64_text(char *buf, uint64_t v)
{
    char d[20], *p = d + sizeof d;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    size_t n = (size_t)(d + sizeof d - p);
    memcpy(buf, p, n);
    return n;
}

void pario_out_u64(pario_out *o, const char *key, uint64_t v)
{
    begin_item(o, key);
    char buf[20];
    fwrite(buf, 1, u64_text(buf, v), o->f);
    end_item(o);
}

void pario_out_i64(pario_out *o, const char *key, int64_t v)
{
    begin_item(o, key);
    fprintf(o->f, "%" PRId64, v);
    end_item(o);
}

/* v as the format writes it, in buf (48 bytes); its length. */
static size_t f64_text(int fmt, char *buf, double v)
{
    if (v == 0 && signbit(v))
        snprintf(buf, 48, "-0.0"); /* "-0" reads back as the integer 0, without its sign */
    else if (isfinite(v)) {
        pario_fmt_double(buf, 48, v);
        /* A float keeps a '.' where the reader types its numbers: 21 is an
         * integer to Python's json and to YAML, 21.0 a float (json.dumps and
         * numpy write it so); YAML 1.1 (PyYAML) reads a float only with a '.':
         * 2e-05 was the string "2e-05" there, 2.0e-05 is a float for every
         * reader. JSON's 2e-05 is already a float. */
        if (fmt != PARIO_FMT_TEXT && !strchr(buf, '.')) {
            char *e = strchr(buf, 'e');
            if (!e)
                strcat(buf, ".0");
            else if (fmt == PARIO_FMT_YAML) {
                memmove(e + 2, e, strlen(e) + 1);
                e[0] = '.';
                e[1] = '0';
            }
        }
    } else if (fmt == PARIO_FMT_JSON) /* JSON has no NaN or infinity; null means "no value" */
        snprintf(buf, 48, "%s", isnan(v) ? "\"nan\"" : v > 0 ? "\"inf\"" : "\"-inf\"");
    else if (fmt == PARIO_FMT_YAML)
        snprintf(buf, 48, "%s", isnan(v) ? ".nan" : v > 0 ? ".inf" : "-.inf");
    else
        snprintf(buf, 48, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    return strlen(buf);
}

void pario_out_f64(pario_out *o, const char *key, double v)
{
    begin_item(o, key);
    char buf[48];
    fwrite(buf, 1, f64_text(o->fmt, buf, v), o->f);
    end_item(o);
}

/* An array of n numbers under key: the same bytes as pario_out_arr, an
 * item each and pario_out_end, written a block at a time (a histogram's
 * 16,777,216 edges and counts were 100 million stdio calls). */
static void out_array(pario_out *o, const char *key, const double *f, const uint64_t *u, uint64_t n)
{
    pario_out_arr(o, key);
    const char *sep = o->fmt == PARIO_FMT_JSON ? "," : ", ";
    size_t seplen = strlen(sep), used = 0;
    char block[1 << 16];
    for (uint64_t i = 0; i < n; i++) {
        if (used > sizeof block - 64) {
            fwrite(block, 1, used, o->f);
            used = 0;
        }
        if (o->count[o->depth]++) {
            memcpy(block + used, sep, seplen);
            used += seplen;
        }
        used += f ? f64_text(o->fmt, block + used, f[i]) : u64_text(block + used, u[i]);
    }
    fwrite(block, 1, used, o->f);
    pario_out_end(o);
}

void pario_out_f64s(pario_out *o, const char *key, const double *v, uint64_t n) { out_array(o, key, v, NULL, n); }
void pario_out_u64s(pario_out *o, const char *key, const uint64_t *v, uint64_t n) { out_array(o, key, NULL, v, n); }

void pario_out_bool(pario_out *o, const char *key, int v)
{
    begin_item(o, key);
    fputs(v ? "true" : "false", o->f);
    end_item(o);
}

void pario_out_null(pario_out *o, const char *key)
{
    begin_item(o, key);
    fputs(o->fmt == PARIO_FMT_TEXT ? "-" : "null", o->f);
    end_item(o);
}

static void open_nested(pario_out *o, const char *key, int array)
{
    close_key(o, "\n");
    if (o->fmt == PARIO_FMT_JSON) {
        begin_item(o, key);
        fputc(array ? '[' : '{', o->f);
    } else if (array) {
        begin_item(o, key);
        fputc('[', o->f);
    } else {
        o->count[o->depth]++;
        indent(o);
        put_key(o, key, 1);
        o->open_key = 1;
    }
    if (o->depth + 1 < PARIO_OUT_DEPTH)
        o->depth++;
    o->count[o->depth] = 0;
    o->is_array[o->depth] = array;
}

void pario_out_obj(pario_out *o, const char *key) { open_nested(o, key, 0); }
void pario_out_arr(pario_out *o, const char *key) { open_nested(o, key, 1); }

void pario_out_end(pario_out *o)
{
    int array = o->is_array[o->depth];
    if (o->depth > 0)
        o->depth--;
    if (o->fmt == PARIO_FMT_JSON)
        fputc(array ? ']' : '}', o->f);
    else if (!array)
        close_key(o, o->fmt == PARIO_FMT_YAML ? " {}\n" : "\n");
    else {
        fputc(']', o->f);
        fputc('\n', o->f);
    }
}

void pario_out_close(pario_out *o)
{
    while (o->depth > 0)
        pario_out_end(o);
    if (o->fmt == PARIO_FMT_JSON)
        fputs("}\n", o->f);
    fflush(o->f);
}
