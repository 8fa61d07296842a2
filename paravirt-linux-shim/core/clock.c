/* SPDX-License-Identifier: MIT */
/*
 * The clock system calls (docs/linux/vdso.md): clock_gettime,
 * clock_getres, gettimeofday, time, clock_settime and settimeofday.
 *
 * The clocks a process reads through the vDSO are computed here from the
 * same vvar page with the same code (<shim/vvar.h>), so the syscall and
 * the vDSO agree: the monotonic clocks are the PV clock, the real-time
 * ones that plus the wall clock's offset from the RTC. The CPU-time
 * clocks are the process's accounted time (resource.c). The wall clock
 * cannot be set: clock_settime(CLOCK_REALTIME) and settimeofday are
 * EPERM, as for a process without CAP_SYS_TIME.
 */
#include <l4/platform.h>
#include <shim/linux_abi.h>
#include <shim/vvar.h>
#include "shim.h"

/* Linux's valid clock ids: 0..11 but 10 (CLOCK_SGI_CYCLE, gone). */
static bool clock_valid(long clk)
{
    return clk >= 0 && clk <= SHIM_CLOCK_TAI && clk != 10;
}

/* Clock clk now for process p: 0 and *ns, or -EINVAL. */
static long clock_now(struct process *p, long clk, uint64_t *ns)
{
    if (!clock_valid(clk))
        return -LINUX_EINVAL;
    if (clk == SHIM_CLOCK_PROCESS_CPUTIME_ID || clk == SHIM_CLOCK_THREAD_CPUTIME_ID) {
        *ns = proc_cpu_ns(p);
        return 0;
    }
    long alias = clk == SHIM_CLOCK_REALTIME_ALARM   ? SHIM_CLOCK_REALTIME
                 : clk == SHIM_CLOCK_BOOTTIME_ALARM ? SHIM_CLOCK_BOOTTIME
                                                    : clk;
    if (vdso_clock(alias, ns) != 0) /* no vvar page: the PV clock alone */
        *ns = shim_now_ns();
    return 0;
}

uint64_t shim_realtime_ns(void)
{
    uint64_t ns;
    return vdso_clock(SHIM_CLOCK_REALTIME, &ns) == 0 ? ns : shim_now_ns();
}

long clock_sys_gettime(struct process *p, long clk, uint64_t ts)
{
    uint64_t ns;
    long r = clock_now(p, clk, &ns);
    if (r)
        return r;
    int64_t v[2];
    shim_vclock_split(ns, &v[0], &v[1]);
    return mm_copy_out(&p->mm, ts, v, sizeof v);
}

long clock_sys_getres(struct process *p, long clk, uint64_t res)
{
    if (!clock_valid(clk))
        return -LINUX_EINVAL;
    int64_t v[2] = {0, 1}; /* every clock counts nanoseconds (the TSC's line) */
    return res && mm_copy_out(&p->mm, res, v, sizeof v) ? -LINUX_EFAULT : 0;
}

long clock_sys_gettimeofday(struct process *p, uint64_t tv, uint64_t tz)
{
    uint64_t ns;
    (void)clock_now(p, SHIM_CLOCK_REALTIME, &ns);
    int64_t v[2];
    shim_vclock_split(ns, &v[0], &v[1]);
    v[1] /= 1000;
    if (tv && mm_copy_out(&p->mm, tv, v, sizeof v) != 0)
        return -LINUX_EFAULT;
    int32_t z[2] = {0, 0};
    return tz && mm_copy_out(&p->mm, tz, z, sizeof z) ? -LINUX_EFAULT : 0;
}

long clock_sys_time(struct process *p, uint64_t t)
{
    uint64_t ns;
    (void)clock_now(p, SHIM_CLOCK_REALTIME, &ns);
    int64_t s = (int64_t)(ns / 1000000000u);
    return t && mm_copy_out(&p->mm, t, &s, sizeof s) ? -LINUX_EFAULT : s;
}

long clock_sys_settime(struct process *p, long clk, uint64_t ts)
{
    int64_t v[2];
    if (!clock_valid(clk))
        return -LINUX_EINVAL;
    if (mm_copy_in(&p->mm, v, ts, sizeof v) != 0)
        return -LINUX_EFAULT;
    if (v[0] < 0 || v[1] < 0 || v[1] >= 1000000000)
        return -LINUX_EINVAL;
    /* only CLOCK_REALTIME is settable on Linux; here not even that */
    return clk == SHIM_CLOCK_REALTIME ? -LINUX_EPERM : -LINUX_EINVAL;
}

long clock_sys_settimeofday(struct process *p, uint64_t tv, uint64_t tz)
{
    int64_t v[2];
    if (tv && mm_copy_in(&p->mm, v, tv, sizeof v) != 0)
        return -LINUX_EFAULT;
    if (tv && (v[0] < 0 || v[1] < 0 || v[1] >= 1000000))
        return -LINUX_EINVAL;
    return -LINUX_EPERM;
}
