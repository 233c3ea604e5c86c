/* Internal: started by the wrong launcher? (lib/launcher.c) */
#ifndef PARIO_LAUNCHER_H
#define PARIO_LAUNCHER_H
#include <stddef.h>

/* 1 if this process runs in a world of world_size == 1 while the environment
 * says its launcher started a job of more tasks (Open MPI's mpiexec, a PMIx
 * launcher, srun without a PMI plugin MPICH speaks): msg says which launcher to
 * use instead, and *print is 1 in the one process that should say it. */
int pario_launcher_mismatch(int world_size, char *msg, size_t len, int *print);

/* After MPI_Init: on a mismatch, one line on stderr ("PROG: error: ..."), then
 * MPI_Finalize and exit 2 in every process. argv0 names the program. */
void pario_launcher_check(const char *argv0);

#endif
