/* SPDX-License-Identifier: MIT */
/*
 * Signal numbers, default actions and the choice of the next signal (see
 * <shim/signal.h>); the table is signal(7)'s.
 */
#include <shim/signal.h>

enum shim_sig_default shim_signal_default(int sig)
{
    switch (sig) {
    case LINUX_SIGQUIT:
    case LINUX_SIGILL:
    case LINUX_SIGTRAP:
    case LINUX_SIGABRT:
    case LINUX_SIGBUS:
    case LINUX_SIGFPE:
    case LINUX_SIGSEGV:
    case LINUX_SIGXCPU:
    case LINUX_SIGXFSZ:
    case LINUX_SIGSYS:
        return SHIM_SIG_CORE;
    case LINUX_SIGCHLD:
    case LINUX_SIGURG:
    case LINUX_SIGWINCH:
        return SHIM_SIG_IGNORE;
    case LINUX_SIGSTOP:
    case LINUX_SIGTSTP:
    case LINUX_SIGTTIN:
    case LINUX_SIGTTOU:
        return SHIM_SIG_STOP;
    case LINUX_SIGCONT:
        return SHIM_SIG_CONT;
    }
    return SHIM_SIG_TERM; /* the rest, real-time signals included */
}

#define SYNCHRONOUS                                                                                \
    (UINT64_C(1) << (LINUX_SIGSEGV - 1) | UINT64_C(1) << (LINUX_SIGBUS - 1) |                      \
     UINT64_C(1) << (LINUX_SIGILL - 1) | UINT64_C(1) << (LINUX_SIGTRAP - 1) |                      \
     UINT64_C(1) << (LINUX_SIGFPE - 1) | UINT64_C(1) << (LINUX_SIGSYS - 1))

int shim_signal_next(uint64_t pending, uint64_t blocked)
{
    uint64_t ready = pending & ~(blocked & ~SHIM_SIG_UNBLOCKABLE);
    if (!ready)
        return 0;
    uint64_t sync = ready & SYNCHRONOUS;
    return __builtin_ctzll(sync ? sync : ready) + 1;
}

int shim_signal_check_action(int sig, const struct shim_sigaction *act)
{
    if (sig < 1 || sig > LINUX_NSIG)
        return -LINUX_EINVAL;
    if (act && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
        return -LINUX_EINVAL;
    return 0;
}
