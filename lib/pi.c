/* Monte Carlo pi: parameters, the per-round work split and the running estimate.
 * The loops that touch every sample live in lib/kernels/pi.c. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "pario/pi.h"
#include "pario/view.h"

pario_status pario_pi_method_parse(const char *text, int *method)
{
    if (strcmp(text, "darts") == 0)
        *method = PARIO_PI_DARTS;
    else if (strcmp(text, "midpoint") == 0)
        *method = PARIO_PI_MIDPOINT;
    else
        return pario_error(PARIO_ERR_USAGE, "--method '%s': expected darts or midpoint", text);
    return pario_ok();
}

const char *pario_pi_method_name(int method)
{
    return method == PARIO_PI_MIDPOINT ? "midpoint" : "darts";
}

pario_status pario_pi_params_check(const pario_pi_params *p)
{
    if (p->samples == 0)
        return pario_error(PARIO_ERR_USAGE, "--samples must be at least 1 (samples per round)");
    if (p->rounds == 0)
        return pario_error(PARIO_ERR_USAGE, "--rounds must be at least 1");
    /* Global sample indices and int64 totals: R*S must stay far from overflow. */
    int bits = p->method == PARIO_PI_MIDPOINT ? 53 : 62;
    uint64_t limit = (uint64_t)1 << bits;
    if (p->samples > limit || p->rounds > limit / p->samples)
        return pario_error(PARIO_ERR_USAGE,
                           "--rounds %llu x --samples %llu does not fit: %s allows at most 2^%d samples in all",
                           (unsigned long long)p->rounds, (unsigned long long)p->samples,
                           pario_pi_method_name(p->method), bits);
    return pario_ok();
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

uint64_t pario_pi_round_offset(uint64_t round, uint64_t rounds)
{
    if (rounds <= 1)
        return 0;
    /* g near R / golden ratio, then the nearest coprime value above it */
    uint64_t g = (uint64_t)((double)rounds * 0.6180339887498949);
    if (g == 0)
        g = 1;
    while (gcd(g, rounds) != 1)
        g++;
    return (uint64_t)(((unsigned __int128)(round % rounds) * g) % rounds);
}

void pario_pi_round_part(const pario_pi_params *p, uint64_t round, int rank, int nranks, pario_pi_part *part)
{
    uint64_t start, len;
    part->hits = 0;
    part->sum = 0;
    pario_xsum_init(&part->exact);
    if (p->method == PARIO_PI_DARTS) {
        pario_split(p->samples, nranks, rank, &start, &len);
        part->first = round * p->samples + start;
        part->n = len;
        part->hits = (int64_t)pario_pi_darts_hits(p->seed, part->first, len);
        return;
    }
    /* midpoint: whole blocks, each summed from its own start, added exactly */
    const uint64_t B = PARIO_PI_BLOCK, S = p->samples, nblocks = (S - 1) / B + 1;
    uint64_t b0, nb;
    pario_split(nblocks, nranks, rank, &b0, &nb);
    start = b0 * B < S ? b0 * B : S;
    uint64_t end = (b0 + nb) * B < S ? (b0 + nb) * B : S;
    part->first = round * S + start;
    part->n = end - start;
    const uint64_t offset = pario_pi_round_offset(round, p->rounds);
    for (uint64_t j = start; j < start + part->n; j += B)
        pario_xsum_add(&part->exact, pario_pi_midpoint_sum(S, p->rounds, offset, j, end - j < B ? end - j : B));
    part->sum = pario_xsum_round(&part->exact);
}

void pario_pi_tally_init(pario_pi_tally *t, int method)
{
    memset(t, 0, sizeof *t);
    t->method = method;
}

void pario_pi_tally_add(pario_pi_tally *t, int64_t hits, double sum, uint64_t samples)
{
    t->rounds++;
    t->samples += samples;
    t->hits += hits;
    t->sum += sum;
    if (t->method == PARIO_PI_MIDPOINT && samples) {
        double x = sum / (double)samples, d = x - t->mean;
        t->mean += d / (double)t->rounds;
        t->m2 += d * (x - t->mean);
    }
}

double pario_pi_estimate(const pario_pi_tally *t)
{
    if (!t->samples)
        return NAN;
    if (t->method == PARIO_PI_DARTS)
        return 4.0 * (double)t->hits / (double)t->samples;
    return t->sum / (double)t->samples;
}

double pario_pi_stderr(const pario_pi_tally *t)
{
    if (!t->samples)
        return NAN;
    if (t->method == PARIO_PI_DARTS) {
        double n = (double)t->samples, p = (double)t->hits / n;
        return 4.0 * sqrt(p * (1.0 - p) / n);
    }
    if (t->rounds < 2)
        return NAN;
    double k = (double)t->rounds;
    return sqrt(t->m2 / (k - 1.0) / k);
}

double pario_pi_midpoint_bound(uint64_t n)
{
    double d = (double)n;
    return 1.0 / (3.0 * d * d);
}
