/* Internal: what pario does when a signal ends a run (signals.c). */
#ifndef PARIO_SIGNALS_H
#define PARIO_SIGNALS_H

/* From now on, a signal that ends the process (SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU, where their action is the default one)
 * first removes final_path.tmp.PID: a temporary name under which this run may
 * be writing final_path (PID rank 0's, which every rank's collective output
 * uses, or this process's, for what it writes alone). Called by the guard for
 * every output once the check passed. Serial; the path is copied; up to 64
 * names (more, or a name that cannot be kept for want of memory, are left to
 * the next run's clean-up). */
void pario_tmp_remove_on_signal(const char *final_path, long pid);
/* The same for one exact name (pario_keep_old's link to an earlier output:
 * removing it leaves the file under its other name, or the earlier output
 * replaced as the run meant). */
void pario_remove_on_signal(const char *path);
/* No longer: a name that is not this run's from now on (a lock file removed
 * at its close, which another run may create again). Serial. */
void pario_forget_on_signal(const char *path);

#endif
