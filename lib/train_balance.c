/* The ranks' shares of each batch's rows, from their speeds (train_internal.h).
 *
 * Which rank sums a segment changes no bit of the result (each segment's sum
 * has its own slot), so the deal may follow the ranks' speeds: a rank whose
 * rows come from slower memory, or whose core is slower, gets fewer, and the
 * others wait less for it each step. Each rank sends its speed with every
 * step's sums; every rank receives the same P numbers and computes the same
 * shares from them, so the deals agree without another message. This is for
 * the MPI paths (--allreduce mpi or ring, several hosts); in shared memory the
 * ranks take each other's segments as they go instead (lib/train_node.c).
 *
 * A rank's speed is the median of its steps' kernel time per row (a log-scale
 * histogram, re-read every RATE_EVERY steps), not its rows over its total
 * kernel time: on a machine shared with other jobs, a step in which a rank
 * was descheduled for milliseconds is stalled whatever its share, and a mean
 * that counted such steps cut the rank's rows in every ordinary step, where
 * it then waited for the others (measured here with another engineer's build
 * on one of the two cores: the ranks' median rows took 20-23 and 27-30 us). */
#include "config.h"
#include "train_internal.h"

/* A rank's share stays within [1/(2P), 2/P] before the shares are scaled to 1:
 * a rank that measured badly once still gets rows, and keeps measuring. */
#define SHARE_MIN 0.5
#define SHARE_MAX 2.0

/* Steps measured before a rank has a speed; steps between two readings of the median. */
#define RATE_FIRST 16
#define RATE_EVERY 64

double pario_train_rate(struct train *t)
{
    if (!t->hist)   /* no histogram (the unit tests' bare struct): rows over kernel time */
        return t->secs[0] > 0.0 && t->rows_done > 0.0 ? t->rows_done / t->secs[0] : 0.0;
    const pario_loghist *h = &t->hist[PARIO_TRAIN_HIST_ROW];
    if (h->n < RATE_FIRST)
        return 0.0;
    if (h->n >= t->rate_next) {
        double q = pario_loghist_quantile(h, 0.5);   /* seconds per 1,000 rows */
        t->rate = q > 0.0 ? 1000.0 / q : 0.0;
        t->rate_next = h->n + RATE_EVERY;
    }
    return t->rate;
}

void pario_train_shares_equal(struct train *t)
{
    for (int r = 0; r <= t->p; r++)
        t->cum[r] = (double)r / (double)t->p;
}

void pario_train_shares(struct train *t)
{
    double sum = 0.0;
    for (int r = 0; r < t->p; r++) {
        if (!(t->rates[r] > 0.0) || !(t->rates[r] < 1e300)) {   /* one rank has not measured yet */
            pario_train_shares_equal(t);
            return;
        }
        sum += t->rates[r];
    }
    double p = (double)t->p, total = 0.0;
    for (int r = 0; r < t->p; r++) {
        double s = t->rates[r] / sum * p;   /* 1 for an average rank */
        s = s < SHARE_MIN ? SHARE_MIN : s > SHARE_MAX ? SHARE_MAX : s;
        t->cum[r + 1] = total += s;
    }
    t->cum[0] = 0.0;
    for (int r = 1; r < t->p; r++)
        t->cum[r] /= total;
    t->cum[t->p] = 1.0;
}
