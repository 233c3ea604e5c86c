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

void pario_fmt_double(char *buf, size_t len, double v)
{
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
    const char *sep = nested ? ":\n" : ": ";
    if (o->fmt != PARIO_FMT_YAML) {
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

/* Write the separator and key before a value. */
static void begin_item(pario_out *o, const char *key)
{
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

void pario_out_u64(pario_out *o, const char *key, uint64_t v)
{
    begin_item(o, key);
    fprintf(o->f, "%" PRIu64, v);
    end_item(o);
}

void pario_out_i64(pario_out *o, const char *key, int64_t v)
{
    begin_item(o, key);
    fprintf(o->f, "%" PRId64, v);
    end_item(o);
}

void pario_out_f64(pario_out *o, const char *key, double v)
{
    begin_item(o, key);
    char buf[48];
    if (v == 0 && signbit(v))
        snprintf(buf, sizeof buf, "-0.0"); /* "-0" reads back as the integer 0, without its sign */
    else if (isfinite(v)) {
        pario_fmt_double(buf, sizeof buf, v);
        /* YAML 1.1 (PyYAML) reads a float only with a '.': 2e-05 was the string
         * "2e-05" there; 2.0e-05 is a float for every reader */
        char *e = strchr(buf, 'e');
        if (o->fmt == PARIO_FMT_YAML && e && !strchr(buf, '.')) {
            memmove(e + 2, e, strlen(e) + 1);
            e[0] = '.';
            e[1] = '0';
        }
    } else if (o->fmt == PARIO_FMT_JSON) /* JSON has no NaN or infinity; null means "no value" */
        snprintf(buf, sizeof buf, "%s", isnan(v) ? "\"nan\"" : v > 0 ? "\"inf\"" : "\"-inf\"");
    else if (o->fmt == PARIO_FMT_YAML)
        snprintf(buf, sizeof buf, "%s", isnan(v) ? ".nan" : v > 0 ? ".inf" : "-.inf");
    else
        snprintf(buf, sizeof buf, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
    fputs(buf, o->f);
    end_item(o);
}

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
    else if (array) {
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
