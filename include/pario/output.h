/* Results as text, JSON or YAML from one set of calls. */
#ifndef PARIO_OUTPUT_H
#define PARIO_OUTPUT_H

#include <stdint.h>
#include <stdio.h>
#include "pario/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pario_format { PARIO_FMT_TEXT, PARIO_FMT_JSON, PARIO_FMT_YAML } pario_format;

pario_status pario_format_parse(const char *text, int *fmt);

#define PARIO_OUT_DEPTH 16
typedef struct pario_out {
    FILE *f;
    int fmt;
    int depth;
    int count[PARIO_OUT_DEPTH];    /* items written at each depth */
    int is_array[PARIO_OUT_DEPTH];
    int open_key;                  /* YAML/text: a mapping's "key:" waits for its first item */
} pario_out;

void pario_out_open(pario_out *o, FILE *f, int fmt);
void pario_out_close(pario_out *o);
/* key is NULL inside arrays. */
void pario_out_str(pario_out *o, const char *key, const char *v);
void pario_out_u64(pario_out *o, const char *key, uint64_t v);
void pario_out_i64(pario_out *o, const char *key, int64_t v);
void pario_out_f64(pario_out *o, const char *key, double v);
void pario_out_bool(pario_out *o, const char *key, int v);
void pario_out_null(pario_out *o, const char *key);
void pario_out_obj(pario_out *o, const char *key);   /* begin a nested object */
void pario_out_arr(pario_out *o, const char *key);   /* begin an array (of scalars) */
void pario_out_end(pario_out *o);                    /* end the innermost object or array */
/* An array of n numbers under key, as pario_out_arr, an item each, pario_out_end. */
void pario_out_f64s(pario_out *o, const char *key, const double *v, uint64_t n);
void pario_out_u64s(pario_out *o, const char *key, const uint64_t *v, uint64_t n);

/* A name (a path) in text output, lib/quote.c. pario_fput_shell: GNU's
 * shell-escape quoting, always ('a b' -> 'a b', a newline -> '$'\n''); it
 * pastes back into a shell as the same bytes. pario_fput_name: that quoting
 * when s holds a control byte (below 0x20, or DEL), else s as it is, so no
 * name breaks a line or reaches a terminal's control sequences.
 * pario_has_control: whether s holds one. */
void pario_fput_shell(FILE *f, const char *s);
void pario_fput_name(FILE *f, const char *s);
int pario_has_control(const char *s);

/* The shortest decimal text that reads back as the same double. */
void pario_fmt_double(char *buf, size_t len, double v);

#ifdef __cplusplus
}
#endif
#endif
