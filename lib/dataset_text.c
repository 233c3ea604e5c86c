/* The descriptor fields of format text and csv: delimiter, quote, header, column,
 * columns (read by pario_csv_resolve, csv_opts.c). */
#include "config.h"
#include <string.h>
#include <yaml.h>
#include "source.h"
#include "yaml_load.h"

#define text_err(path, node, field, ...) pario_yaml_error(PARIO_ERR_RUNTIME, path, node, field, __VA_ARGS__)

/* One byte: a one-character string ("\t" as YAML writes it), 'tab', or null/'none' (allow_none). */
static int one_byte(const yaml_node_t *v, int allow_none, char *out)
{
    if (allow_none && pario_yaml_kind(v) == PARIO_YAML_NULL) {
        *out = 0;
        return 1;
    }
    const char *s = pario_yaml_str(v);
    if (!s)
        return 0;
    if (strcmp(s, "tab") == 0) {
        *out = '\t';
        return 1;
    }
    if (allow_none && strcmp(s, "none") == 0) {
        *out = 0;
        return 1;
    }
    if (strlen(s) != 1 || s[0] == '\n' || s[0] == '\r')
        return 0;
    *out = s[0];
    return 1;
}

int pario_desc_text_field(const char *path, yaml_document_t *doc, yaml_node_t *k, yaml_node_t *v,
                          pario_dataset *ds, pario_status *st)
{
    const char *key = pario_yaml_str(k);
    struct pario_text_desc *t = &ds->text;
    *st = pario_ok();
    if (strcmp(key, "delimiter") == 0) {
        if (!one_byte(v, 0, &t->delimiter))
            *st = text_err(path, v, "delimiter", "expected one ASCII character (one byte, not a line end) or 'tab'");
        t->given |= 4;
    } else if (strcmp(key, "quote") == 0) {
        if (!one_byte(v, 1, &t->quote))
            *st = text_err(path, v, "quote", "expected one ASCII character (one byte, not a line end) or 'none'");
        t->given |= 8;
    } else if (strcmp(key, "header") == 0) {
        if (!pario_yaml_bool(v, &t->header))
            *st = text_err(path, v, "header", "expected true or false");
        t->given |= 2;
    } else if (strcmp(key, "column") == 0) {
        uint64_t u;
        const char *s = pario_yaml_str(v);
        if (pario_yaml_u64(v, &u))
            snprintf(t->column, sizeof t->column, "%llu", (unsigned long long)u);
        else if (s && *s && strlen(s) < sizeof t->column)
            snprintf(t->column, sizeof t->column, "%s", s);
        else
            *st = text_err(path, v, "column", "expected a column name or a 0-based index");
        t->given |= 1;
    } else if (strcmp(key, "columns") == 0) {
        if (v->type != YAML_SEQUENCE_NODE) {
            *st = text_err(path, v, "columns", "expected a list of column names");
            return 1;
        }
        size_t used = 0;
        for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
            yaml_node_t *c = yaml_document_get_node(doc, *i);
            const char *s = pario_yaml_str(c);
            if (!s || !*s) {
                *st = text_err(path, c, "columns", "expected a list of column names (text)");
                return 1;
            }
            size_t n = strlen(s) + 1;
            if (used + n > sizeof t->columns) {
                *st = text_err(path, c, "columns", "the names take more than %zu bytes", sizeof t->columns);
                return 1;
            }
            memcpy(t->columns + used, s, n);
            used += n;
            t->ncolumns++;
        }
    } else {
        return 0;
    }
    return 1;
}
