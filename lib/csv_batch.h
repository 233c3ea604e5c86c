/* The run of plain records, as a template (csv_source.c includes it once per
 * instruction set): CSV_BATCH names the function, CSV_BATCH_TARGET its target
 * attribute, CSV_BATCH_MASKS the 64-byte mask builder, CSV_BATCH_PICK the
 * select of the n-th set bit of a mask (bit index, or 64 if fewer are set) and
 * CSV_BATCH_NUMBER the number parser (number()'s contract).
 *
 * From r->pos on, record after record while each is plain: at most 63 bytes
 * and its newline within 64 bytes read at once, before the rank's end, no
 * quote, the column there, not empty, not blank-led, a number that parses, and
 * (before the exchange) counted in one step. Masks of delimiters, newlines and
 * quotes are built once per 64 bytes of the buffer; a record's end is the first
 * newline bit from its start, the column's bounds the col-th and (col + 1)-th
 * delimiter bits below it. The first record that is not
 * plain is left untouched for the general path (pario_csv_next), which also
 * owns every error and every count of invalid fields. Returns the new number
 * of values in r->vals. */
CSV_BATCH_TARGET static size_t CSV_BATCH(pario_csv_reader *r, size_t k)
{
    const uint64_t col = r->col, hi = r->f.hi < r->f.size ? r->f.hi : r->f.size, E = r->E, cur = r->cur;
    if (col >= 63 || r->done || !r->o.delimiter)
        return k;
    const char *const buf = r->buf;
    const char *const lim = buf + r->len;
    const char delim = r->o.delimiter, quote = r->o.quote;
    const int settled = r->settled;
    uint64_t pos = r->pos, idx = r->stats.records, nlines = 0;
    const uint64_t header_end = r->header_end;
    if (!settled && r->acct != pos)
        return k;
    /* in runs: the fields of up to RUN records found, then their numbers parsed
     * (independent work the processor overlaps); a number that does not parse
     * ends the run at its record */
    enum { RUN = 32 };
    size_t fo[RUN], fl[RUN];
    uint64_t at[RUN];
    int go = 1;
    /* the masks of two 64-byte windows at wb and wb + 64 (offsets in buf): a
     * record starting in the first is read from both by shifts, so finding the
     * next record waits on no load; the windows move on by 64 bytes as records
     * pass */
    size_t wb = (size_t)(pos - cur);
    if (lim - (buf + wb) < 128)
        return k;
    uint64_t d0, n0, q0, d1, n1, q1;
    CSV_BATCH_MASKS((const unsigned char *)buf + wb, delim, quote, &d0, &n0, &q0);
    CSV_BATCH_MASKS((const unsigned char *)buf + wb + 64, delim, quote, &d1, &n1, &q1);
    int w1 = 1; /* the second window is there */
    while (go && k < BLOCK) {
        size_t m = 0, want = BLOCK - k < RUN ? BLOCK - k : RUN;
        while (m < want) {
            if (pos >= hi) {
                go = 0;
                break;
            }
            const char *p = buf + (pos - cur);
            if (!w1)
                goto stop;
            const unsigned sh = (unsigned)((size_t)(p - buf) - wb); /* < 64 */
            uint64_t d = d0, nl = n0, q = q0;
            if (sh) {
                d = (d0 >> sh) | (d1 << (64 - sh));
                nl = (n0 >> sh) | (n1 << (64 - sh));
                q = (q0 >> sh) | (q1 << (64 - sh));
            }
            if (!nl)
                goto stop;
            const unsigned end = (unsigned)__builtin_ctzll(nl);
            const uint64_t before = ((uint64_t)1 << end) - 1;
            const uint64_t next = pos + end + 1;
            if ((q & before) || next <= header_end || (!settled && next > E))
                goto stop;
            d &= before;
            const size_t n = end && p[end - 1] == '\r' ? end - 1 : end;
            size_t fs = 0, fe;
            if (col) {
                const unsigned b = CSV_BATCH_PICK(d, col - 1);
                if (b >= 64)
                    goto stop; /* missing */
                fs = b + 1;
            }
            const unsigned b = CSV_BATCH_PICK(d, col);
            fe = b < 64 ? b : n;
            if (fe <= fs || p[fs] == ' ' || p[fs] == '\t')
                goto stop; /* empty or blank-led: the general path sorts it out */
            fo[m] = (size_t)(p - buf) + fs;
            fl[m] = fe - fs;
            at[m] = pos;
            m++;
            pos = next;
            if ((size_t)(pos - cur) - wb >= 64) { /* at most 127: one step */
                wb += 64;
                d0 = d1, n0 = n1, q0 = q1;
                if (lim - (buf + wb) >= 128)
                    CSV_BATCH_MASKS((const unsigned char *)buf + wb + 64, delim, quote, &d1, &n1, &q1);
                else
                    w1 = 0;
            }
            continue;
        stop:
            go = 0;
            break;
        }
        for (size_t j = 0; j < m; j++) {
            if (!CSV_BATCH_NUMBER(buf + fo[j], fl[j], lim, &r->vals[k + j])) {
                pos = at[j];
                m = j;
                go = 0;
                break;
            }
            r->recs[k + j] = idx + j;
        }
        k += m;
        idx += m;
        nlines += m;
    }
    r->pos = pos;
    r->line += nlines;
    r->stats.records = idx;
    if (!settled) {
        r->counts[PARIO_CSV_Q_LINES] += nlines;
        r->acct = pos;
    }
    return k;
}
#undef CSV_BATCH
#undef CSV_BATCH_TARGET
#undef CSV_BATCH_MASKS
#undef CSV_BATCH_PICK
#undef CSV_BATCH_NUMBER
