/* Internal: PARIO_SLOW=RANK:FACTOR or RANK:+SECONDS, a documented test hook
 * (doc/pool.md). After work that took t seconds, rank RANK of MPI_COMM_WORLD
 * waits (FACTOR - 1) t more, as if its core were FACTOR times slower: the
 * imbalance a dynamic schedule must absorb; or, in the second form, SECONDS
 * after each piece of work whatever it took, the same on a fast machine as on a
 * slow one (a test that changes an input mid-run needs a run of known length).
 * The rank sleeps through the extra time rather than spin, so on a shared
 * machine it does not take the CPU of the ranks it is compared with.
 * Read on first use; one predictable branch when unset. */
#ifndef PARIO_SLOW_H
#define PARIO_SLOW_H

#include <mpi.h>

extern int pario_slow_state; /* 1 until PARIO_SLOW was read, then 0 (off) or 2 (this rank is slowed) */
void pario_slow_wait(double started);

/* Call after a piece of work that began at `started` (MPI_Wtime()). */
/* the start time pario_slow_after needs: only read while PARIO_SLOW may apply
 * (a clock read per piece showed in cyclic:1024's 8 KiB runs) */
static inline double pario_slow_start(void)
{
    return __builtin_expect(pario_slow_state != 0, 0) ? MPI_Wtime() : 0.0;
}

static inline void pario_slow_after(double started)
{
    if (__builtin_expect(pario_slow_state != 0, 0))
        pario_slow_wait(started);
}

#endif
