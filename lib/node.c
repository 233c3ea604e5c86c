/* What this node offers the ranks started on it (node.h). */
#define _GNU_SOURCE 1 /* sched_getaffinity, CPU_COUNT */
#include "config.h"
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "node.h"

int pario_node_cpus(void)
{
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

long pario_node_env(const char *name)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return -1;
    char *end;
    long v = strtol(s, &end, 10);
    return *end == '\0' && v >= 0 ? v : -1;
}

long pario_node_local_ranks(void)
{
    long n = pario_node_env("MPI_LOCALNRANKS");
    if (n <= 0)
        n = pario_node_env("OMPI_COMM_WORLD_LOCAL_SIZE");
    return n > 0 ? n : -1;
}

int pario_node_oversubscribed(void)
{
    long local = pario_node_local_ranks(), online = sysconf(_SC_NPROCESSORS_ONLN);
    return local > 0 && online > 0 && local > online;
}

void pario_node_before_init(void)
{
    /* MPICH loads hwloc's topology in MPI_Init, PCI devices included, which
     * pario never asks about (with UCX, MPICH chooses no device by them): 11 ms
     * of every start at 2 ranks (doc/performance.md, "Start-up"). A user's own
     * setting, even an empty one, is kept. */
    setenv("HWLOC_COMPONENTS", "-pci,-linuxio", 0);
    if (getenv("MPIR_CVAR_NOLOCAL"))
        return;
    /* Every rank of the job must decide alike: ranks that differ fail in
     * MPI_Init (measured: a hostfile of two entries for this machine, 3 ranks
     * under one and 1 under the other, PMI_KVS_Get failed). So only when the
     * launcher started the whole job here, where every rank sees the same two
     * numbers. */
    if (pario_node_oversubscribed() && pario_node_local_ranks() == pario_node_env("PMI_SIZE"))
        setenv("MPIR_CVAR_NOLOCAL", "1", 0);
}
