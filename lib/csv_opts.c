/* The CSV settings: defaults, command-line options, and the descriptor's
 * (format: csv or text) filling what the command line left unset. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "csv_internal.h"
#include "pario/dataset.h"

void pario_csv_opts_init(pario_csv_opts *o)
{
    memset(o, 0, sizeof *o);
    o->delimiter = ',';
    o->quote = '"';
    o->header = 1;
    snprintf(o->skip_hint, sizeof o->skip_hint, "--skip-invalid");
}

static pario_status one_byte(const char *opt, const char *arg, char *out, int none_ok)
{
    if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0) {
        *out = '\t';
        return pario_ok();
    }
    /* an empty argument is refused, not read as none: it is most often an unset
     * shell variable ("--quote $Q"), and Python's csv refuses an empty quotechar */
    if (none_ok && strcmp(arg, "none") == 0) {
        *out = 0;
        return pario_ok();
    }
    if (strlen(arg) != 1 || arg[0] == '\n' || arg[0] == '\r')
        return pario_error(PARIO_ERR_USAGE, "--%s '%s': expected one byte%s (not a line end)", opt, arg,
                           none_ok ? ", 'tab' or 'none'" : " or 'tab'");
    *out = arg[0];
    return pario_ok();
}

int pario_csv_handle(pario_csv_opts *o, int key, const char *arg, pario_status *st)
{
    switch (key) {
    case PARIO_CSV_O_COLUMN:
        if (!arg[0] || strlen(arg) >= sizeof o->column) {
            *st = pario_error(PARIO_ERR_USAGE, "--column: expected a column name or a 0-based index");
            return 1;
        }
        snprintf(o->column, sizeof o->column, "%s", arg);
        o->given |= PARIO_CSV_GIVEN_COLUMN;
        return 1;
    case PARIO_CSV_O_HEADER:
    case PARIO_CSV_O_NO_HEADER:
        o->header = key == PARIO_CSV_O_HEADER;
        o->given |= PARIO_CSV_GIVEN_HEADER;
        return 1;
    case PARIO_CSV_O_DELIMITER:
        *st = one_byte("delimiter", arg, &o->delimiter, 0);
        o->given |= PARIO_CSV_GIVEN_DELIMITER;
        return 1;
    case PARIO_CSV_O_QUOTE:
        *st = one_byte("quote", arg, &o->quote, 1);
        o->given |= PARIO_CSV_GIVEN_QUOTE;
        return 1;
    case PARIO_CSV_O_SKIP_INVALID:
        o->skip_invalid = 1;
        o->given |= PARIO_CSV_GIVEN_SKIP;
        return 1;
    }
    return 0;
}

/* Rank 0: the descriptor's settings (if it says csv or text) under the command line's. */
static pario_status resolve_serial(pario_csv_opts *o, const char *path, const char *desc_path)
{
    char dp[4096];
    struct stat sb;
    if (desc_path && *desc_path)
        snprintf(dp, sizeof dp, "%s", desc_path);
    else
        pario_desc_default_path(path, dp, sizeof dp);
    int have_desc = (desc_path && *desc_path) || stat(dp, &sb) == 0;
    if (!have_desc)
        return pario_ok(); /* the command line alone (active when it gave a CSV option) */
    pario_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return pario_local_error("out of memory");
    pario_status st = pario_desc_load(dp, ds);
    if (pario_failed(&st) || (ds->format != PARIO_SOURCE_CSV && ds->format != PARIO_SOURCE_TEXT)) {
        /* not ours: a raw/npy/hdf5 descriptor goes to the dataset path, which reports
         * its errors; CSV options on such a file are a usage error */
        if (!pario_failed(&st) && o->active)
            st = pario_error(PARIO_ERR_USAGE, "%s: the CSV options read a CSV file, but descriptor %s says format %s",
                             path, dp, pario_source_name(ds->format));
        else if (!o->active)
            st = pario_ok();
        free(ds);
        return st;
    }
    const struct pario_text_desc *t = &ds->text;
    o->active = 1;
    snprintf(o->desc_path, sizeof o->desc_path, "%s", dp);
    if (ds->format == PARIO_SOURCE_TEXT) {
        /* text's own defaults, under what the command line said (it wins:
         * --header, --delimiter and --quote were dropped here, a hostile-user
         * pass, session 22) */
        o->text = 1;
        if (!(o->given & PARIO_CSV_GIVEN_DELIMITER))
            o->delimiter = 0;
        if (!(o->given & PARIO_CSV_GIVEN_QUOTE))
            o->quote = 0;
        if (!(o->given & PARIO_CSV_GIVEN_HEADER))
            o->header = 0;
    }
    if ((t->given & PARIO_CSV_GIVEN_DELIMITER) && !(o->given & PARIO_CSV_GIVEN_DELIMITER))
        o->delimiter = t->delimiter;
    if ((t->given & PARIO_CSV_GIVEN_QUOTE) && !(o->given & PARIO_CSV_GIVEN_QUOTE))
        o->quote = t->quote;
    if ((t->given & PARIO_CSV_GIVEN_HEADER) && !(o->given & PARIO_CSV_GIVEN_HEADER))
        o->header = t->header;
    if ((t->given & PARIO_CSV_GIVEN_COLUMN) && !(o->given & PARIO_CSV_GIVEN_COLUMN))
        snprintf(o->column, sizeof o->column, "%s", t->column);
    /* a name among the descriptor's columns is that column's index */
    const char *name = t->columns;
    for (int i = 0; i < t->ncolumns; i++, name += strlen(name) + 1)
        if (o->column[0] && strcmp(name, o->column) == 0) {
            snprintf(o->column, sizeof o->column, "%d", i);
            break;
        }
    free(ds);
    return pario_ok();
}

pario_status pario_csv_resolve(pario_csv_opts *o, const char *path, const char *desc_path, int dynamic,
                               MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    pario_status st = pario_ok();
    if (o->given & (PARIO_CSV_GIVEN_COLUMN | PARIO_CSV_GIVEN_HEADER | PARIO_CSV_GIVEN_DELIMITER | PARIO_CSV_GIVEN_QUOTE
                    | PARIO_CSV_GIVEN_SKIP))
        o->active = 1;
    if (rank == 0)
        st = resolve_serial(o, path, desc_path);
    if (pario_agree(&st, comm))
        return st;
    MPI_Bcast(o, (int)sizeof *o, MPI_BYTE, 0, comm);
    if (o->active && dynamic) /* the same on every rank */
        return pario_error(PARIO_ERR_USAGE, "%s: --schedule dynamic does not apply to a CSV or text column (its "
                           "records are split by where they start, each rank reading its own range once): leave it "
                           "out, or say --schedule static", path);
    return st;
}


uint64_t pario_csv_skipped(const pario_csv_stats *s, const char *path, char *buf, size_t len)
{
    uint64_t n = s->empty + s->missing + s->non_numeric;
    if (len)
        buf[0] = '\0';
    if (n && len)
        snprintf(buf, len, "skipped %llu invalid field%s in %s: %llu empty, %llu missing, %llu non-numeric",
                 (unsigned long long)n, n == 1 ? "" : "s", path, (unsigned long long)s->empty,
                 (unsigned long long)s->missing, (unsigned long long)s->non_numeric);
    return n;
}
