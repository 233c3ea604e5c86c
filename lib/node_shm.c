/* Memory shared by the ranks of one host (node_shm.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "fault.h"
#include "node_shm.h"

struct pario_node_shm {
    void *base;
    size_t size;
};

/* The ranks of this host: MPICH's shared-memory nodes; under MPIR_CVAR_NOLOCAL,
 * split by a hash of the processor name, then, in case two names share a hash,
 * by the first rank of the group with the same name. */
static pario_status split_by_host(MPI_Comm comm, MPI_Comm *node)
{
    const char *ks = getenv("PARIO_POOL_NODE_SIZE");
    int rank, k = ks ? atoi(ks) : 0;
    MPI_Comm_rank(comm, &rank);
    if (k > 0) {
        MPI_Comm_split(comm, rank / k, rank, node);
        return pario_ok();
    }
    /* MPICH's own view of its nodes, unless it was told every rank is remote
     * (MPIR_CVAR_NOLOCAL, node.h): then the processor names */
    const char *nolocal = getenv("MPIR_CVAR_NOLOCAL");
    if (!nolocal || !*nolocal || strcmp(nolocal, "0") == 0) {
        MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, node);
        return pario_ok();
    }
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    memset(name, 0, sizeof name);
    MPI_Get_processor_name(name, &len);
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < len; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    MPI_Comm byhash;
    MPI_Comm_split(comm, (int)(h & 0x7fffffff), rank, &byhash);
    int n, me;
    MPI_Comm_size(byhash, &n);
    MPI_Comm_rank(byhash, &me);
    pario_status st = pario_ok();
    char *all = malloc((size_t)n * sizeof name);
    if (!all)
        st = pario_local_error("out of memory for the host names of the ranks");
    if (pario_agree(&st, comm)) {
        free(all);
        MPI_Comm_free(&byhash);
        return st;
    }
    MPI_Allgather(name, (int)sizeof name, MPI_CHAR, all, (int)sizeof name, MPI_CHAR, byhash);
    int first = me;
    for (int i = 0; i < n; i++)
        if (memcmp(all + (size_t)i * sizeof name, name, sizeof name) == 0) {
            first = i;
            break;
        }
    free(all);
    MPI_Comm_split(byhash, first, me, node);
    MPI_Comm_free(&byhash);
    return pario_ok();
}

pario_status pario_node_shm_open(size_t size, MPI_Comm comm, MPI_Comm *node, void **base, pario_node_shm **out)
{
    *out = NULL;
    *base = NULL;
    pario_status st = split_by_host(comm, node);
    if (pario_failed(&st))
        return st;
    int nrank;
    MPI_Comm_rank(*node, &nrank);
    pario_node_shm *s = calloc(1, sizeof *s);
    char path[64] = "";
    int fd = -1, created = 0;
    if (!s)
        st = pario_local_error("out of memory for the shared memory of the ranks of a host");
    if (s && nrank == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        snprintf(path, sizeof path, "/pario-node-%ld-%lx", (long)getpid(),
                 (unsigned long)ts.tv_sec * 1000000000ul + (unsigned long)ts.tv_nsec);
        fd = pario_fault(PARIO_FAULT_OPEN) ? (errno = EACCES, -1) : shm_open(path, O_CREAT | O_EXCL | O_RDWR, 0600);
        created = fd >= 0;
        /* every page now, not only the size: a tmpfs without room for them
         * says ENOSPC here, where ftruncate alone succeeds and the first
         * store into a page it cannot give is a SIGBUS */
        int err = fd < 0 ? errno : posix_fallocate(fd, 0, (off_t)size);
        if (err)
            st = pario_sys_error(err, "the shared memory of the ranks of this host", path);
    }
    /* the name, from the node's first rank, once it exists */
    int ok = !pario_failed(&st);
    MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, *node);
    MPI_Bcast(path, (int)sizeof path, MPI_CHAR, 0, *node);
    if (ok && nrank != 0) {
        fd = shm_open(path, O_RDWR, 0600);
        if (fd < 0)
            st = pario_sys_error(errno, "the shared memory of the ranks of this host (is this host's name another host's too?)",
                                 path);
    }
    if (fd >= 0 && !pario_failed(&st)) {
        void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED)
            st = pario_sys_error(errno, "the shared memory of the ranks of this host: mmap", path);
        else {
            s->base = p;
            s->size = size;
        }
    }
    if (fd >= 0)
        close(fd);
    /* every rank of every node has mapped it (or failed): the name can go */
    int failed = pario_agree(&st, comm);
    if (created)
        shm_unlink(path);
    if (failed) {
        pario_node_shm_close(s, node);
        return st;
    }
    *base = s->base;
    *out = s;
    return pario_ok();
}

void pario_node_shm_close(pario_node_shm *s, MPI_Comm *node)
{
    if (s && s->base)
        munmap(s->base, s->size);
    free(s);
    if (*node != MPI_COMM_NULL)
        MPI_Comm_free(node);
}
