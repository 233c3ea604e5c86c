/* A log's side lock file, FILE.lock (private): its writer holds an exclusive
 * flock on it for the whole run (lib/h5table.c); everyone else only asks
 * whether a writer holds it (lib/guard.c, pario_h5table_check_idle) with a
 * shared flock for an instant. So a shared holder is never a writer, and a
 * writer waits out shared holders instead of calling the log busy. */
#ifndef PARIO_LOCKFILE_H
#define PARIO_LOCKFILE_H

/* 1 when a writer holds the lock file LOCK (an exclusive flock); 0 when not,
 * or when LOCK is missing or not a regular file. Takes a shared flock for an
 * instant: it never meets another asker, and a writer waits it out. */
int pario_lockfile_held(const char *lock);

/* flock(fd, LOCK_EX | LOCK_NB) waiting out shared holders (askers, for the
 * microseconds between their flock and close, or a user's `flock -s`) for at
 * most a second: 0, or -1 with errno (EWOULDBLOCK: a writer holds it, or a
 * shared holder kept it more than a second). */
int pario_lockfile_take(int fd);

#endif
