/* Internal: memory shared by the ranks of one host, without MPI's shared-memory
 * windows. On an oversubscribed node pario asks MPICH to treat every rank as on
 * another node (node.h), and MPI_Win_allocate_shared then shares nothing; the
 * task pool's node counter and pario-train's step exchange need real shared
 * memory whatever MPICH was told. */
#ifndef PARIO_NODE_SHM_H
#define PARIO_NODE_SHM_H
#include <stddef.h>
#include <mpi.h>
#include "pario/status.h"

typedef struct pario_node_shm pario_node_shm;

/* Collective over comm. Splits comm into the ranks of each host (MPICH's
 * MPI_COMM_TYPE_SHARED; under MPIR_CVAR_NOLOCAL, where that is one rank each,
 * by MPI_Get_processor_name; PARIO_POOL_NODE_SIZE=K, a test knob, makes "hosts"
 * of K consecutive ranks instead) into *node, and maps size zeroed bytes that
 * the ranks of *node share at *base (a POSIX shared-memory object, unlinked
 * once every rank has it). An error is agreed over comm: every rank returns it,
 * and nothing is left allocated. */
pario_status pario_node_shm_open(size_t size, MPI_Comm comm, MPI_Comm *node, void **base, pario_node_shm **shm);

/* Unmaps the memory and frees *node. Local. */
void pario_node_shm_close(pario_node_shm *shm, MPI_Comm *node);

#endif
