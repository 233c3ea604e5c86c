/* Signals that end a run: they remove the run's temporary files before the
 * process ends (signals.h), and wait while an output of two files takes its
 * names (pario_signals_hold, fileutil.h). The handlers only unlink and record:
 * both are async-signal-safe, in whichever thread the signal lands. */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "pario/dataset.h"
#include "pario/fileutil.h"
#include "signals.h"

/* The catchable signals that end a job: a user's ^C, mpiexec's and Slurm's
 * SIGTERM, a batch system's SIGXCPU or --signal. */
static const int ending[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU };
#define NENDING (sizeof ending / sizeof ending[0])

/* The temporary names to remove. A handler reads `ntmp` entries, each written
 * whole before `ntmp` counts it. */
#define MAX_TMP 64
static char *tmp_paths[MAX_TMP];
static volatile sig_atomic_t ntmp;
static int installed;

static void remove_tmp(int sig)
{
    for (int i = 0; i < ntmp; i++)
        unlink(tmp_paths[i]);
    /* SA_RESETHAND made the action the default again: the signal, blocked
     * while this handler runs, ends the process as it would have */
    raise(sig);
}

static void install(void);

/* A handler run with every signal blocked. */
static struct sigaction action(void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigfillset(&sa.sa_mask);
    sa.sa_flags = flags;
    return sa;
}

void pario_tmp_remove_on_signal(const char *final_path, long pid)
{
    char tmp[PARIO_PATH_MAX + 32];
    pario_tmp_name(final_path, pid, tmp, sizeof tmp);
    pario_remove_on_signal(tmp);
}

void pario_remove_on_signal(const char *tmp)
{
    if (ntmp >= MAX_TMP)
        return;
    for (int i = 0; i < ntmp; i++)
        if (strcmp(tmp_paths[i], tmp) == 0)
            return;
    char *p = strdup(tmp);
    if (!p)
        return;
    tmp_paths[ntmp] = p;
    ntmp = ntmp + 1;
    install();
}

void pario_forget_on_signal(const char *path)
{
    /* with the ending signals blocked, so that no handler of this thread reads
     * the list while it changes; the string is kept (a handler of another
     * thread may hold it) */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t k = 0; k < NENDING; k++)
        sigaddset(&block, ending[k]);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (int i = 0; i < ntmp; i++)
        if (strcmp(tmp_paths[i], path) == 0) {
            tmp_paths[i] = tmp_paths[ntmp - 1];
            ntmp = ntmp - 1;
            break;
        }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Ending signals that the MPI libraries under pario catch for ends of their
 * own, and return from: UCX (Debian's MPICH runs on it) makes SIGHUP its debug
 * signal (UCX_DEBUG_SIGNO: a backtrace, and the run goes on) and MPICH counts
 * SIGUSR1 as a notice that a process failed. So a hang-up, or a batch
 * system's USR1, neither ended a run nor removed its temporary files (a
 * hostile-user pass, session 21): these two are taken from them. */
static int take_over(int sig) { return sig == SIGHUP || sig == SIGUSR1; }

static void install(void)
{
    if (installed)
        return;
    installed = 1;
    struct sigaction sa = action(remove_tmp, SA_RESETHAND | SA_RESTART);
    for (size_t i = 0; i < NENDING; i++) {
        struct sigaction old;
        if (sigaction(ending[i], NULL, &old) != 0)
            continue;
        int handled = (old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL;
        int ignored = !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN;
        /* a signal ignored (nohup) is left so; one handled by someone else is
         * left to them, but for the two above */
        if (!ignored && (!handled || take_over(ending[i])))
            sigaction(ending[i], &sa, NULL);
    }
}

/* While held: the first ending signal is recorded and raised again at release. */
static struct sigaction held_old[NENDING];
static volatile sig_atomic_t held_caught;
static int held_depth;

static void hold_handler(int sig)
{
    if (!held_caught)
        held_caught = sig;
}

void pario_signals_hold(void)
{
    if (held_depth++ > 0)
        return;
    held_caught = 0;
    struct sigaction sa = action(hold_handler, SA_RESTART);
    for (size_t i = 0; i < NENDING; i++)
        sigaction(ending[i], &sa, &held_old[i]);
    /* test hook (doc/options.md): stay here for PARIO_COMMIT_PAUSE ms, or until
     * a signal is held, so that a test can send a signal between the renames
     * (and need not wait out the rest) */
    const char *p = getenv("PARIO_COMMIT_PAUSE");
    long ms = p ? strtol(p, NULL, 10) : 0;
    if (ms > 0) {
        struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }, left;
        while (nanosleep(&t, &left) != 0 && errno == EINTR && !held_caught)
            t = left;
    }
}

void pario_signals_release(void)
{
    if (held_depth == 0 || --held_depth > 0)
        return;
    for (size_t i = 0; i < NENDING; i++)
        sigaction(ending[i], &held_old[i], NULL);
    int sig = held_caught;
    held_caught = 0;
    if (sig)
        raise(sig); /* what it would have done (the clean-up above, or the
                       default action), now that the output is whole */
}
