/* A log's lock file: who holds it (see lockfile.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "lockfile.h"

int pario_lockfile_held(const char *lock)
{
    int fd = open(lock, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat sb;
    /* a shared lock meets only a writer's exclusive one; closing drops it */
    int held = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

int pario_lockfile_take(int fd)
{
    for (int waited_ms = 0;; waited_ms++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK)
            return -1;
        /* a shared lock taken too: no writer holds it, only askers */
        if (flock(fd, LOCK_SH | LOCK_NB) != 0)
            return -1;
        flock(fd, LOCK_UN);
        if (waited_ms >= 1000) {
            errno = EWOULDBLOCK;
            return -1;
        }
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
    }
}

pario_status pario_lockfile_output_check(const char *path)
{
    char lock[4200];
    snprintf(lock, sizeof lock, "%s.lock", path);
    if (!pario_lockfile_held(lock))
        return pario_ok();
    return pario_error(PARIO_ERR_RUNTIME,
                       "%s: another run began writing a log of this name while this one ran (%s is locked): "
                       "left to it, not replaced",
                       path, lock);
}
