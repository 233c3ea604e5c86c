/* pario-train's check of a segment's labels (train_model.h), the common case
 * in one vectorised pass: integer tests on the doubles' bits, so that NaN
 * needs no unordered comparison (which GCC leaves scalar). */
#include "config.h"
#include <string.h>
#include "../train_model.h"

#include "clones.h"

PARIO_CLONES
int pario_train_labels_ok(pario_train_model model, const double *y, uint64_t m)
{
    uint64_t bad = 0;
    if (model == PARIO_TRAIN_LOGISTIC) {
        /* 0.0, -0.0 or 1.0 */
        for (uint64_t i = 0; i < m; i++) {
            uint64_t u;
            memcpy(&u, &y[i], sizeof u);
            bad |= (uint64_t)((u << 1) != 0) & (uint64_t)(u != 0x3ff0000000000000ULL);
        }
    } else if (model == PARIO_TRAIN_LINEAR) {
        /* finite: the exponent bits not all ones */
        for (uint64_t i = 0; i < m; i++) {
            uint64_t u;
            memcpy(&u, &y[i], sizeof u);
            bad |= (uint64_t)((~u & 0x7ff0000000000000ULL) == 0);
        }
    } else {
        return 0;   /* softmax: the caller's own checks */
    }
    return !bad;
}
