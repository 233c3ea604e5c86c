/* A whole decimal number from the command line, for the lessons.
 *
 * atoi and atol check nothing: they read "1e6" as 1, "xyz" as 0 and
 * 99999999999999999999 as whatever the overflow gives, and the lesson then
 * runs on a number nobody typed. lesson_number returns the number when TEXT is
 * a whole decimal number from LO to HI, and BAD otherwise; a caller gives a BAD
 * its range check refuses (0 where the number must be positive), so the usage
 * error it prints covers both. Every rank parses the same argv, so every rank
 * stops alike: no rank is left waiting in a collective call. */
#ifndef LESSON_ARGS_H
#define LESSON_ARGS_H

#include <errno.h>
#include <stdlib.h>

static inline long long lesson_number(const char *text, long long lo, long long hi, long long bad)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno == ERANGE || v < lo || v > hi)
        return bad;
    return v;
}

#endif
