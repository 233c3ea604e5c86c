/* Batch jobs: a YAML file naming the dataset, the distribution, I/O settings, the
 * operations and the outputs (schemas/job.schema.yaml). */
#ifndef PARIO_JOB_H
#define PARIO_JOB_H

#include <mpi.h>
#include "pario/dataset.h"
#include "pario/io.h"
#include "pario/reduce.h"
#include "pario/status.h"
#include "pario/view.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PARIO_JOB_MAX_HINTS 32

typedef struct pario_job {
    char path[PARIO_PATH_MAX];        /* the job file */
    char dir[PARIO_PATH_MAX];         /* its directory: relative paths in the job start here */
    char name[128];                   /* optional: name */
    char data[PARIO_PATH_MAX];        /* input.data, resolved */
    char desc[PARIO_PATH_MAX];        /* input.descriptor, resolved; "" = the default */
    char dataset[1024];               /* input.dataset: the HDF5 dataset path; "" = none */
    pario_dist dist;
    char dist_text[64];
    uint64_t chunk_bytes;             /* 0 = default */
    int independent, overlap;
    int nhints;
    char hint_key[PARIO_JOB_MAX_HINTS][64];
    char hint_value[PARIO_JOB_MAX_HINTS][256];
    pario_reduce_spec spec;
    char results[PARIO_PATH_MAX];     /* output.results, resolved; "" = stdout */
    int format;                       /* pario_format: from output.format, else the file's extension */
    char h5[PARIO_PATH_MAX];          /* output.h5, resolved; "" = none */
    unsigned long line_ops, line_axis; /* where operations and axis are, for later errors */
    unsigned long col_ops, col_axis;
    unsigned long line_dist, col_dist; /* where distribution is (0: not given) */
    /* many inputs (doc/pool.md): input.data as a list: ndata resolved paths or
     * patterns, NUL-separated in data_list (malloc'ed: pario_job_free) */
    char *data_list;
    size_t data_len, ndata;
    int schedule;                     /* pario_schedule: from schedule: (default static) */
    int keep_going;                   /* keep_going: true */
    int skip_invalid;                 /* skip_invalid: true (a CSV or text input: invalid fields left out) */
    unsigned long line_skip_invalid, col_skip_invalid;
} pario_job;

/* Serial: parse a job from text (path names it in errors). Every problem is
 * reported as "PATH:LINE:COLUMN: FIELD: what is wrong", with code PARIO_ERR_USAGE.
 * Job files are at most 1 MiB, one YAML document, nested at most 32 deep, with no
 * tags, anchors, aliases, duplicate keys or NUL characters. */
pario_status pario_job_parse(const char *path, const char *text, size_t len, pario_job *job);

/* Free what a parsed job holds (the list of inputs); the struct itself stays. */
void pario_job_free(pario_job *job);

/* Collective: rank 0 reads the file, every rank parses the same bytes and gets the
 * same job or the same error. No data is touched. */
pario_status pario_job_load(const char *path, pario_job *job, MPI_Comm comm);

/* Check the job's operations against the dataset (after its descriptor is read,
 * before its data is): errors name the job file and the line. */
pario_status pario_job_check(pario_job *job, const pario_dataset *ds);

/* A distribution that does not fit the dataset or the rank count (found when
 * the view is built): st at the job's distribution line, as the parse's errors
 * are ("j.yaml:2:15: distribution: 'rows' needs a 2-D dataset ..."); any other
 * status unchanged. */
pario_status pario_job_dist_error(const pario_job *job, pario_status st);

/* The job's I/O settings as options (the caller frees o->info with MPI_Info_free). */
void pario_job_io_opts(const pario_job *job, pario_io_opts *o);

#ifdef __cplusplus
}
#endif
#endif
