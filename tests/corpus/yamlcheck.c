/* yamlcheck desc|job FILE...: load each file with pario's loader (pario_desc_load,
 * pario_job_load) and print one line per file: "FILE<TAB>valid" or
 * "FILE<TAB>invalid<TAB>message". For tests/mpi/schema_corpus.sh, which compares
 * these verdicts with the schemas'. */
#include <stdio.h>
#include <string.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/job.h"

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "desc") && strcmp(argv[1], "job"))) {
        fprintf(stderr, "usage: yamlcheck desc|job FILE...\n");
        return 2;
    }
    MPI_Init(&argc, &argv);
    static pario_dataset ds;
    static pario_job job;
    for (int i = 2; i < argc; i++) {
        pario_status st = argv[1][0] == 'd' ? pario_desc_load(argv[i], &ds) : pario_job_load(argv[i], &job, MPI_COMM_SELF);
        if (pario_failed(&st))
            printf("%s\tinvalid\t%s\n", argv[i], st.msg);
        else
            printf("%s\tvalid\n", argv[i]);
    }
    MPI_Finalize();
    return 0;
}
