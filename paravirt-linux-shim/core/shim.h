/* SPDX-License-Identifier: MIT */
/*
 * The shim's core: the guest kernel's state and the parts that talk to the
 * platform (docs/linux/kernel.md). One instance runs per compartment, one
 * thread: every process's system call and page fault arrives on its
 * endpoint as exception IPC, badged with the process id, and is answered
 * from here.
 *
 *   main.c     start-up (what the root task gave it), the event loop
 *   pmem.c     its pseudo-physical pages: allocation and reference counts
 *   mm.c       a process's memory: areas (VMAs), the page map mirror,
 *              demand paging, brk/mmap/munmap/mprotect, user copies
 *   proc.c     processes: exec from the initramfs, exit
 *   syscall.c  the system call table (syscalls.h) and the simple calls
 *   vfs.c      files: the in-memory file system, descriptors, reads and
 *              writes, directories, devices (vfs_internal.h: what the
 *              three vfs files share)
 *   vfs_block.c  pipes, readers and writers parked, poll and its timeout
 *   vfs_attr.c   links, modes, owners, times, sizes, statx, statfs, sendfile
 *   vfs_path.c   paths: absolute, canonical, physical; lookups (and /proc's)
 *   vfs_select.c select and pselect6 over poll's machinery
 *   procfs.c     /proc, generated from the shim's own tables
 *   resource.c   credentials, resource limits, CPU time and rusage
 *   console.c  the terminal (line discipline) and the host channel
 *   clock.c    the clock system calls; vdso.c the vDSO and vvar page
 *   sched.c    the one virtual CPU: which process runs, time slices
 */
#ifndef SHIM_CORE_H
#define SHIM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <l4/abi_gen.h>
#include <shim/cred.h>
#include <shim/fd.h>
#include <shim/signal.h>

#define SHIM_SIGQ_MAX 8 /* real-time signals queued per process (then EAGAIN) */

#define SHIM_PAGE 4096u

struct process;
/* --- What the platform gave us (main.c) ----------------------------------- */
struct shim_platform {
    l4_cptr_t mem, console, root, irq, upcall;
    l4_cptr_t cnode;       /* our own CNode (cptr = slot) */
    l4_cptr_t ep;          /* our endpoint: processes' faults */
    l4_cptr_t reply_first; /* our Reply objects */
    unsigned nreplies;
    l4_word_t phys_pages;  /* pseudo-physical pages */
    const uint8_t *initrd; /* the initramfs (read-only) */
    size_t initrd_size;
    uint8_t priority; /* what our processes run at */
    const char *name; /* the compartment */
    bool host;        /* stdio on the host channel (console = "host") */
    int init_pid;     /* the first process: its end is the compartment's */
};
extern struct shim_platform shim;

/* A free slot of our CNode, or 0; one whose capability is gone (deleted
 * by the server that made it) comes back with shim_slot_free(). */
l4_word_t shim_slot(void);
void shim_slot_free(l4_word_t slot);
/* Stop the compartment with a status (root Exit). */
_Noreturn void shim_exit_compartment(unsigned status);
void shim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The PV clock (ns); sleeping on the virtual timer: SHIM_BLOCKED (the
 * answer, 0, comes when the time is up), or -errno. */
uint64_t shim_now_ns(void);
long shim_sleep(struct process *p, uint64_t ns);
void sleep_wake(void);
void sleep_forget(struct process *p);
/* The same, returning the time it had left (ns). */
uint64_t sleep_cancel(struct process *p);
/* Random bytes from the compartment's seed. */
void shim_random(void *out, size_t n);

/* --- Pseudo-physical pages (pmem.c) ---------------------------------------- */
/* Pages [first, phys_pages) are the processes'; below first, the shim's
 * heap. */
int pmem_init(l4_word_t first, l4_word_t count);
/* A page (zeroed), or ~0ul when none is left. */
l4_word_t pmem_alloc(void);
void pmem_get(l4_word_t pfn);
void pmem_put(l4_word_t pfn);
unsigned pmem_refs(l4_word_t pfn);
l4_word_t pmem_free_pages(void);
static inline void *pmem_ptr(l4_word_t pfn);

/* --- A process's memory (mm.c) --------------------------------------------- */
#define MM_MAX_VMAS 128

struct vma {
    uint64_t start, end; /* page-aligned */
    unsigned prot;       /* LINUX_PROT_* */
    unsigned flags;      /* VMA_* */
    uint64_t bus_from;   /* a file mapping: pages from here on are past the
                            file's end (SIGBUS); 0: none */
};
#define VMA_SHARED 1u /* MAP_SHARED|MAP_ANONYMOUS: fork shares, no copy-on-write */
#define VMA_FILE   2u /* a file's pages, copied in at mmap (vfs_mmap.c) */

/* The mirror of the process's page table: virtual page -> pfn and prot,
 * an open-addressing hash. */
struct pagemap_entry {
    uint64_t vpn; /* 0: empty (page 0 is never mapped) */
    uint32_t pfn;
    uint32_t prot;
};

struct mm {
    l4_word_t space; /* the memory server's handle */
    struct vma vmas[MM_MAX_VMAS];
    unsigned nvmas;
    struct pagemap_entry *map;
    size_t map_cap, map_used;
    uint64_t brk_start, brk, mmap_top;
};

int mm_init(struct mm *mm);
/* The memory server's rights (right_*) for a Linux protection. */
unsigned mm_rights_of(unsigned prot);
void mm_destroy(struct mm *mm);
/* Add an area (no pages yet); -errno. */
int mm_add_vma(struct mm *mm, uint64_t start, uint64_t end, unsigned prot);
/* The same with the rest of an area's description. */
int mm_add_area(struct mm *mm, const struct vma *v);
const struct vma *mm_find_vma(const struct mm *mm, uint64_t addr);
/* Record in the mirror a page the caller maps itself (in a Batch); the
 * mirror takes the reference. 0 or -errno. */
int mm_record(struct mm *mm, uint64_t addr, l4_word_t pfn, unsigned prot);
/* Map page pfn (already referenced) at addr with prot; 0 or -errno. */
int mm_map_page(struct mm *mm, uint64_t addr, l4_word_t pfn, unsigned prot);
/* A page fault: 0 (resolved: the thread retries), -EFAULT (SIGSEGV) or
 * MM_FAULT_SIGBUS (past the end of a mapped file). */
int mm_fault(struct mm *mm, uint64_t addr, bool write, bool exec);
#define MM_FAULT_SIGBUS 1
/* Copies between the process and the shim; 0 or -EFAULT. */
int mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t n);
int mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t n);
/* A NUL-terminated string of at most max bytes; its length or -errno. */
long mm_copy_string(struct mm *mm, char *dst, uint64_t src, size_t max);
long mm_brk(struct mm *mm, uint64_t addr);
long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot, unsigned flags, long fd,
             uint64_t off);
long mm_munmap(struct mm *mm, uint64_t addr, uint64_t len);
long mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot);
long mm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, unsigned flags,
               uint64_t new_addr);
/* Whether a mirrored page is shared on purpose (MAP_SHARED): writes need no
 * copy. */
bool mm_page_shared(const struct mm *mm, uint64_t addr);
/* The pseudo-physical page behind a mapped address (true), or false. */
bool mm_pfn_of(const struct mm *mm, uint64_t addr, l4_word_t *pfn);
/* Unmap and free the page at addr, if any (madvise MADV_DONTNEED). */
void mm_drop_page(struct mm *mm, uint64_t addr);

/* The message words of a syscall fault (docs/kernel/faults.md). */
struct syscall_frame {
    l4_word_t nr, a[6], rip, rsp, rflags, fs, gs;
};

/* --- Processes (proc.c) ---------------------------------------------------- */
#define SHIM_RLIMITS 16 /* RLIMIT_CPU .. RLIMIT_RTTIME */

/* What a process is allowed and what it has used (resource.c): kept by
 * fork and execve. CPU time is estimated on the PV clock (resource.c). */
struct proc_res {
    struct shim_creds cred;
    uint64_t rlim[SHIM_RLIMITS][2]; /* soft, hard */
    uint64_t utime, stime;          /* ns: running, in the shim */
    uint64_t cutime, cstime;        /* of the waited-for children */
    uint64_t since;                 /* when it last went on running */
    bool running;                   /* answered, not parked: utime counts */
};

struct process {
    int pid, ppid;
    int pgrp, sid;   /* process group and session */
    bool live;       /* the slot is in use (running, or a zombie) */
    bool zombie;     /* ended, waiting for its parent's wait4 */
    int wait_status; /* a zombie's status, as wait4 reports it */
    /* blocked in wait4: the kept reply, and where the status goes */
    bool waiting;
    int wait_pid;
    l4_word_t wait_reply;
    uint64_t wait_status_addr;
    bool wait_siginfo;     /* waitid: a siginfo at wait_status_addr, answer 0 */
    uint64_t wait_rusage;  /* wait4: where the child's struct rusage goes */
    int vfork_parent;      /* vfork: the parent waits until this child execs or ends */
    l4_word_t vfork_reply; /* its kept answer */
    bool mm_lent;          /* vfork: mm is its parent's, lent until exec or exit */
    struct mm mm;
    struct shim_fdtable *fds; /* its descriptors (vfs.c) */
    char cwd[256];            /* its working directory, canonical */
    unsigned umask;           /* file mode creation mask */
    /* signals (signal.c): actions (struct shim_sigaction: handler, flags,
     * restorer, mask), the mask, what is pending */
    uint64_t sigaction[64][4];
    uint64_t sigmask;
    uint64_t sigpending;                    /* standard signals (1..31) pending */
    struct shim_siginfo sig_info[31];       /* and their siginfo */
    struct shim_siginfo rtq[SHIM_SIGQ_MAX]; /* real-time signals queued, in order */
    unsigned nrtq;
    struct shim_stack altstack; /* sigaltstack */
    bool restore_mask;          /* sigsuspend, ppoll: saved_mask comes back */
    uint64_t saved_mask;
    bool stopped;        /* by SIGSTOP & co. (its thread suspended) */
    bool paused;         /* in pause or sigsuspend (its thread suspended) */
    bool park_suspended; /* parked in a call by suspension: no Reply left (main.c) */
    int stop_report;     /* for wait4 WUNTRACED/WCONTINUED, or 0 */
    uint64_t sigwait_set, sigwait_info, sigwait_deadline; /* parked in sigtimedwait */
    uint64_t alarm_at, alarm_every; /* ITIMER_REAL (ns on the PV clock; 0: off) */
    l4_word_t sys_nr, sys_a[6];     /* the system call it is in */
    long wait_options;              /* wait4's while waiting */
    char exe[256];                  /* the path it was started from (/proc/self/exe) */
    char comm[16];                  /* prctl(PR_SET_NAME), or empty: exe's last part */
    l4_cptr_t tcb;                  /* its thread's TCB capability (our slot) */
    l4_word_t thread;               /* the memory server's handle */
    uint64_t tid_address;           /* set_tid_address */
    struct proc_res res;            /* credentials, limits, CPU time (resource.c) */
    char cmdline[256];              /* argv as /proc/PID/cmdline shows it (procfs.c) */
    unsigned cmdline_len;
    /* scheduling (sched.c): queued for the CPU with its answer kept (a
     * Reply object and RAX), or with its thread suspended (run_reply 0) */
    bool queued;
    l4_word_t run_reply, run_value;
    uint64_t slice_left; /* what a wake-up cut short of its slice (ns) */
};

/* The process slots: shim_nprocs of them (proc_init(): what a quarter of
 * the shim's heap holds, at most SHIM_MAX_PROCS). */
#define SHIM_MAX_PROCS 256
extern struct process *procs;
extern unsigned shim_nprocs;
int proc_init(size_t heap_bytes);

struct process *proc_by_pid(int pid);
/* Start path (from the initramfs) as a new process with argv/envp; the
 * process or NULL (reported). */
struct process *proc_spawn(const char *path, int argc, const char *const *argv, int envc,
                           const char *const *envp);
/* The process ended with a wait status (exit << 8, or a signal). */
void proc_exit(struct process *p, int wait_status);
/* fork: a copy of p (its memory copy-on-write) that returns 0 from the
 * system call at rip; the child's pid or -errno. */
long proc_fork(struct process *p, const struct syscall_frame *f);
/* vfork: the same, but the child runs in p's memory (lent) until it execs
 * or ends; the caller keeps p waiting until then. */
long proc_vfork(struct process *p, const struct syscall_frame *f);
/* execve: replace p's image; 0 (p now runs the new program: no reply) or
 * -errno (p goes on with the error). */
long proc_execve(struct process *p, uint64_t path, uint64_t argv, uint64_t envp);
/* A child of a waiting parent stopped or continued: answer its wait4. */
void proc_child_changed(struct process *child);
/* p no longer waits in wait4 (a signal interrupts it). */
void proc_wait_cancel(struct process *p);
/* A vfork child execs or ends: its parent goes on. */
void proc_vfork_release(struct process *child);
/* wait4: true if answered now (f->nr holds the result); false if p now
 * waits (its reply is kept). */
bool proc_wait(struct process *p, long pid, uint64_t status, long options, uint64_t rusage,
               struct syscall_frame *f);
/* waitid (P_ALL, P_PID, P_PGID with WEXITED): the same, with a siginfo. */
bool proc_waitid(struct process *p, long idtype, long id, uint64_t info, long options,
                 struct syscall_frame *f);

/* --- Credentials, limits, usage (resource.c) ------------------------------- */
void proc_res_init(struct process *p);
/* fork: the child's copy (no usage); execve: what the new image keeps. */
void proc_res_fork(struct process *child, const struct process *parent);
void proc_res_exec(struct process *p, const struct process *old);
/* CPU time: a call arrives (the process ran until now), is answered. */
void proc_acct_enter(struct process *p);
void proc_acct_leave(struct process *p, bool answered);
/* A waited-for child's times go to its parent; its struct rusage. */
void proc_acct_reap(struct process *parent, const struct process *child);
/* who: 0 itself, -1 its waited-for children, 2 both (wait4's). */
int proc_rusage_put(struct process *p, uint64_t addr, const struct process *of, int who);
/* The credentials file permissions are checked with (fsuid, fsgid). */
const struct shim_cred *proc_fs_cred(const struct process *p);
/* The soft limit of a resource (RLIMIT_FSIZE ...). */
uint64_t proc_rlimit(const struct process *p, unsigned resource);
long sys_resource(struct process *p, const struct syscall_frame *f, bool *handled);
/* The small calls (syscall_misc.c); *handled false for any other. */
long sys_misc(struct process *p, const struct syscall_frame *f, bool *handled);
/* CPU time used so far (ns), the CPU-time clocks' value. */
uint64_t proc_cpu_ns(const struct process *p);
long sys_sysinfo(struct process *p, uint64_t buf);

/* --- Clocks and the vDSO (clock.c, vdso.c; docs/linux/vdso.md) ------------- */
/* The vvar page and, above it, the vDSO in every process: below the stack. */
#define VDSO_VVAR UINT64_C(0x00007fffff7c0000)
/* The vDSO's and the vvar page's pages (at start-up); 0 or -errno. */
int vdso_init(void);
/* Copy the PV page's clock into the vvar page if it changed. */
void vdso_refresh(void);
/* Map the vvar page and the vDSO into a new image: the vDSO's address
 * (AT_SYSINFO_EHDR), or 0 (none: the libc makes system calls). */
uint64_t vdso_map(struct mm *mm);
/* Clock clk from the vvar page, as the vDSO reads it: 0, or -1 if the
 * page does not serve it. */
int vdso_clock(long clk, uint64_t *ns);
long clock_sys_gettime(struct process *p, long clk, uint64_t ts);
/* CLOCK_REALTIME (the PV clock if there is no wall clock): file times. */
uint64_t shim_realtime_ns(void);
long clock_sys_getres(struct process *p, long clk, uint64_t res);
long clock_sys_gettimeofday(struct process *p, uint64_t tv, uint64_t tz);
long clock_sys_time(struct process *p, uint64_t t);
long clock_sys_settime(struct process *p, long clk, uint64_t ts);
long clock_sys_settimeofday(struct process *p, uint64_t tv, uint64_t tz);

/* --- Replies kept for later (main.c) --------------------------------------- */
/* Keep the Reply object the current fault came in on; the loop takes
 * another for its next receive. The kept one, or 0 if none is free. */
l4_word_t shim_keep_reply(void);
/* Answer a kept reply with RAX = value, and give it back: now if its
 * process gets the CPU, else when its turn comes (sched.c). */
void shim_answer(l4_word_t reply, l4_word_t value);
/* Answer now and give it back (the scheduler's last step). */
void shim_reply_send(l4_word_t reply, l4_word_t value);
/* Send the answer of the call just handled now, if the loop still holds
 * it for its ReplyRecv: before anything suspends or changes a thread. */
void shim_flush_reply(void);
/* Answer p's call through its registers instead of a Reply: its thread is
 * stopped (the call aborted), RAX = value, RIP past the `syscall`;
 * resumed if resume. */
void shim_answer_in_registers(struct process *p, l4_word_t value, bool resume);
/* Give back a kept reply nobody will answer (its thread is gone). */
void shim_release_reply(l4_word_t reply);
/* The reply kept for process pid (it waits in a call), or 0. */
l4_word_t shim_parked_reply(int pid);
/* The process whose fault is being handled, or NULL. */
extern struct process *shim_current;

/* --- futex (futex.c) -------------------------------------------------------- */
long futex_syscall(struct process *p, const struct syscall_frame *f);
/* A process that ends or is interrupted: its wait dropped. */
void futex_forget(struct process *p);
uint64_t futex_next_deadline(void);
void futex_expire(uint64_t now);
/* --- The virtual CPU (sched.c, docs/linux/scheduling.md) ------------------ */
/* p's thread is suspended with its registers set (new, forked, a signal
 * frame built, continued): true if p holds the CPU now and the caller
 * resumes it; false if p is queued (resumed when its turn comes). */
bool sched_may_run(struct process *p);
/* p's parked call ends with value: through reply now, or queued. */
void sched_answer(struct process *p, l4_word_t reply, l4_word_t value);
/* p's queued answer, if any, goes into its registers (its thread
 * suspended, the Reply given back): before a signal changes them. */
void sched_settle(struct process *p);
/* p stops or ends: it leaves the queue, or gives up the CPU. */
void sched_leave(struct process *p);
/* A fault of p is handled; at the end, not answered: p blocked. */
void sched_fault_begin(struct process *p);
void sched_fault_end(int pid, bool answered);
/* At the end of every event: if the CPU is free, the next one runs. */
void sched_dispatch(void);
/* The virtual timer fired: preempt at the end of a slice. */
void sched_tick(uint64_t now);
/* When the timer must fire for the running slice (0: no need). */
uint64_t sched_next_deadline(void);

/* --- Signals (signal.c, docs/linux/signals.md) ----------------------------- */
void sig_init(void);
/* Send sig (info: its siginfo, or NULL for one from the kernel). */
void sig_send(struct process *q, int sig, const struct shim_siginfo *info);
void sig_send_kernel(struct process *q, int sig, int code, int pid);
/* A signal is pending and not blocked. */
bool sig_deliverable(const struct process *p);
/* p's call ends with f->nr (the current fault): deliver what is pending.
 * False if p is gone. */
bool sig_at_return(struct process *p, const struct syscall_frame *f, bool reply_fs);
/* A parked call of p is answered with value while a signal is pending. */
void sig_at_answer(struct process *p, l4_word_t value);
/* A fault p's handler may take (SIGSEGV & co.); else p dies. */
void sig_fault(struct process *p, int sig, int code, uint64_t addr, uint64_t trapno, uint64_t err);
/* ppoll's and pselect6's mask (uset, or none if 0) for the rest of the
 * call: 0, -EINTR if a signal it lets in is pending (delivered as the call
 * returns), or -errno. The mask comes back when the call returns. */
long sig_temp_mask(struct process *p, uint64_t uset, uint64_t size);
/* The signal system calls; SHIM_BLOCKED when answered otherwise. */
long sig_syscall(struct process *p, struct syscall_frame *f);
void sig_child_exited(struct process *child, int wait_status);
bool sig_reaps_children(const struct process *p);
void sig_fork(struct process *child, const struct process *parent);
void sig_exec(struct process *p, const struct process *old);
void sig_copy_fpu(const struct process *from, const struct process *to);
uint64_t sig_next_deadline(void);
void sig_expire(uint64_t now);

/* --- System calls (syscall.c) ---------------------------------------------- */

/* Handle one system call; returns true to reply now with f->nr as RAX
 * (and f->fs if reply_fs), false if the process is gone or answered
 * later. */
bool syscall_dispatch(struct process *p, struct syscall_frame *f, bool *reply_fs);

/* --- Files (vfs.c) ------------------------------------------------------------- */
struct shim_inode;
int vfs_init(void);
int vfs_process_init(struct process *p);
int vfs_process_fork(struct process *child, const struct process *parent);
void vfs_process_exit(struct process *p);
void vfs_exec(struct process *p);
void *vfs_read_file(const char *path, size_t *size, int *err);
void *vfs_read_exec(struct process *p, const char *path, size_t *size, int *err);
void vfs_exec_path(struct process *p, char *path, size_t size);
bool vfs_is_tty(struct process *p, long fd);
/* ioctl on what is not the terminal (vfs_block.c). */
long vfs_ioctl(struct process *p, long fd, unsigned long req, uint64_t arg);
long vfs_openat(struct process *p, long dirfd, uint64_t path, unsigned flags, unsigned mode);
long vfs_read(struct process *p, long fd, uint64_t buf, uint64_t n, int64_t off);
long vfs_write(struct process *p, long fd, uint64_t buf, uint64_t n, int64_t off);
long vfs_lseek(struct process *p, long fd, int64_t off, int whence);
long vfs_fstat(struct process *p, long fd, uint64_t buf);
long vfs_fstatat(struct process *p, long dirfd, uint64_t path, uint64_t buf, unsigned flags);
long vfs_getdents64(struct process *p, long fd, uint64_t buf, uint64_t count);
long vfs_getcwd(struct process *p, uint64_t buf, uint64_t size);
long vfs_chdir(struct process *p, uint64_t path);
long vfs_fchdir(struct process *p, long fd);
long vfs_statx(struct process *p, long dirfd, uint64_t path, unsigned flags, unsigned mask,
               uint64_t buf);
long vfs_statfs(struct process *p, uint64_t path, long fd, uint64_t buf);
long vfs_sendfile(struct process *p, long out_fd, long in_fd, uint64_t off, uint64_t count);
long vfs_write_kernel(struct process *p, long fd, const char *buf, size_t n);
long vfs_readlinkat(struct process *p, long dirfd, uint64_t path, uint64_t buf, uint64_t size);
long vfs_faccessat(struct process *p, long dirfd, uint64_t path, unsigned mode);
long vfs_mkdirat(struct process *p, long dirfd, uint64_t path, unsigned mode);
long vfs_unlinkat(struct process *p, long dirfd, uint64_t path, unsigned flags);
long vfs_renameat(struct process *p, long olddir, uint64_t oldp, long newdir, uint64_t newp);
long vfs_close(struct process *p, long fd);
long vfs_dup3(struct process *p, long oldfd, long newfd, unsigned flags, int which);
long vfs_fcntl(struct process *p, long fd, unsigned cmd, uint64_t arg);
long vfs_pipe2(struct process *p, uint64_t fds, unsigned flags);
long vfs_truncate(struct process *p, long fd, uint64_t path, int64_t len);
long vfs_symlinkat(struct process *p, uint64_t target, long dirfd, uint64_t path);
long vfs_linkat(struct process *p, long olddir, uint64_t oldp, long newdir, uint64_t newp);
long vfs_chmod(struct process *p, long dirfd, uint64_t path, long fd, unsigned mode);
long vfs_chown(struct process *p, long dirfd, uint64_t path, long fd, uint32_t uid, uint32_t gid,
               bool follow);
long vfs_utimensat(struct process *p, long dirfd, uint64_t path, uint64_t times, unsigned flags);
long vfs_mmap(struct process *p, uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
              long fd, uint64_t off);
long vfs_poll(struct process *p, uint64_t fds, uint64_t n, long timeout_ms);
/* select (timeval) and pselect6 (timespec; its sigmask: sig_temp_mask()). */
long vfs_select(struct process *p, int nfds, uint64_t rd, uint64_t wr, uint64_t ex, uint64_t tmo,
                bool pselect);
/* /proc/PID/cmdline: argv as execve gave it (procfs.c). */
void procfs_set_cmdline(struct process *p, int argc, const char *const *argv);
uint64_t vfs_next_deadline(void);
void vfs_expire(uint64_t now);
/* A deadline was added: re-arm the virtual timer for the earliest. */
void shim_timer_changed(void);
/* The same, for a deadline known to be among them (no work if the timer
 * fires by then anyway). */
void shim_timer_at(uint64_t deadline);
/* A process that ends: drop anything it is parked on. */
void vfs_forget(struct process *p);
/* What a call returns when its process was parked (answered later). */
#define SHIM_BLOCKED (-100000L)
/* What kill returns when the caller ended itself (no answer). */
#define SHIM_KILLED_SELF (-100001L)
/* A write to a pipe with no reader, SIGPIPE at its default: the writer ends. */
#define SHIM_KILLED_SIGPIPE (-100002L)
/* A write past RLIMIT_FSIZE, SIGXFSZ at its default: the writer ends. */
#define SHIM_KILLED_SIGXFSZ (-100003L)

/* --- Console (console.c) --------------------------------------------------- */
void tty_init(void);
void tty_write(const char *s, size_t n);
/* The host channel (console = "host", tools/tessera run -- PROG). */
void host_write(const char *s, size_t n, int stream);
long host_read(void *buf, size_t n);
/* Upcall: the console line was raised; take what was typed. */
void tty_input(void);
/* Signals the line discipline asks for (bit sig - 1): vfs.c/proc.c. */
void tty_signal(uint64_t signals);
/* Readers parked on the terminal: answer those that can go on. */
void tty_wake(void);

static inline void *pmem_ptr(l4_word_t pfn)
{
    extern uint64_t shim_phys_base;
    return (void *)(uintptr_t)(shim_phys_base + pfn * SHIM_PAGE);
}

#endif
