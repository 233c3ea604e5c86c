/* yamlcheck desc|job FILE...: load each file with pario's loader (pario_desc_load,
 * pario_job_load) and print one line per file: "FILE<TAB>valid" or
 * "FILE<TAB>invalid<TAB>message". For tests/mpi/schema_corpus.sh, which compares
 * these verdicts with the schemas'.
 * yamlcheck resolve: for each line of stdin, the kind lib/yaml_load.c gives it as a
 * plain scalar (str, int, float, bool, null) and whether it is a number in plain
 * decimal (1/0), for comparison with PyYAML's resolver. */
#include <stdio.h>
#include <string.h>
#include <mpi.h>
#include "pario/dataset.h"
#include "pario/job.h"
#include "yaml_load.h"

static int resolve_lines(void)
{
    static const char *const names[] = { "other", "str", "int", "float", "bool", "null" };
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\n");
        printf("%s %d\n", names[pario_yaml_resolve(line, n)], pario_yaml_number_plain(line, n));
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "resolve"))
        return resolve_lines();
    if (argc < 2 || (strcmp(argv[1], "desc") && strcmp(argv[1], "job"))) {
        fprintf(stderr, "usage: yamlcheck desc|job FILE... | yamlcheck resolve <LINES\n");
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
