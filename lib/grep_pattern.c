/* pario-grep's patterns: GNU regex compiled with GNU grep's syntax bits (so '.'
 * matches NUL, '\n' separates alternatives, an unmatched ')' or '{' is an
 * ordinary character in -E, as in grep), on the pattern rewritten where glibc
 * reads it unlike grep's own parser (translate), and the literal prefilter. */
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
 * ends the run; groups and everything in them (alternatives too) are skipped;
 * alternation at the top level (or a newline) means no required string. Conservative: it may miss a required string, it never
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
        if (kind == T_ALT && c != '\n' && depth > 0) {
            /* inside a group, skipped with it: the runs outside stay required
             * ("(GET|POST) /api": " /api"; without one, glibc's regex ran on
             * every line, 1000 times grep's time on long lines) */
            *pure = 0;
            continue;
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

/* The repetition operator at pat[i] ('*', '+', '?', an interval; '\+', '\?' and
 * '\{...\}' in basic syntax), as GNU grep's dfa.c reads it: its length (0 for
 * none), and in *zero whether it allows zero repetitions. An interval is taken
 * as one whenever its shape is ("{", digits, an optional "," and digits, "}"),
 * even a bad one ("{2,1}"), which glibc then refuses as grep does; a '{' of any
 * other shape is an ordinary character in -E (RE_INVALID_INTERVAL_ORD). */
static size_t rep_at(const char *pat, size_t n, size_t i, int ere, int *zero)
{
    size_t j = i;
    if (j < n && pat[j] == '*') {
        *zero = 1;
        return 1;
    }
    if (!ere) {
        if (j + 1 >= n || pat[j] != '\\')
            return 0;
        j++;
    }
    if (pat[j] == '+' || pat[j] == '?') {
        *zero = pat[j] == '?';
        return j + 1 - i;
    }
    if (pat[j] != '{')
        return 0;
    j++;
    long min = -1;
    int comma = 0;
    for (; j < n && pat[j] >= '0' && pat[j] <= '9'; j++)
        min = min < 0 ? pat[j] - '0' : min > 100000 ? min : min * 10 + (pat[j] - '0');
    if (j < n && pat[j] == ',') {
        comma = 1;
        for (j++; j < n && pat[j] >= '0' && pat[j] <= '9'; j++)
            ;
    }
    if (!ere) {
        if (j >= n || pat[j] != '\\')
            return 0;
        j++;
    }
    if (j >= n || pat[j] != '}' || (min < 0 && !comma))
        return 0;
    *zero = min <= 0;
    return j + 1 - i;
}

/* The end of the bracket expression opening at pat[i] (the index of its ']'),
 * or n when it is not closed; *confusing when it is "[:space:]" used without
 * its outer brackets (dfa.c's colon_warning_state == 7: a ':' first and last,
 * something else between, no range and no class). */
static size_t bracket_end(const char *pat, size_t n, size_t i, int *confusing)
{
    size_t j = i + 1;
    if (j < n && pat[j] == '^')
        j++;
    int state = j < n && pat[j] == ':';
    size_t first = j;
    while (j < n && (pat[j] != ']' || j == first)) {
        state &= ~2;
        if (pat[j] == '[' && j + 1 < n && (pat[j + 1] == ':' || pat[j + 1] == '.' || pat[j + 1] == '=')) {
            char close = pat[j + 1];
            j += 2;
            while (j + 1 < n && !(pat[j] == close && pat[j + 1] == ']'))
                j++;
            if (j + 1 >= n)
                return n;
            j += 2;
            state |= 8;
            continue;
        }
        if (j + 2 < n && pat[j + 1] == '-' && pat[j + 2] != ']') {
            j += 3;
            state |= 8;
            continue;
        }
        state |= pat[j] == ':' ? 2 : 4;
        j++;
    }
    *confusing = j < n && state == 7;
    return j;
}

/* GNU grep reads a pattern with its own parser (dfa.c), and glibc's regex
 * differs from it on a few points; this rewrites the pattern into one that glibc
 * reads as grep does:
 * - a repetition operator after an anchor (^ $ \< \> \b \B \` \') repeats the
 *   anchor: "b$*" is "b" and "b\b\{1\}" is "b\b" (glibc takes the operator as
 *   an ordinary character, or drops it);
 * - in -E, a repetition operator at the start of an expression (at the start,
 *   after '(', '|' or a newline, or after an anchor there) repeats the empty
 *   string: "{1}a" is "a", with grep's warning ("{...} at start of expression";
 *   glibc drops the '{' only); a '{' that starts no interval is an ordinary
 *   character ("^{", "x|{"; glibc drops it at the start of an expression);
 * - '\' before a letter with no meaning (\x, \q, ...) is the letter: glibc keeps
 *   it as is, so -i (RE_ICASE, which upper-cases the text) never matched it.
 * Bracket expressions are copied unchanged. *out (malloc'ed) gets the new
 * pattern, *warn grep's warnings (one per line, or NULL), *confusing whether a
 * bracket expression is "[:space:]" without its outer brackets. Returns 0 when
 * out of memory. */
static int translate(const char *pat, int ere, char **out, char **warn, int *confusing)
{
    size_t n = strlen(pat), k = 0, wk = 0;
    char *o = malloc(2 * n + 1), *w = malloc(40 * n + 1);
    if (!o || !w) {
        free(o);
        free(w);
        return 0;
    }
    int laststart = 1, opened = 1; /* opened: at the start, after "(", "|" or a newline */
    long anchor = -1;              /* where the last token, an anchor, starts in o; -1 if it was none */
    *confusing = 0;
    for (size_t i = 0; i < n;) {
        int zero = 0;
        size_t r = rep_at(pat, n, i, ere, &zero);
        if (r && (ere || !laststart)) {
            /* this operator and the ones right after it */
            int any_zero = 0, was_anchor = anchor >= 0, start = laststart && !was_anchor;
            while (r && (ere || !laststart)) {
                if (ere && laststart) {
                    const char *what = pat[i] == '{' ? "{...}" : pat[i] == '*' ? "*" : pat[i] == '+' ? "+" : "?";
                    wk += (size_t)sprintf(w + wk, "%s at start of expression\n", what);
                }
                any_zero |= zero;
                if (!was_anchor && !start) { /* an ordinary repetition */
                    memcpy(o + k, pat + i, r);
                    k += r;
                }
                if (pat[i + r - 1] == '}')
                    laststart = 0;
                i += r;
                if (!was_anchor && !start)
                    break;
                r = rep_at(pat, n, i, ere, &zero);
            }
            if (was_anchor && any_zero)
                k = (size_t)anchor; /* the anchor repeated, perhaps zero times: nothing */
            anchor = -1;
            opened = 0;
            continue;
        }
        char c = pat[i];
        int is_anchor = 0;
        size_t len = 1;
        if (c == '\n' || (ere && (c == '(' || c == '|'))) {
            laststart = opened = 1;
            o[k++] = c;
            i++;
            anchor = -1;
            continue;
        }
        if (c == '[') {
            int conf = 0;
            size_t e = bracket_end(pat, n, i, &conf);
            *confusing |= conf;
            len = e < n ? e + 1 - i : n - i;
        } else if (c == '\\' && i + 1 < n) {
            char d = pat[i + 1];
            len = 2;
            if (!ere && (d == '(' || d == '|')) {
                memcpy(o + k, pat + i, 2);
                k += 2;
                i += 2;
                laststart = opened = 1;
                anchor = -1;
                continue;
            }
            if (d == '<' || d == '>' || d == 'b' || d == 'B' || d == '`' || d == '\'') {
                is_anchor = 1;
            } else if (((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) && !strchr("wWsS", d)) {
                o[k++] = d; /* no meaning: the letter itself */
                i += 2;
                laststart = opened = 0;
                anchor = -1;
                continue;
            }
        } else if (c == '^') {
            is_anchor = ere || opened;
        } else if (c == '$') {
            const char *t = pat + i + 1;
            is_anchor = ere || !*t || *t == '\n' || (t[0] == '\\' && (t[1] == ')' || t[1] == '|'));
        } else if (ere && c == '{') {
            o[k++] = '\\'; /* starts no interval (rep_at said so): an ordinary '{' */
        }
        if (!ere && !is_anchor && (c == '^' || c == '$'))
            o[k++] = '\\'; /* ordinary here, and wherever dropping an anchor may put it */
        if (is_anchor) {
            anchor = (long)k;
        } else {
            laststart = 0;
            anchor = -1;
        }
        opened = 0;
        memcpy(o + k, pat + i, len);
        k += len;
        i += len;
    }
    o[k] = '\0';
    w[wk] = '\0';
    *out = o;
    if (wk) {
        *warn = w;
    } else {
        free(w);
        *warn = NULL;
    }
    return 1;
}

/* -F with newlines: each line of the pattern is a fixed string, and a line of
 * input is selected if it holds any of them (grep's list of patterns). An
 * empty one is in every line: the list is then -F ''. Otherwise the strings,
 * each with ERE's special characters escaped, are an extended pattern whose
 * newlines are alternation (RE_SYNTAX_EGREP has RE_NEWLINE_ALT); it has no
 * required string, so the regex sees every line. */
static pario_status compile_fixed_list(pario_grep_pattern *p, const char *pattern, size_t n, int icase)
{
    int empty = pattern[0] == '\n' || pattern[n - 1] == '\n' || strstr(pattern, "\n\n") != NULL;
    if (empty)
        return pario_grep_compile(p, "", 1, 0, icase);
    char *ere = malloc(2 * n + 1);
    if (!ere)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (strchr("\\.[]()*+?{}|^$", pattern[i]))
            ere[k++] = '\\';
        ere[k++] = pattern[i];
    }
    ere[k] = '\0';
    pario_status st = pario_grep_compile(p, ere, 0, 1, icase);
    free(ere);
    return st;
}

/* 1 when a regex holds a back-reference (\1 to \9). */
static int has_backref(const char *pat)
{
    for (const char *c = pat; *c; c++)
        if (*c == '\\' && c[1]) {
            if (c[1] >= '1' && c[1] <= '9')
                return 1;
            c++;
        }
    return 0;
}

/* A regex buffer with its fastmap, compiled from pat (syntax: re_syntax_options)
 * into *out; NULL and glibc's message (or "out of memory") on failure. */
static const char *compile_buf(const char *pat, struct re_pattern_buffer **out)
{
    struct re_pattern_buffer *re = calloc(1, sizeof *re);
    const char *err = re && (re->fastmap = malloc(256)) ? re_compile_pattern(pat, strlen(pat), re) : "out of memory";
    if (err && re) {
        regfree(re); /* the fastmap, and whatever a failed compile left */
        free(re);
        re = NULL;
    }
    if (re)
        re->not_bol = re->not_eol = 0;
    *out = re;
    return err;
}

static void free_buf(struct re_pattern_buffer *re)
{
    if (re) {
        regfree(re); /* frees the fastmap too */
        free(re);
    }
}

/* One regex (p zeroed but for icase). GNU grep matches a pattern with its own
 * matcher (dfa.c), which translate() makes glibc's regex read alike (re); but a
 * pattern with a back-reference, and every pattern of a list that holds one,
 * it also checks with glibc's regex as given, which reads a few things
 * otherwise ("x\b*(a)\1" needs the \b; "o\>{1}" matches nothing): with raw,
 * that reading (raw) must match too. */
static pario_status compile_regex(pario_grep_pattern *p, const char *pattern, int extended, int icase, int raw)
{
    p->icase = icase;
    p->backref = has_backref(pattern);
    char *lit = malloc(strlen(pattern) + 1);
    if (!lit)
        return pario_error(PARIO_ERR_RUNTIME, "out of memory");
    char *tr = NULL, *warn = NULL;
    int confusing = 0;
    struct re_pattern_buffer *as_given, *re = NULL;
    re_syntax_options = (extended ? RE_SYNTAX_EGREP : RE_SYNTAX_GREP) | (icase ? RE_ICASE : 0) | RE_NO_SUB;
    /* grep's errors: glibc's on the pattern as given (grep compiles it too),
     * then its own parser's; the rewritten pattern is the one that runs, and
     * with raw the pattern as given too */
    const char *err = compile_buf(pattern, &as_given);
    if (!raw) {
        free_buf(as_given);
        as_given = NULL;
    }
    if (!err && !translate(pattern, extended, &tr, &warn, &confusing))
        err = "out of memory";
    if (!err && confusing)
        err = "character class syntax is [[:space:]], not [:space:]";
    if (!err)
        err = compile_buf(tr, &re);
    if (err) {
        pario_status st = pario_error(PARIO_ERR_USAGE, "pattern '%s': %s", pattern, err);
        free_buf(as_given);
        free(lit);
        free(tr);
        free(warn);
        return st;
    }
    p->re = re;
    p->raw = as_given;
    p->warnings = warn;
    size_t len = 0;
    int pure = 0;
    int has_lit = pario_grep_required_literal(tr, extended, lit, &len, &pure);
    free(tr);
    if (has_lit) {
        p->lit = lit;
        p->lit_len = len;
        p->fixed = pure;
    } else {
        free(lit);
    }
    return pario_ok();
}

/* A list of regexes (newlines: several -e, or one pattern of several lines) with
 * a back-reference: as GNU grep, each line is compiled on its own, so that \1 is
 * its own line's group (one regex of alternatives numbered the groups across
 * them: "Invalid back reference"). No required string: every line is tried. */
static pario_status compile_regex_list(pario_grep_pattern *p, const char *pattern, int extended, int icase)
{
    int n = 1;
    for (const char *c = pattern; (c = strchr(c, '\n')); c++)
        n++;
    p->alts = calloc((size_t)n, sizeof *p->alts);
    char *copy = strdup(pattern);
    pario_status st = p->alts && copy ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory");
    char *line = copy;
    for (int i = 0; i < n && !pario_failed(&st); i++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        st = compile_regex(&p->alts[i], line, extended, icase, 1);
        if (!pario_failed(&st)) {
            p->nalts = i + 1;
            if (p->alts[i].warnings) { /* each line's warnings, in order */
                size_t a = p->warnings ? strlen(p->warnings) : 0, b = strlen(p->alts[i].warnings);
                char *w = realloc(p->warnings, a + b + 1);
                if (w) {
                    memcpy(w + a, p->alts[i].warnings, b + 1);
                    p->warnings = w;
                }
            }
        }
        line = nl ? nl + 1 : line;
    }
    free(copy);
    if (pario_failed(&st))
        pario_grep_free(p);
    return st;
}

pario_status pario_grep_compile(pario_grep_pattern *p, const char *pattern, int fixed, int extended, int icase)
{
    memset(p, 0, sizeof *p);
    p->icase = icase;
    size_t n = strlen(pattern);
    if (fixed && memchr(pattern, '\n', n))
        return compile_fixed_list(p, pattern, n, icase);
    if (!fixed && memchr(pattern, '\n', n) && has_backref(pattern))
        return compile_regex_list(p, pattern, extended, icase);
    if (fixed) {
        p->fixed = 1;
        p->lit = strdup(pattern);
        p->lit_len = n;
        return p->lit ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory");
    }
    return compile_regex(p, pattern, extended, icase, has_backref(pattern));
}

void pario_grep_free(pario_grep_pattern *p)
{
    for (int i = 0; i < p->nalts; i++)
        pario_grep_free(&p->alts[i]);
    free(p->alts);
    free_buf(p->re);
    free_buf(p->raw);
    free(p->lit);
    free(p->warnings);
    memset(p, 0, sizeof *p);
}

int pario_grep_line_matches(const pario_grep_pattern *p, const char *line, size_t n)
{
    if (p->alts) {
        /* any line matches: those without a back-reference first (cheap; a
         * back-reference can take exponential time, and GNU grep took the line
         * at once where another pattern of the list matched it) */
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < p->nalts; i++) {
                if (p->alts[i].backref != pass)
                    continue;
                int m = pario_grep_line_matches(&p->alts[i], line, n);
                if (m)
                    return m;
            }
        return 0;
    }
    if (!p->re)
        return 1; /* fixed strings are matched by the caller's search */
    regoff_t r = re_search(p->re, line, (regoff_t)n, 0, (regoff_t)n, NULL);
    if (r >= 0 && p->raw)
        r = re_search(p->raw, line, (regoff_t)n, 0, (regoff_t)n, NULL);
    return r >= 0 ? 1 : r == -1 ? 0 : -1;
}
