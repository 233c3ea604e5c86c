/* pario-grep's patterns: GNU regex compiled with GNU grep's syntax bits (so '.'
 * matches NUL, '\n' separates alternatives, an unmatched ')' or '{' is an
 * ordinary character in -E, as in grep), and the literal prefilter. */
#define _GNU_SOURCE 1
#include "config.h"
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "pario/grep.h"

/* Scan the regex as a sequence of atoms at the top level; a run of ordinary
 * characters is a string every match contains unless an atom of it is made
 * optional ('*', '?', an interval), in which case that atom is dropped and the
 * run ends. Anything else (brackets, '.', anchors, backslash classes, groups)
 * ends the run; groups and everything in them are skipped; alternation anywhere
 * means no required string. Conservative: it may miss a required string, it never
 * invents one. */
int pario_grep_required_literal(const char *pat, int ere, char *out, size_t *len, int *pure)
{
    size_t n = strlen(pat), best = 0, run = 0;
    char *cur = malloc(n + 1);
    if (!cur)
        return 0;
    int depth = 0, last_lit = 0, ok = 1, plus = 0;
    *pure = 1;
    *len = 0;
#define END_RUN()                                      \
    do {                                               \
        if (run > best) {                              \
            memcpy(out, cur, run);                     \
            best = run;                                \
        }                                              \
        run = 0;                                       \
        last_lit = 0;                                  \
    } while (0)
    for (size_t i = 0; i < n && ok; i++) {
        unsigned char c = (unsigned char)pat[i];
        int lit = -1; /* the literal character this token is, or -1 */
        enum { T_OTHER, T_OPT, T_PLUS, T_OPEN, T_CLOSE, T_ALT, T_INTERVAL } kind = T_OTHER;
        if (c == '\n') {
            kind = T_ALT;
        } else if (c == '\\') {
            if (i + 1 >= n) {
                ok = 0;
                break;
            }
            unsigned char d = (unsigned char)pat[++i];
            if (!ere && d == '|')
                kind = T_ALT;
            else if (!ere && (d == '?'))
                kind = T_OPT;
            else if (!ere && d == '+')
                kind = T_PLUS;
            else if (!ere && d == '{')
                kind = T_INTERVAL;
            else if (!ere && d == '(')
                kind = T_OPEN;
            else if (!ere && d == ')')
                kind = T_CLOSE;
            else if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || d == '<' ||
                     d == '>' || d == '`' || d == '\'')
                kind = T_OTHER;
            else
                lit = d;
        } else if (c == '[') {
            size_t j = i + 1;
            if (j < n && pat[j] == '^')
                j++;
            if (j < n && pat[j] == ']')
                j++;
            while (j < n && pat[j] != ']') {
                if (pat[j] == '[' && j + 1 < n && (pat[j + 1] == ':' || pat[j + 1] == '.' || pat[j + 1] == '=')) {
                    char close = pat[j + 1];
                    j += 2;
                    while (j + 1 < n && !(pat[j] == close && pat[j + 1] == ']'))
                        j++;
                    j += 2;
                } else {
                    j++;
                }
            }
            if (j >= n) {
                ok = 0;
                break;
            }
            i = j;
        } else if (c == '*') {
            kind = T_OPT;
        } else if (c == '.' || c == '^' || c == '$') {
            kind = T_OTHER;
        } else if (ere && c == '?') {
            kind = T_OPT;
        } else if (ere && c == '+') {
            kind = T_PLUS;
        } else if (ere && c == '|') {
            kind = T_ALT;
        } else if (ere && c == '(') {
            kind = T_OPEN;
        } else if (ere && c == ')') {
            kind = depth > 0 ? T_CLOSE : T_OTHER; /* an unmatched ')' is ordinary in -E; play safe */
        } else if (ere && c == '{') {
            kind = T_INTERVAL;
        } else {
            lit = c;
        }
        if (kind == T_INTERVAL) {
            /* skip "{m,n}" (or "\{m,n\}"); anything else there: give up */
            size_t j = i + 1;
            while (j < n && ((pat[j] >= '0' && pat[j] <= '9') || pat[j] == ','))
                j++;
            if (ere && j < n && pat[j] == '}')
                i = j;
            else if (!ere && j + 1 < n && pat[j] == '\\' && pat[j + 1] == '}')
                i = j + 1;
            else {
                ok = 0;
                break;
            }
            kind = T_OPT;
        }
        if (kind == T_ALT) {
            ok = 0;
            break;
        }
        if (plus) {
            /* the atom before a '+' stays required unless an operator after it
             * makes it optional ("a+*", "a+{0}": grep applies both) */
            if (kind == T_PLUS)
                continue;
            plus = 0;
            if (kind != T_OPT)
                END_RUN();
        }
        if (lit >= 0 && depth == 0) {
            cur[run++] = (char)lit;
            last_lit = 1;
            continue;
        }
        *pure = 0;
        if (lit >= 0)
            continue; /* inside a group */
        switch (kind) {
        case T_OPT:
            if (last_lit && depth == 0)
                run--;
            END_RUN();
            break;
        case T_PLUS:
            plus = 1; /* the atom stays required once; what follows may not be adjacent */
            break;
        case T_OPEN:
            END_RUN();
            depth++;
            break;
        case T_CLOSE:
            END_RUN();
            depth--;
            break;
        default:
            END_RUN();
            break;
        }
    }
    if (ok)
        END_RUN();
#undef END_RUN
    free(cur);
    if (!ok) {
        *pure = 0;
        return 0;
    }
    *len = best;
    if (*pure)
        return 1; /* possibly the empty pattern: every line matches */
    return best > 0;
}

pario_status pario_grep_compile(pario_grep_pattern *p, const char *pattern, int fixed, int extended, int icase)
{
    memset(p, 0, sizeof *p);
    p->icase = icase;
    size_t n = strlen(pattern);
    if (fixed) {
        if (memchr(pattern, '\n', n))
            return pario_error(PARIO_ERR_USAGE, "-F: a pattern holding a newline (several fixed strings) is not supported");
        p->fixed = 1;
        p->lit = strdup(pattern);
        p->lit_len = n;
        return p->lit ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory");
    }
    struct re_pattern_buffer *re = calloc(1, sizeof *re);
    char *lit = malloc(n + 1);
    if (!re || !lit) {
        free(re);
        free(lit);
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
    }
    re_syntax_options = (extended ? RE_SYNTAX_EGREP : RE_SYNTAX_GREP) | (icase ? RE_ICASE : 0) | RE_NO_SUB;
    re->fastmap = malloc(256);
    const char *err = re->fastmap ? re_compile_pattern(pattern, n, re) : "out of memory";
    if (err) {
        pario_status st = pario_error(PARIO_ERR_USAGE, "pattern '%s': %s", pattern, err);
        regfree(re); /* the fastmap, and whatever a failed compile left */
        free(re);
        free(lit);
        return st;
    }
    re->not_bol = re->not_eol = 0;
    p->re = re;
    size_t len = 0;
    int pure = 0;
    if (pario_grep_required_literal(pattern, extended, lit, &len, &pure)) {
        p->lit = lit;
        p->lit_len = len;
        p->fixed = pure;
    } else {
        free(lit);
    }
    return pario_ok();
}

void pario_grep_free(pario_grep_pattern *p)
{
    if (p->re) {
        regfree(p->re); /* frees the fastmap too */
        free(p->re);
    }
    free(p->lit);
    memset(p, 0, sizeof *p);
}

int pario_grep_line_matches(const pario_grep_pattern *p, const char *line, size_t n)
{
    if (!p->re)
        return 1; /* fixed strings are matched by the caller's search */
    regoff_t r = re_search(p->re, line, (regoff_t)n, 0, (regoff_t)n, NULL);
    return r >= 0 ? 1 : r == -1 ? 0 : -1;
}
