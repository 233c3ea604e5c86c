/* Overlapping reads with computation. ROMIO's MPI_File_iread_at_all does its I/O
 * when the request is waited on, so with nothing else in MPI calls during the
 * computation it overlaps nothing (measured: 1 rank, 4 GiB reduce, 1.43 s with
 * it, 1.37 s without). A thread that makes the blocking read while the rank
 * computes does overlap, when it has a core to run on.
 *
 * MPI discipline (MPI_THREAD_SERIALIZED): while a read is posted, only the
 * thread makes MPI calls; the rank waits for it before its own next MPI call.
 * pario_reader_next keeps to that, and its callers make no MPI calls between
 * two of its calls. Every rank posts the same collective reads in the same
 * order, whether or not it runs a thread. */
#define _GNU_SOURCE
#include "config.h"
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "io_prefetch.h"
#include "node.h"

struct pario_prefetch {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int posted, done, quit;
    MPI_File fh;
    MPI_Offset off;
    void *buf;
    int n, collective;
    MPI_Datatype type;
    int err;
    MPI_Status status;
};

int pario_prefetch_useful(int force, MPI_Comm comm)
{
    int level = MPI_THREAD_SINGLE;
    MPI_Query_thread(&level);
    /* collective whatever this rank decides */
    MPI_Comm node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int local = 1;
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
    /* on an oversubscribed node MPICH may be told the ranks are not local
     * (node.h): the launcher's count says how many share the cores */
    long launched = pario_node_local_ranks();
    if (launched > local)
        local = (int)launched;
    if (level < MPI_THREAD_SERIALIZED)
        return 0;
    return force || pario_node_cpus() >= 2 * local;
}

static void *run(void *arg)
{
    pario_prefetch *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->posted && !p->quit)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit)
            break;
        p->posted = 0;
        pthread_mutex_unlock(&p->mu);
        int err = MPI_SUCCESS;
        if (p->collective)
            err = MPI_File_read_at_all(p->fh, p->off, p->buf, p->n, p->type, &p->status);
        else if (p->n)
            err = MPI_File_read_at(p->fh, p->off, p->buf, p->n, p->type, &p->status);
        pthread_mutex_lock(&p->mu);
        p->err = err;
        p->done = 1;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

pario_prefetch *pario_prefetch_start(void)
{
    pario_prefetch *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, run, p) != 0) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p);
        return NULL;
    }
    return p;
}

void pario_prefetch_post(pario_prefetch *p, MPI_File fh, MPI_Offset off, void *buf, int n, MPI_Datatype t,
                         int collective)
{
    pthread_mutex_lock(&p->mu);
    p->fh = fh;
    p->off = off;
    p->buf = buf;
    p->n = n;
    p->type = t;
    p->collective = collective;
    p->done = 0;
    p->posted = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int pario_prefetch_wait(pario_prefetch *p, MPI_Status *status)
{
    pthread_mutex_lock(&p->mu);
    while (!p->done)
        pthread_cond_wait(&p->cv, &p->mu);
    int err = p->err;
    if (err == MPI_SUCCESS && (p->collective || p->n))
        *status = p->status;
    pthread_mutex_unlock(&p->mu);
    return err;
}

void pario_prefetch_stop(pario_prefetch *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
