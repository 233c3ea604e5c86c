/* Which reductions to compute: parsed from --op lists and job files, checked
 * against the dataset before any data is read. */
#include "config.h"
#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pario/reduce.h"

void pario_reduce_spec_init(pario_reduce_spec *s)
{
    memset(s, 0, sizeof *s);
    s->axis = -1;
    s->bins = PARIO_REDUCE_DEFAULT_BINS;
}

static const struct {
    const char *name;
    unsigned bit;
} plain_ops[] = {
    { "sum", PARIO_OP_SUM }, { "min", PARIO_OP_MIN }, { "max", PARIO_OP_MAX }, { "mean", PARIO_OP_MEAN },
    { "var", PARIO_OP_VAR }, { "std", PARIO_OP_STD }, { "hist", PARIO_OP_HIST },
};

/* A bound or value no dtype reads (each is parsed for the dtype once the data
 * is known): refused with the operation, so that pario-run --check refuses it
 * as the run does ("count=abc" passed the check, a hostile-user pass). Written
 * whole, with no blank before it either (strtod skips those: "count= 5" passed
 * where "count=5 " did not). */
static int number_text(const char *t)
{
    char *end;
    errno = 0;
    (void)strtod(t, &end);
    return *t && !isspace((unsigned char)*t) && !*end;
}

pario_status pario_reduce_add_op(pario_reduce_spec *s, const char *op)
{
    for (size_t i = 0; i < sizeof plain_ops / sizeof plain_ops[0]; i++)
        if (strcmp(op, plain_ops[i].name) == 0) {
            /* each operation once (doc/reduce.md), as count= and range= */
            if (s->ops & plain_ops[i].bit)
                return pario_error(PARIO_ERR_USAGE, "operation '%s' given twice", op);
            s->ops |= plain_ops[i].bit;
            return pario_ok();
        }
    pario_status st;
    if (strncmp(op, "count=", 6) == 0) {
        if (s->ops & PARIO_OP_COUNT)
            return pario_error(PARIO_ERR_USAGE, "operation '%s': count= given twice", op);
        memset(&s->count, 0, sizeof s->count);
        st = pario_count_query_set(&s->count, PARIO_COUNT_VALUE, op + 6);
        if (pario_failed(&st))
            return pario_error(PARIO_ERR_USAGE, "operation '%s': %s", op, st.msg);
        if (!number_text(s->count.text[0]))
            return pario_error(PARIO_ERR_USAGE, "operation '%s': '%s' is not a number", op, s->count.text[0]);
        s->ops |= PARIO_OP_COUNT;
        return pario_ok();
    }
    if (strncmp(op, "range=", 6) == 0) {
        if (s->ops & PARIO_OP_RANGE)
            return pario_error(PARIO_ERR_USAGE, "operation '%s': range= given twice", op);
        memset(&s->range, 0, sizeof s->range);
        st = pario_count_query_set(&s->range, PARIO_COUNT_RANGE, op + 6);
        if (pario_failed(&st)) {
            const char *arg = op + 6, *colon = arg[0] ? strchr(arg + 1, ':') : NULL;
            /* LO:HI was given, but a bound is longer than the text kept for it */
            if (colon && colon[1])
                return pario_error(PARIO_ERR_USAGE, "operation '%s': a bound may have at most %d characters", op,
                                   (int)sizeof s->range.text[0] - 1);
            return pario_error(PARIO_ERR_USAGE, "operation '%s': expected range=LO:HI", op);
        }
        for (int k = 0; k < 2; k++)
            if (!number_text(s->range.text[k]))
                return pario_error(PARIO_ERR_USAGE, "operation '%s': %s '%s' is not a number (expected range=LO:HI)",
                                   op, k ? "HI" : "LO", s->range.text[k]);
        s->ops |= PARIO_OP_RANGE;
        return pario_ok();
    }
    return pario_error(PARIO_ERR_USAGE,
                       "unknown operation '%s' (expected sum, min, max, mean, var, std, hist, count=V, range=LO:HI)",
                       op);
}

pario_status pario_reduce_parse_ops(pario_reduce_spec *s, const char *list)
{
    char buf[1024];
    if (strlen(list) >= sizeof buf)
        return pario_error(PARIO_ERR_USAGE, "--op list too long");
    strcpy(buf, list);
    if (!buf[0])
        return pario_error(PARIO_ERR_USAGE, "--op '%s': no operation", list);
    /* every item between commas is an operation: "sum,,min" is a usage error,
     * as "--values 1,,2" is (strtok skipped the empty one) */
    for (char *tok = buf, *comma;; tok = comma + 1) {
        comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        if (!*tok)
            return pario_error(PARIO_ERR_USAGE, "--op '%s': an empty operation (a comma too many)", list);
        pario_status st = pario_reduce_add_op(s, tok);
        if (pario_failed(&st))
            return st;
        if (!comma)
            return pario_ok();
    }
}

pario_status pario_reduce_set_bins(pario_reduce_spec *s, const char *text)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (!*text || *end || *text == '-' || v < 1 || v > PARIO_REDUCE_MAX_BINS)
        return pario_error(PARIO_ERR_USAGE, "--bins '%s': expected an integer from 1 to %llu", text,
                           (unsigned long long)PARIO_REDUCE_MAX_BINS);
    s->bins = v;
    return pario_ok();
}

pario_status pario_reduce_set_bound(pario_reduce_spec *s, int which, const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (!number_text(text) || end == text || *end || !isfinite(v))
        return pario_error(PARIO_ERR_USAGE, "--%s '%s': expected a finite number", which ? "max" : "min", text);
    if (which) {
        s->hi = v;
        s->have_hi = 1;
        snprintf(s->hi_text, sizeof s->hi_text, "%s", text);
    } else {
        s->lo = v;
        s->have_lo = 1;
        snprintf(s->lo_text, sizeof s->lo_text, "%s", text);
    }
    return pario_ok();
}

void pario_reduce_ops_format(const pario_reduce_spec *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof plain_ops / sizeof plain_ops[0]; i++)
        if (s->ops & plain_ops[i].bit)
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "," : "",
                                     plain_ops[i].name);
    if (s->ops & PARIO_OP_COUNT)
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%scount=%s", used ? "," : "",
                                 s->count.text[0]);
    if (s->ops & PARIO_OP_RANGE)
        snprintf(buf + used, used < len ? len - used : 0, "%srange=%s:%s", used ? "," : "", s->range.text[0],
                 s->range.text[1]);
}

pario_status pario_reduce_spec_check(pario_reduce_spec *s, const pario_dataset *ds)
{
    if (!s->ops)
        return pario_error(PARIO_ERR_USAGE, "say which operations: --op sum,min,max,mean,var,std,hist,count=V,range=LO:HI");
    if (s->axis >= 0 && ds->ndims != 2) {
        char label[2048];
        return pario_error(PARIO_ERR_USAGE, "--axis %d needs a 2-D dataset, but %s is 1-D", s->axis,
                           pario_dataset_label(ds, label, sizeof label));
    }
    if (s->have_lo && s->have_hi && s->lo > s->hi)
        return pario_error(PARIO_ERR_USAGE, "histogram range: --min %s is greater than --max %s", s->lo_text,
                           s->hi_text);
    const int axis = pario_dataset_axis(ds, s->axis);
    uint64_t lanes = axis < 0 ? 1 : axis == 0 ? ds->shape[1] : ds->shape[0];
    /* cells of 8 bytes: the accumulator (two exact sums of about 1.1 KiB) and the bins */
    uint64_t per_lane = sizeof(pario_acc) / 8 + ((s->ops & PARIO_OP_HIST) ? s->bins : 0);
    if (lanes > PARIO_REDUCE_MAX_CELLS / per_lane)
        return pario_error(PARIO_ERR_USAGE, "--axis %d: %llu results of %llu cells each are too many to hold on every rank",
                           s->axis, (unsigned long long)lanes, (unsigned long long)per_lane);
    pario_status st;
    if (s->ops & PARIO_OP_COUNT) {
        st = pario_count_query_resolve(&s->count, ds->dtype);
        if (pario_failed(&st))
            return pario_error(PARIO_ERR_USAGE, "count=%s: %s", s->count.text[0], st.msg);
    }
    if (s->ops & PARIO_OP_RANGE) {
        st = pario_count_query_resolve(&s->range, ds->dtype);
        if (pario_failed(&st)) {
            /* the query names its option (--range LO:HI: ...): here the operation */
            char opt[2 * sizeof s->range.text[0] + 16];
            snprintf(opt, sizeof opt, "--range %s:%s: ", s->range.text[0], s->range.text[1]);
            const char *why = strncmp(st.msg, opt, strlen(opt)) ? st.msg : st.msg + strlen(opt);
            return pario_error(PARIO_ERR_USAGE, "operation 'range=%s:%s': %s", s->range.text[0], s->range.text[1], why);
        }
    }
    return pario_ok();
}
