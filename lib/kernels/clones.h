/* The kernels' function multiversioning (private): PARIO_CLONES before a
 * function builds it for x86-64-v4 (AVX-512), AVX2 and the baseline, the
 * loader picking one at run time (GCC's target_clones); one build elsewhere.
 * Integer and exactly rounded code only, or code whose order of operations
 * is fixed, so every clone gives the same bits. */
#ifndef PARIO_KERNELS_CLONES_H
#define PARIO_KERNELS_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define PARIO_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define PARIO_CLONES
#endif

#endif
