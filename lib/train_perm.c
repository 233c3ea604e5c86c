/* The training shuffle: a Feistel permutation of 0..n-1 keyed by seed and epoch
 * (the formula is in include/pario/train.h; tests/mpi/train_ref.py is its twin). */
#include "config.h"
#include "pario/rng.h"
#include "pario/train.h"

void pario_perm_init(pario_perm *p, uint64_t n, uint64_t seed, uint64_t epoch)
{
    int bits = 2;
    while (bits < 64 && ((uint64_t)1 << bits) < n)
        bits += 2;
    p->n = n;
    p->half = bits / 2;
    p->mask = ((uint64_t)1 << p->half) - 1;
    p->key = pario_rng_key(seed, epoch);
}

static uint64_t feistel(const pario_perm *p, uint64_t x)
{
    uint64_t l = x >> p->half, r = x & p->mask;
    for (uint64_t i = 0; i < 4; i++) {
        uint64_t f = pario_mix64((p->key + (i + 1) * PARIO_RNG_GAMMA) ^ r) & p->mask;
        uint64_t t = r;
        r = l ^ f;
        l = t;
    }
    return (l << p->half) | r;
}

uint64_t pario_perm_at(const pario_perm *p, uint64_t pos)
{
    uint64_t x = feistel(p, pos);
    while (x >= p->n)
        x = feistel(p, x);
    return x;
}

static uint64_t feistel_inv(const pario_perm *p, uint64_t x)
{
    uint64_t l = x >> p->half, r = x & p->mask;
    for (uint64_t i = 4; i-- > 0;) {
        /* round i took (l, r) to (r, l ^ f(r)) */
        uint64_t f = pario_mix64((p->key + (i + 1) * PARIO_RNG_GAMMA) ^ l) & p->mask;
        uint64_t t = l;
        l = r ^ f;
        r = t;
    }
    return (l << p->half) | r;
}

uint64_t pario_perm_index(const pario_perm *p, uint64_t value)
{
    uint64_t x = feistel_inv(p, value);
    while (x >= p->n)
        x = feistel_inv(p, x);
    return x;
}
