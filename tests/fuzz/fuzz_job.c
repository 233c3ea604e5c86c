/* libFuzzer: the job loader (pario_job_parse) on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pario/job.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pario_job job;
    pario_status st = pario_job_parse("jobs/fuzz.yaml", (const char *)data, size, &job);
    if (pario_failed(&st)) {
        if (st.code != PARIO_ERR_USAGE || !memchr(st.msg, '\0', sizeof st.msg) || strchr(st.msg, '\n'))
            abort();
        return 0;
    }
    if (!job.data[0] || job.nhints < 0 || job.nhints > PARIO_JOB_MAX_HINTS || !job.spec.ops)
        abort();
    pario_job_free(&job);
    return 0;
}
