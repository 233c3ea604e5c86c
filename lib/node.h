/* Internal: what this node offers the ranks started on it. MPICH here
 * busy-polls, so how many ranks share a node's cores decides how a rank should
 * wait (wait.c), whether a read-ahead thread has a core (io_prefetch.c), and
 * whether MPICH's own shared memory is worth its start-up (pario_mpi_init). */
#ifndef PARIO_NODE_H
#define PARIO_NODE_H

/* A non-negative integer environment variable (a launcher's count or rank),
 * or -1 when it is unset or not one. */
long pario_node_env(const char *name);

/* CPUs this process may run on (its affinity mask). */
int pario_node_cpus(void);

/* Ranks the launcher started on this node (MPICH's Hydra: MPI_LOCALNRANKS;
 * Open MPI: OMPI_COMM_WORLD_LOCAL_SIZE), or -1 when it does not say. Needs no
 * MPI call, so it can be asked before MPI_Init. */
long pario_node_local_ranks(void);

/* 1 when more ranks were started on this node than it has online CPUs. Both
 * numbers are the node's, not the process's, so every rank of the node decides
 * alike. */
int pario_node_oversubscribed(void);

/* Before MPI_Init: unless the user set HWLOC_COMPONENTS, tell hwloc to skip
 * PCI discovery (HWLOC_COMPONENTS=-pci,-linuxio). When the whole job was started on this node (the launcher's
 * local ranks are all of PMI_SIZE, so every rank decides alike) and it is
 * oversubscribed, ask MPICH not to use its own shared memory between the ranks
 * (MPIR_CVAR_NOLOCAL=1), unless the user set MPIR_CVAR_NOLOCAL already. MPICH's shared-memory start-up ends in a
 * barrier that spins without yielding, which on an oversubscribed node takes the
 * cores from the ranks it waits for (doc/performance.md). */
void pario_node_before_init(void);

#endif
