/* The ranks' shares of each batch's rows, from their speeds (train_internal.h).
 *
 * Which rank sums a segment changes no bit of the result (each segment's sum
 * has its own slot), so the deal may follow the ranks' speeds: a rank whose
 * rows come from slower memory, or whose core is shared, gets fewer, and the
 * others wait less for it each step. Each rank sends its speed so far (rows of
 * its segments per second of its kernel, over the whole run) with every step's
 * sums; every rank receives the same P numbers and computes the same shares
 * from them, so the deals agree without another message. */
#include "config.h"
#include "train_internal.h"

/* A rank's share stays within [1/(2P), 2/P] before the shares are scaled to 1:
 * a rank that measured badly once still gets rows, and keeps measuring. */
#define SHARE_MIN 0.5
#define SHARE_MAX 2.0

double pario_train_rate(const struct train *t)
{
    return t->secs[0] > 0.0 && t->rows_done > 0.0 ? t->rows_done / t->secs[0] : 0.0;
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
