/* SPDX-License-Identifier: MIT */
/*
 * The small system calls programs make on the way (docs/linux/kernel.md,
 * the table): hints, syncs and scheduling queries whose honest answer on
 * one virtual CPU with an in-memory file system is short. madvise's
 * MADV_DONTNEED really drops the pages (they read as zero again, as
 * Linux's do for private anonymous memory).
 */
#include <string.h>
#include <shim/linux_abi.h>
#include "shim.h"
#include "syscalls.h"

#define MADV_NORMAL            0
#define MADV_DONTNEED          4
#define MADV_FREE              8
#define PR_SET_PDEATHSIG       1
#define PR_GET_PDEATHSIG       2
#define PR_GET_DUMPABLE        3
#define PR_SET_DUMPABLE        4
#define PR_SET_NAME            15
#define PR_GET_NAME            16
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37

static long do_madvise(struct process *p, uint64_t addr, uint64_t len, long advice)
{
    if (addr & 0xfff)
        return -LINUX_EINVAL;
    if (advice < 0 || (advice > 25 && advice != 100 && advice != 101))
        return -LINUX_EINVAL;
    len = (len + 0xfff) & ~UINT64_C(0xfff);
    for (uint64_t a = addr; a < addr + len; a += 4096)
        if (!mm_find_vma(&p->mm, a))
            return -LINUX_ENOMEM;
    if (advice == MADV_DONTNEED || advice == MADV_FREE) {
        /* private anonymous pages go; shared ones and file copies keep
         * their contents (a file mapping here is a private copy: dropping
         * it would lose the file's bytes) */
        for (uint64_t a = addr; a < addr + len; a += 4096) {
            const struct vma *v = mm_find_vma(&p->mm, a);
            if (v && !(v->flags & (VMA_SHARED | VMA_FILE)))
                mm_drop_page(&p->mm, a);
        }
    }
    return 0;
}

static long do_prctl(struct process *p, const l4_word_t *a)
{
    switch (a[0]) {
    case PR_SET_NAME: {
        char name[16];
        long n = mm_copy_string(&p->mm, name, a[1], sizeof name);
        if (n == -LINUX_ENAMETOOLONG) {
            if (mm_copy_in(&p->mm, name, a[1], 15) != 0)
                return -LINUX_EFAULT;
            name[15] = 0;
        } else if (n < 0) {
            return -LINUX_EFAULT;
        }
        memcpy(p->comm, name, sizeof name);
        return 0;
    }
    case PR_GET_NAME:
        return mm_copy_out(&p->mm, a[1], p->comm, sizeof p->comm) ? -LINUX_EFAULT : 0;
    case PR_SET_PDEATHSIG:
        return a[1] <= 64 ? 0 : -LINUX_EINVAL;
    case PR_GET_PDEATHSIG: {
        int32_t zero = 0;
        return mm_copy_out(&p->mm, a[1], &zero, 4) ? -LINUX_EFAULT : 0;
    }
    case PR_GET_DUMPABLE:
        return 1;
    case PR_SET_DUMPABLE:
        return a[1] <= 1 ? 0 : -LINUX_EINVAL;
    case PR_SET_CHILD_SUBREAPER:
        return 0; /* orphans go to init (or, under run, nowhere) */
    case PR_GET_CHILD_SUBREAPER: {
        int32_t zero = 0;
        return mm_copy_out(&p->mm, a[1], &zero, 4) ? -LINUX_EFAULT : 0;
    }
    }
    return -LINUX_EINVAL;
}

long sys_misc(struct process *p, const struct syscall_frame *f, bool *handled)
{
    const l4_word_t *a = f->a;
    *handled = true;
    switch (f->nr) {
    case SYS_madvise:
        return do_madvise(p, a[0], a[1], (long)(int)a[2]);
    case SYS_msync:
        return (a[0] & 0xfff) || (a[2] & ~7ul) ? -LINUX_EINVAL : 0;
    case SYS_fsync:
    case SYS_fdatasync:
    case SYS_syncfs:
    case SYS_flock:
        /* one in-memory file system: everything is on it already; locks
         * between processes of one compartment are not kept */
        return shim_fd_get(p->fds, (int)a[0]) ? 0 : -LINUX_EBADF;
    case SYS_sync:
        return 0;
    case SYS_sched_getaffinity: {
        /* one virtual CPU: CPU 0 */
        if (a[1] < 8 || (a[1] & 7))
            return -LINUX_EINVAL;
        uint64_t mask = 1;
        return mm_copy_out(&p->mm, a[2], &mask, 8) ? -LINUX_EFAULT : 8;
    }
    case SYS_sched_setaffinity: {
        uint64_t mask = 0;
        if (a[1] < 8)
            return -LINUX_EINVAL;
        if (mm_copy_in(&p->mm, &mask, a[2], 8) != 0)
            return -LINUX_EFAULT;
        return mask & 1 ? 0 : -LINUX_EINVAL;
    }
    case SYS_getcpu: {
        uint32_t zero = 0;
        if ((a[0] && mm_copy_out(&p->mm, a[0], &zero, 4)) ||
            (a[1] && mm_copy_out(&p->mm, a[1], &zero, 4)))
            return -LINUX_EFAULT;
        return 0;
    }
    case SYS_getpriority:
        return (int)a[0] < 0 || (int)a[0] > 2 ? -LINUX_EINVAL : 20; /* nice 0, as 20 - nice */
    case SYS_setpriority:
        return (int)a[0] < 0 || (int)a[0] > 2 ? -LINUX_EINVAL : 0;
    case SYS_sched_getscheduler:
        return 0; /* SCHED_OTHER */
    case SYS_sched_getparam: {
        int32_t zero = 0;
        return mm_copy_out(&p->mm, a[1], &zero, 4) ? -LINUX_EFAULT : 0;
    }
    case SYS_sched_get_priority_max:
    case SYS_sched_get_priority_min:
        if ((int)a[0] == 0) /* SCHED_OTHER */
            return 0;
        if ((int)a[0] == 1 || (int)a[0] == 2) /* SCHED_FIFO, SCHED_RR */
            return f->nr == SYS_sched_get_priority_max ? 99 : 1;
        return -LINUX_EINVAL;
    case SYS_personality:
        return (uint32_t)a[0] == 0xffffffffu || a[0] == 0 ? 0 : -LINUX_EINVAL;
    case SYS_prctl:
        return do_prctl(p, a);
    }
    *handled = false;
    return 0;
}
