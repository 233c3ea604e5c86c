/* Counter-based random numbers: value = f(seed, global index), so a dataset or a
 * Monte Carlo run is the same whatever the number of ranks. splitmix64's
 * finaliser over a Weyl sequence keyed by the seed (Steele, Lea, Flood 2014). */
#ifndef PARIO_RNG_H
#define PARIO_RNG_H

#include <stdint.h>

#define PARIO_RNG_NAME "splitmix64(seed, index, stream)"

/* splitmix64's constants: the Weyl increment and the finaliser's multipliers
 * (named so that vector forms of the generator use the same ones). */
#define PARIO_RNG_GAMMA 0x9e3779b97f4a7c15ULL
#define PARIO_MIX64_M1 0xbf58476d1ce4e5b9ULL
#define PARIO_MIX64_M2 0x94d049bb133111ebULL

static inline uint64_t pario_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * PARIO_MIX64_M1;
    z = (z ^ (z >> 27)) * PARIO_MIX64_M2;
    return z ^ (z >> 31);
}

/* The key of a (seed, stream) pair; hoist it out of loops. */
static inline uint64_t pario_rng_key(uint64_t seed, uint64_t stream)
{
    return pario_mix64(seed ^ pario_mix64(stream + 0x632be59bd9b4e019ULL));
}

/* 64 random bits for a global index. */
static inline uint64_t pario_rng_at(uint64_t key, uint64_t index)
{
    return pario_mix64(key + (index + 1) * PARIO_RNG_GAMMA);
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double pario_rng_unit(uint64_t bits)
{
    return (double)(bits >> 11) * 0x1.0p-53;
}

#endif
