/* A log's side lock file, FILE.lock (private): its writer holds an exclusive
 * flock on it for the whole run (lib/h5table.c); everyone else only asks
 * whether a writer holds it (lib/guard.c, pario_h5table_check_idle) with a
 * shared flock for an instant. So a shared holder is never a writer, and a
 * writer waits out shared holders instead of calling the log busy. */
#ifndef PARIO_LOCKFILE_H
#define PARIO_LOCKFILE_H

#include "pario/status.h"

/* 1 when a writer holds the lock file LOCK (an exclusive flock); 0 when not,
 * or when LOCK is missing or not a regular file. Takes a shared flock for an
 * instant: it never meets another asker, and a writer waits it out. */
int pario_lockfile_held(const char *lock);

/* flock(fd, LOCK_EX | LOCK_NB) waiting out shared holders (askers, for the
 * microseconds between their flock and close, or a user's `flock -s`) for at
 * most a second: 0, or -1 with errno (EWOULDBLOCK: a writer holds it, or a
 * shared holder kept it more than a second). */
int pario_lockfile_take(int fd);

/* Before an output takes the name PATH (a rename over it): an error when a
 * writer holds PATH.lock, i.e. a pario-pi or pario-train run began writing a
 * log of that name after this run's start (the guard refuses a log already
 * being written then, guard.c): the rename would replace the log under its
 * writer, whose rows from then on went to a file nobody can open, both runs
 * exiting 0. Else ok. (A change in the microseconds between this look and
 * the rename is not seen.) */
pario_status pario_lockfile_output_check(const char *path);

#endif
