/* The training shuffle's Feistel permutation for many positions at once
 * (include/pario/train.h; lib/train_perm.c holds the one-position form and the
 * formula): 8 positions in the lanes of one vector, the rounds' multiplies
 * of all 8 in flight together, and the cycle walk (a value >= n goes through
 * the network again) done per lane under a mask. Integers only: the same
 * values as pario_perm_at on any machine. */
#include "config.h"
#include <string.h>
#include "pario/rng.h"
#include "pario/train.h"

#include "clones.h"

typedef uint64_t v8u __attribute__((vector_size(64)));

/* splitmix64's finaliser in each lane, in place (a 64-byte vector passed by
 * value draws GCC 12's ABI note in every build, which its pragma does not
 * silence) */
static inline __attribute__((always_inline)) void mix8(v8u *zp)
{
    v8u z = *zp;
    z = (z ^ (z >> 30)) * PARIO_MIX64_M1;
    z = (z ^ (z >> 27)) * PARIO_MIX64_M2;
    *zp = z ^ (z >> 31);
}

/* one pass through the network (train_perm.c's feistel), 8 lanes */
#define FEISTEL8(x, keys, half, mask)                         \
    ({                                                        \
        v8u l_ = (x) >> (half), r_ = (x) & (mask);            \
        for (int i_ = 0; i_ < 4; i_++) {                      \
            v8u f_ = (keys)[i_] ^ r_;                         \
            mix8(&f_);                                        \
            f_ &= (mask);                                     \
            v8u t_ = r_;                                      \
            r_ = l_ ^ f_;                                     \
            l_ = t_;                                          \
        }                                                     \
        (l_ << (half)) | r_;                                  \
    })

/* Up to 512 positions: one pass of the network for all (8 lanes at a time),
 * then the values still out of range gathered and passed again, until none
 * is: each position costs the passes it needs (2 on average when n is just
 * above a power of 4), not the most any of its 8 lanes needs. */
#define PASS 512

PARIO_CLONES
void pario_perm_at_n(const pario_perm *p, const uint64_t *pos, uint64_t *out, size_t n)
{
    v8u keys[4];
    for (int i = 0; i < 4; i++)
        keys[i] = (v8u){ 0 } + (uint64_t)(p->key + (uint64_t)(i + 1) * PARIO_RNG_GAMMA);
    uint64_t half = (uint64_t)p->half;
    v8u mask = (v8u){ 0 } + p->mask;
    uint64_t val[PASS + 8];
    uint32_t idx[PASS];
    for (size_t c = 0; c < n; c += PASS) {
        size_t m = n - c < PASS ? n - c : PASS, k = 0;
        memcpy(val, pos + c, m * sizeof *val);
        memset(val + m, 0, 8 * sizeof *val);   /* lanes past m: position 0, ignored */
        for (;;) {
            for (size_t j = 0; j < m; j += 8) {
                v8u x;
                memcpy(&x, val + j, sizeof x);
                x = FEISTEL8(x, keys, half, mask);
                memcpy(val + j, &x, sizeof x);
            }
            /* the first pass: every value to its place; later ones: through idx */
            size_t left = 0;
            for (size_t j = 0; j < m; j++) {
                uint32_t at = k ? idx[j] : (uint32_t)j;
                if (val[j] >= p->n) {
                    idx[left] = at;
                    val[left++] = val[j];
                } else {
                    out[c + at] = val[j];
                }
            }
            if (!left)
                break;
            m = left;
            k = 1;
            memset(val + m, 0, 8 * sizeof *val);
        }
    }
}
