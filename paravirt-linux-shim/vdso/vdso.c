/* SPDX-License-Identifier: MIT */
/*
 * The vDSO: the clock calls a process makes without leaving user mode
 * (docs/linux/vdso.md).
 *
 * A position-independent shared object, mapped by the shim into every
 * process at exec (AT_SYSINFO_EHDR) one page above the vvar page that
 * holds the clock's parameters (<shim/vvar.h>). It exports, in version
 * LINUX_2.6 as Linux's x86-64 vDSO does, __vdso_clock_gettime,
 * __vdso_gettimeofday, __vdso_time, __vdso_clock_getres and
 * __vdso_getcpu; musl and glibc look them up by name and version. Each
 * reads the TSC and the vvar page; a clock the page does not serve (the
 * CPU-time clocks, bad ids) is the real system call, which the shim
 * answers. The functions return 0 or -errno, as the kernel's do.
 *
 * Freestanding: no library, no relocation, no data of its own; the vvar
 * page is found PC-relative (vdso.lds puts vvar_page one page below the
 * image).
 */
#include <stddef.h>
#include <stdint.h>
#include <shim/vvar.h>

#define EXPORT           __attribute__((visibility("default")))
#define NR_gettimeofday  96
#define NR_time          201
#define NR_clock_gettime 228
#define NR_clock_getres  229

struct vdso_timespec {
    int64_t tv_sec, tv_nsec;
};
struct vdso_timeval {
    int64_t tv_sec, tv_usec;
};
struct vdso_timezone {
    int32_t tz_minuteswest, tz_dsttime;
};

extern const struct shim_vvar vvar_page __attribute__((visibility("hidden")));

static long sys2(long nr, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

/* Clock clk now, from the page: 0, or -1 when the page does not serve it. */
static int vclock(long clk, uint64_t *ns)
{
    struct shim_vvar s;
    shim_vvar_snapshot(&vvar_page, &s);
    return shim_vclock_ns(&s, clk, rdtsc(), ns);
}

EXPORT int __vdso_clock_gettime(long clk, struct vdso_timespec *ts);
EXPORT int __vdso_clock_gettime(long clk, struct vdso_timespec *ts)
{
    uint64_t ns;
    if (vclock(clk, &ns) != 0)
        return (int)sys2(NR_clock_gettime, clk, (long)ts);
    shim_vclock_split(ns, &ts->tv_sec, &ts->tv_nsec);
    return 0;
}

EXPORT int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz);
EXPORT int __vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
    uint64_t ns;
    if (vclock(SHIM_CLOCK_REALTIME, &ns) != 0)
        return (int)sys2(NR_gettimeofday, (long)tv, (long)tz);
    if (tv) {
        int64_t nsec;
        shim_vclock_split(ns, &tv->tv_sec, &nsec);
        tv->tv_usec = nsec / 1000;
    }
    if (tz) {
        tz->tz_minuteswest = 0;
        tz->tz_dsttime = 0;
    }
    return 0;
}

EXPORT long __vdso_time(long *t);
EXPORT long __vdso_time(long *t)
{
    uint64_t ns;
    if (vclock(SHIM_CLOCK_REALTIME, &ns) != 0)
        return sys2(NR_time, (long)t, 0);
    long s = (long)(ns / 1000000000u);
    if (t)
        *t = s;
    return s;
}

EXPORT int __vdso_clock_getres(long clk, struct vdso_timespec *res);
EXPORT int __vdso_clock_getres(long clk, struct vdso_timespec *res)
{
    uint64_t ns;
    if (vclock(clk, &ns) != 0)
        return (int)sys2(NR_clock_getres, clk, (long)res);
    if (res) { /* the TSC's line: nanoseconds, as the syscall says */
        res->tv_sec = 0;
        res->tv_nsec = 1;
    }
    return 0;
}

/* One virtual CPU per compartment: CPU 0, node 0. */
EXPORT long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused);
EXPORT long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    (void)unused;
    if (cpu)
        *cpu = 0;
    if (node)
        *node = 0;
    return 0;
}

/* The unprefixed names, as Linux's vDSO also has them (weak aliases). */
int clock_gettime(long, struct vdso_timespec *)
    __attribute__((weak, alias("__vdso_clock_gettime"), visibility("default")));
int gettimeofday(struct vdso_timeval *, struct vdso_timezone *)
    __attribute__((weak, alias("__vdso_gettimeofday"), visibility("default")));
long time(long *) __attribute__((weak, alias("__vdso_time"), visibility("default")));
int clock_getres(long, struct vdso_timespec *)
    __attribute__((weak, alias("__vdso_clock_getres"), visibility("default")));
long getcpu(unsigned *, unsigned *, void *)
    __attribute__((weak, alias("__vdso_getcpu"), visibility("default")));
