/* SPDX-License-Identifier: MIT */
/*
 * Processes (see shim.h): starting a program from the initramfs in an
 * address space and thread of its own, and ending one.
 *
 * proc_spawn() is execve's second half for a fresh process: the ELF plan
 * (shim_exec_plan(), exec/), each segment's pages filled from the file in
 * the shim's window and mapped with one Batch, the heap and stack areas,
 * the initial stack (shim_exec_build_stack()), then a foreign-ABI thread
 * from the memory server whose faults come to the shim's endpoint badged
 * with the pid, started at the entry point.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include <shim/exec.h>
#include <shim/tty.h>
#include <shim/linux_abi.h>
#include "shim.h"

#define STACK_TOP   UINT64_C(0x00007ffffffde000)
#define STACK_SIZE  (UINT64_C(8) << 20)
#define STACK_IMAGE 65536 /* bytes of the initial stack built at once */

struct process *procs;
unsigned shim_nprocs;
static int next_pid = 1;

int proc_init(size_t heap_bytes)
{
    /* as many slots as a quarter of the heap holds, at most SHIM_MAX_PROCS */
    size_t n = heap_bytes / 4 / sizeof(struct process);
    shim_nprocs = n < SHIM_MAX_PROCS ? (unsigned)n : SHIM_MAX_PROCS;
    procs = calloc(shim_nprocs, sizeof *procs);
    return procs && shim_nprocs >= 2 ? 0 : -LINUX_ENOMEM;
}

/* A process's thread goes (the memory server destroys it, and with it our
 * TCB capability): its slot is free again. */
static void thread_destroy(struct process *p)
{
    if (p->thread)
        (void)mem_thread_destroy(shim.mem, p->thread);
    shim_slot_free(p->tcb);
    p->thread = 0;
    p->tcb = 0;
}

struct process *proc_by_pid(int pid)
{
    /* the process that made the last call is most often the next one */
    static unsigned last;
    if (last < shim_nprocs && procs[last].live && procs[last].pid == pid)
        return &procs[last];
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (procs[i].live && procs[i].pid == pid) {
            last = i;
            return &procs[i];
        }
    return NULL;
}

struct process *proc_spawn_as(const char *path, int pid, int ppid, int argc,
                              const char *const *argv, int envc, const char *const *envp,
                              struct process *files);

/* Fill and map the pages of every segment: one Batch per batch-pages-full. */
static int load_segments(struct mm *mm, const struct shim_exec_plan *plan, const uint8_t *file)
{
    l4_word_t size = 0, failed = 0, first = 0;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    if (!b)
        return -LINUX_ENOMEM;
    unsigned n = 0;
    for (unsigned s = 0; s < plan->nsegments; s++) {
        const struct shim_exec_segment *seg = &plan->seg[s];
        int e = mm_add_vma(mm, seg->start, seg->end, seg->prot);
        if (e)
            return e;
        for (uint64_t va = seg->start; va < seg->end; va += SHIM_PAGE) {
            l4_word_t pfn = pmem_alloc();
            if (pfn == ~0ul)
                return -LINUX_ENOMEM;
            uint64_t off = va - seg->start;
            if (off < seg->file_len) {
                uint64_t k = seg->file_len - off < SHIM_PAGE ? seg->file_len - off : SHIM_PAGE;
                memcpy(pmem_ptr(pfn), file + seg->file_offset + off, k);
            }
            /* the mirror holds the page (and its reference) from now on:
             * mm_destroy() gives it back whatever happens next */
            if ((e = mm_record(mm, va, pfn, seg->prot)) != 0) {
                pmem_put(pfn);
                return e;
            }
            b[n++] = (struct mem_batch_entry){
                MEM_BATCH_ENTRY_OP_MAP, (uint32_t)mm->space, va, pfn, mm_rights_of(seg->prot), 0};
            if (n == MEM_BATCH_ENTRY_MAX_ENTRIES || va + SHIM_PAGE >= seg->end) {
                mem_status_t st = mem_batch(shim.mem, n, &failed, &first);
                if (st != L4_NO_ERROR || failed)
                    return -LINUX_ENOMEM;
                n = 0;
            }
        }
    }
    return 0;
}

struct process *proc_spawn_as(const char *path, int pid, int ppid, int argc,
                              const char *const *argv, int envc, const char *const *envp,
                              struct process *files)
{
    size_t size = 0;
    int ferr = 0;
    uint8_t *file = vfs_read_file(path, &size, &ferr);
    if (!file) {
        shim_log("cannot start %s: error %d", path, ferr);
        return NULL;
    }
    static const struct shim_exec_layout layout = {
        .user_min = 0x10000, .user_top = STACK_TOP - STACK_SIZE, .pie_base = 0x555555554000};
    struct shim_exec_plan plan;
    enum shim_exec_error xe = shim_exec_plan(file, size, &layout, &plan);
    if (xe != SHIM_EXEC_OK) {
        shim_log("cannot start %s: %s", path, shim_exec_strerror(xe));
        free(file);
        return NULL;
    }
    struct process *p = NULL;
    for (unsigned i = 0; i < shim_nprocs && !p; i++)
        if (!procs[i].live)
            p = &procs[i];
    if (!p) {
        shim_log("cannot start %s: no process slot", path);
        free(file);
        return NULL;
    }
    struct shim_fdtable *keep_fds = files ? files->fds : NULL;
    char keep_cwd[sizeof p->cwd];
    unsigned keep_umask = files ? files->umask : 022;
    if (files)
        memcpy(keep_cwd, files->cwd, sizeof keep_cwd);
    memset(p, 0, sizeof *p);
    int e = mm_init(&p->mm);
    if (e) {
        shim_log("cannot start %s: no address space (%d)", path, e);
        free(file);
        return NULL;
    }
    if (keep_fds) { /* execve: the descriptors and directory stay */
        p->fds = keep_fds;
        memcpy(p->cwd, keep_cwd, sizeof p->cwd);
        p->umask = keep_umask;
        sig_exec(p, files); /* SIG_IGN, the mask, pending signals stay */
        vfs_exec(p);
    } else if ((e = vfs_process_init(p)) != 0) {
        shim_log("cannot start %s: no descriptors", path);
        mm_destroy(&p->mm);
        free(file);
        return NULL;
    }
    snprintf(p->exe, sizeof p->exe, "%s", path);
    if (files)
        proc_res_exec(p, files);
    else
        proc_res_init(p);
    procfs_set_cmdline(p, argc, argv);
    p->pid = pid;
    p->ppid = ppid;
    p->pgrp = files ? files->pgrp : pid;
    p->sid = files ? files->sid : pid;
    p->live = true;
    e = load_segments(&p->mm, &plan, file);
    free(file);
    p->mm.brk_start = p->mm.brk = plan.brk;
    if (e == 0)
        e = mm_add_vma(&p->mm, STACK_TOP - STACK_SIZE, STACK_TOP,
                       LINUX_PROT_READ | LINUX_PROT_WRITE);
    uint64_t vdso = e == 0 ? vdso_map(&p->mm) : 0;
    /* the initial stack */
    uint8_t random[16];
    shim_random(random, sizeof random);
    struct shim_exec_args args = {
        .argc = (unsigned)argc,
        .envc = (unsigned)envc,
        .argv = argv,
        .envp = envp,
        .execfn = path,
        .random = random,
        .platform = "x86_64",
        .hwcap = 0x178bfbff,
        .sysinfo_ehdr = vdso,
    };
    struct shim_exec_stack st;
    uint8_t *image = malloc(STACK_IMAGE);
    if (e == 0 && !image)
        e = -LINUX_ENOMEM;
    if (e == 0)
        e = shim_exec_build_stack(&plan, &args, STACK_TOP, image, STACK_IMAGE, &st);
    if (e == 0)
        e = mm_copy_out(&p->mm, st.rsp, image + (st.rsp - (STACK_TOP - STACK_IMAGE)),
                        STACK_TOP - st.rsp);
    free(image);
    /* its thread */
    if (e == 0) {
        p->tcb = shim_slot();
        mem_status_t ms = mem_thread_create(shim.mem, p->mm.space, (l4_word_t)p->pid, shim.priority,
                                            shim.ep, shim.cnode, p->tcb, &p->thread);
        if (ms != L4_NO_ERROR) {
            shim_log("cannot start %s: ThreadCreate: %s", path, mem_error_name(ms));
            shim_slot_free(p->tcb);
            p->tcb = 0;
            e = -LINUX_ENOMEM;
        }
    }
    if (e == 0) {
        struct l4_user_context regs = {0};
        regs.rip = plan.entry;
        regs.rsp = st.rsp;
        regs.rflags = 0x202;
        if (l4_tcb_write_registers(p->tcb, false, L4_USER_CONTEXT_WORDS, &regs) != L4_NO_ERROR)
            e = -LINUX_EFAULT;
        else if (sched_may_run(p)) /* else it runs when its turn comes */
            (void)l4_tcb_resume(p->tcb);
    }
    if (e) {
        shim_log("cannot start %s: error %d", path, e);
        mm_destroy(&p->mm);
        if (!keep_fds)
            vfs_process_exit(p);
        p->fds = NULL;
        p->live = false;
        return NULL;
    }
    return p;
}

struct process *proc_spawn(const char *path, int argc, const char *const *argv, int envc,
                           const char *const *envp)
{
    int pid = next_pid++, ppid = 0;
    if (pid == 1 && shim.host) {
        /* run -- PROG: the program runs as a shell's child does, with a
         * parent (pid 1, which the shim plays) and not as init */
        pid = next_pid++;
        ppid = 1;
    }
    if (!shim.init_pid)
        shim.init_pid = pid;
    return proc_spawn_as(path, pid, ppid, argc, argv, envc, envp, NULL);
}

static long report_child(struct process *parent, struct process *z, uint64_t addr, bool siginfo);
static void give_back(struct process *child);

/* The child matches the pid argument of its parent's wait4. */
static bool waits_for(const struct process *parent, const struct process *c)
{
    long pid = parent->wait_pid;
    return pid == -1 || (pid > 0 && c->pid == pid) || (pid == 0 && c->pgrp == parent->pgrp) ||
           (pid < -1 && c->pgrp == -pid);
}

void proc_exit(struct process *p, int wait_status)
{
    futex_forget(p);
    sched_leave(p); /* the CPU goes at the end of this event */
    thread_destroy(p);
    give_back(p);
    proc_vfork_release(p);
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (procs[i].live && procs[i].mm_lent && procs[i].vfork_parent == p->pid) {
            /* its vfork child runs in its memory: the child keeps it */
            procs[i].mm_lent = false;
            memset(&p->mm, 0, sizeof p->mm);
        }
    vfs_forget(p);
    sleep_forget(p);
    for (l4_word_t r; (r = shim_parked_reply(p->pid)) != 0;)
        shim_release_reply(r); /* wait4, pause, sigtimedwait: nobody answers */
    p->alarm_at = 0;
    p->sigwait_set = 0;
    mm_destroy(&p->mm);
    vfs_process_exit(p);
    p->zombie = true;
    p->wait_status = wait_status;
    p->waiting = false;
    /* its children are init's now; zombies among them are reaped */
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (procs[i].live && procs[i].ppid == p->pid) {
            procs[i].ppid = 1;
            if (procs[i].zombie)
                procs[i].live = false;
        }
    /* a parent blocked in wait4 for it gets it now */
    struct process *parent = proc_by_pid(p->ppid);
    if (parent && !parent->zombie && sig_reaps_children(parent) && !parent->waiting) {
        p->live = false; /* SIGCHLD ignored: no zombie */
    } else if (parent && !parent->zombie && parent->waiting && waits_for(parent, p)) {
        long r = report_child(parent, p, parent->wait_status_addr, parent->wait_siginfo);
        if (r >= 0)
            p->live = false; /* reaped */
        parent->waiting = false;
        shim_answer(parent->wait_reply, (l4_word_t)r);
    } else if (!parent || parent->zombie) {
        p->live = false; /* nobody to wait for it */
    }
    if (parent && !parent->zombie)
        sig_child_exited(p, wait_status); /* SIGCHLD */
    bool any = false;
    for (unsigned i = 0; i < shim_nprocs; i++)
        any = any || (procs[i].live && !procs[i].zombie);
    /* the first process is init: when it ends, the compartment does, with
     * its status as a shell would report it */
    if (p->pid == shim.init_pid || !any) {
        unsigned status = (wait_status & 0x7f) ? 128u + (unsigned)(wait_status & 0x7f)
                                               : (unsigned)(wait_status >> 8) & 0xff;
        shim_exit_compartment(status);
    }
}

/* --- fork ------------------------------------------------------------------ */

static struct process *new_slot(void)
{
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (!procs[i].live)
            return &procs[i];
    return NULL;
}

/* Share every page of parent with child, both read-only where writable
 * (copy-on-write: the first write faults and mm_fault() copies); the
 * parent's writable pages are protected in one Batch, the child's are
 * mapped as it touches them. */
static int share_pages(struct mm *parent, struct mm *child)
{
    l4_word_t size = 0, failed = 0, first = 0;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    if (!b)
        return -LINUX_ENOMEM;
    unsigned n = 0;
    for (unsigned i = 0; i < parent->nvmas; i++) {
        int e = mm_add_area(child, &parent->vmas[i]);
        if (e)
            return e;
    }
    for (size_t i = 0; i < parent->map_cap; i++) {
        struct pagemap_entry *pe = &parent->map[i];
        if (pe->vpn <= 1)
            continue;
        /* the child gets the page in its mirror, not mapped (prot NONE
         * there means "not mapped yet"): its first touch maps it, read-only
         * if it is shared copy-on-write (mm_fault()), so a fork costs the
         * pages the child uses, not all the parent has; MAP_SHARED pages
         * stay writable in both */
        bool shared = mm_page_shared(parent, pe->vpn << 12);
        unsigned prot = shared ? pe->prot : pe->prot & ~LINUX_PROT_WRITE;
        pmem_get(pe->pfn);
        int e = mm_record(child, pe->vpn << 12, pe->pfn, LINUX_PROT_NONE);
        if (e) {
            pmem_put(pe->pfn);
            return e;
        }
        if (!shared && (pe->prot & LINUX_PROT_WRITE)) {
            pe->prot = prot; /* the parent's copy is read-only too now */
            b[n++] = (struct mem_batch_entry){MEM_BATCH_ENTRY_OP_PROTECT,
                                              (uint32_t)parent->space,
                                              pe->vpn << 12,
                                              0,
                                              mm_rights_of(prot),
                                              0};
        }
        if (n >= MEM_BATCH_ENTRY_MAX_ENTRIES - 1) {
            if (mem_batch(shim.mem, n, &failed, &first) != L4_NO_ERROR || failed)
                return -LINUX_ENOMEM;
            n = 0;
        }
    }
    if (n && (mem_batch(shim.mem, n, &failed, &first) != L4_NO_ERROR || failed))
        return -LINUX_ENOMEM;
    return 0;
}

/* vfork's child runs in its parent's memory, lent (the struct mm moves to
 * the child and back), until it execs or ends; fork's gets a copy. */
static long fork_common(struct process *p, const struct syscall_frame *f, bool lend)
{
    struct process *c = new_slot();
    if (!c)
        return -LINUX_EAGAIN;
    memset(c, 0, sizeof *c);
    if (lend) {
        c->mm = p->mm;
        c->mm_lent = true;
    } else if (mm_init(&c->mm) != 0) {
        return -LINUX_ENOMEM;
    }
    c->live = true;
    c->pid = next_pid++;
    c->ppid = p->pid;
    c->pgrp = p->pgrp;
    c->sid = p->sid;
    sig_fork(c, p);
    proc_res_fork(c, p);
    c->mm.brk_start = p->mm.brk_start;
    c->mm.brk = p->mm.brk;
    c->mm.mmap_top = p->mm.mmap_top;
    long e = vfs_process_fork(c, p);
    if (e == 0 && !lend)
        e = share_pages(&p->mm, &c->mm);
    struct l4_user_context regs;
    if (e == 0 && l4_tcb_read_registers(p->tcb, false, L4_USER_CONTEXT_WORDS, &regs) != L4_NO_ERROR)
        e = -LINUX_EFAULT;
    if (e == 0) {
        c->tcb = shim_slot();
        if (!c->tcb || mem_thread_create(shim.mem, c->mm.space, (l4_word_t)c->pid, shim.priority,
                                         shim.ep, shim.cnode, c->tcb, &c->thread) != L4_NO_ERROR) {
            shim_slot_free(c->tcb);
            c->tcb = 0;
            e = -LINUX_EAGAIN;
        }
    }
    if (e == 0) {
        /* the child returns 0 from the same system call */
        regs.rip = f->rip;
        regs.rsp = f->rsp;
        regs.rflags = f->rflags;
        regs.rax = 0;
        regs.fs_base = f->fs;
        regs.gs_base = f->gs;
        sig_copy_fpu(p, c); /* MXCSR, the x87 control word, the registers */
        if (l4_tcb_write_registers(c->tcb, false, L4_USER_CONTEXT_WORDS, &regs) != L4_NO_ERROR)
            e = -LINUX_EFAULT;
        else if (sched_may_run(c)) /* queued: the parent is answered first */
            (void)l4_tcb_resume(c->tcb);
    }
    if (e) {
        thread_destroy(c);
        if (!lend)
            mm_destroy(&c->mm);
        vfs_process_exit(c);
        c->live = false;
        return e;
    }
    return c->pid;
}

long proc_fork(struct process *p, const struct syscall_frame *f)
{
    return fork_common(p, f, false);
}

long proc_vfork(struct process *p, const struct syscall_frame *f)
{
    return fork_common(p, f, true);
}

/* A vfork child gives its parent's memory back (it execs or ends). */
static void give_back(struct process *child)
{
    if (!child->mm_lent)
        return;
    struct process *parent = proc_by_pid(child->vfork_parent);
    if (parent && !parent->zombie)
        parent->mm = child->mm;
    else
        mm_destroy(&child->mm); /* nobody to give it to */
    memset(&child->mm, 0, sizeof child->mm);
    child->mm_lent = false;
}

/* --- execve ---------------------------------------------------------------- */

#define EXEC_MAX_ARGS 256
#define EXEC_MAX_STR  4096

/* Copy a NULL-terminated vector of strings from the process into one
 * buffer; the count or -errno. */
static long copy_vector(struct mm *mm, uint64_t vec, char *buf, size_t bufsize, const char **out,
                        unsigned max)
{
    size_t used = 0;
    unsigned n = 0;
    if (!vec)
        return 0;
    for (;; n++) {
        uint64_t ptr;
        if (mm_copy_in(mm, &ptr, vec + 8 * (uint64_t)n, 8) != 0)
            return -LINUX_EFAULT;
        if (!ptr)
            break;
        if (n == max)
            return -LINUX_E2BIG;
        long len = mm_copy_string(mm, buf + used, ptr, bufsize - used);
        if (len < 0)
            return len == -LINUX_ENAMETOOLONG ? -LINUX_E2BIG : len;
        out[n] = buf + used;
        used += (size_t)len + 1;
    }
    out[n] = NULL;
    return n;
}

long proc_execve(struct process *p, uint64_t upath, uint64_t uargv, uint64_t uenvp)
{
    static char path[EXEC_MAX_STR], argbuf[65536], envbuf[65536];
    static const char *argv[EXEC_MAX_ARGS + 1], *envp[EXEC_MAX_ARGS + 1];
    long r = mm_copy_string(&p->mm, path, upath, sizeof path);
    if (r < 0)
        return r;
    long argc = copy_vector(&p->mm, uargv, argbuf, sizeof argbuf, argv, EXEC_MAX_ARGS);
    if (argc < 0)
        return argc;
    long envc = copy_vector(&p->mm, uenvp, envbuf, sizeof envbuf, envp, EXEC_MAX_ARGS);
    if (envc < 0)
        return envc;
    size_t size;
    int ferr = 0;
    uint8_t *file = vfs_read_exec(p, path, &size, &ferr);
    if (!file)
        return ferr;
    vfs_exec_path(p, path, sizeof path); /* what /proc/PID/exe will read */
    struct shim_exec_plan plan;
    static const struct shim_exec_layout layout = {
        .user_min = 0x10000, .user_top = STACK_TOP - STACK_SIZE, .pie_base = 0x555555554000};
    enum shim_exec_error xe = shim_exec_plan(file, size, &layout, &plan);
    free(file); /* read again by proc_spawn_as(): simple, not fast */
    if (xe != SHIM_EXEC_OK)
        return -LINUX_ENOEXEC;
    /* past the point of no return: a fresh image in a fresh process slot
     * state, the same pid; the old thread and space go */
    int pid = p->pid, ppid = p->ppid;
    thread_destroy(p);
    if (p->mm_lent)
        give_back(p);
    else
        mm_destroy(&p->mm);
    p->live = false;
    if (path[0] != '/') { /* the new image's path, as the old process named it */
        char abs[EXEC_MAX_STR];
        snprintf(abs, sizeof abs, "%s%s%s", p->cwd, strcmp(p->cwd, "/") ? "/" : "", path);
        snprintf(path, sizeof path, "%s", abs);
    }
    static struct process files; /* its descriptors and directory go over */
    files = *p;
    p->fds = NULL;
    proc_vfork_release(&files); /* the vfork parent goes on once we exec */
    struct process *n = proc_spawn_as(path, pid, ppid, (int)argc, argv, (int)envc, envp, &files);
    if (!n) {
        /* nothing to return to: the process dies as Linux kills it */
        p->fds = files.fds;
        p->live = true;
        p->pid = pid;
        p->ppid = ppid;
        proc_exit(p, 9);
    }
    return 0;
}

/* --- wait4 ------------------------------------------------------------------ */

/* What wait4 (the status word, returns the pid) or waitid (a siginfo:
 * SIGCHLD, CLD_EXITED, CLD_KILLED, CLD_STOPPED or CLD_CONTINUED, pid, uid,
 * status; returns 0) tells parent about child z: its end, or (status
 * given) a stop or continuation. */
static long report_child(struct process *parent, struct process *z, uint64_t addr, bool siginfo)
{
    int st = z->zombie ? z->wait_status : z->stop_report;
    if (!siginfo) {
        if (addr && mm_copy_out(&parent->mm, addr, &st, 4) != 0)
            return -LINUX_EFAULT;
        if (parent->wait_rusage && proc_rusage_put(parent, parent->wait_rusage, z, 2) != 0)
            return -LINUX_EFAULT;
        proc_acct_reap(parent, z);
        return z->pid;
    }
    proc_acct_reap(parent, z);
    if (!addr)
        return 0;
    int32_t si[32] = {0};
    si[0] = LINUX_SIGCHLD;
    if (!z->zombie) {
        bool continued = st == 0xffff;
        si[2] = continued ? LINUX_CLD_CONTINUED : LINUX_CLD_STOPPED;
        si[6] = continued ? LINUX_SIGCONT : (st >> 8) & 0xff;
    } else {
        bool killed = (st & 0x7f) != 0;
        si[2] = killed ? LINUX_CLD_KILLED : LINUX_CLD_EXITED;
        si[6] = killed ? (st & 0x7f) : ((st >> 8) & 0xff);
    }
    si[4] = z->pid;
    si[5] = 0; /* uid */
    return mm_copy_out(&parent->mm, addr, si, sizeof si) ? -LINUX_EFAULT : 0;
}

/* Options of wait4 and waitid that report stops and continuations. */
#define W_STOPPED   2 /* WUNTRACED, WSTOPPED */
#define W_CONTINUED 8
#define W_NOWAIT    0x01000000

/* A child that has something to report for these options. */
static bool reportable(const struct process *c, long options)
{
    if (c->zombie)
        return true;
    if (c->stop_report == 0xffff)
        return options & W_CONTINUED;
    return c->stop_report && c->stopped && (options & W_STOPPED);
}

static struct process *ready_child(struct process *p, long pid, long options, bool *any)
{
    *any = false;
    for (unsigned i = 0; i < shim_nprocs; i++) {
        struct process *c = &procs[i];
        if (!c->live || c->ppid != p->pid)
            continue;
        if (pid > 0 && c->pid != pid)
            continue;
        if (pid < -1 && c->pgrp != -pid)
            continue;
        if (pid == 0 && c->pgrp != p->pgrp)
            continue;
        *any = true;
        if (reportable(c, options))
            return c;
    }
    return NULL;
}

/* Report z to p; a zombie is reaped, a stop or continuation said once. */
static long take_report(struct process *p, struct process *z, uint64_t addr, bool siginfo,
                        long options)
{
    long r = report_child(p, z, addr, siginfo);
    if (r >= 0 && !(options & W_NOWAIT)) {
        if (z->zombie)
            z->live = false;
        else
            z->stop_report = 0;
    }
    return r;
}

static bool wait_common(struct process *p, long pid, uint64_t status, long options,
                        struct syscall_frame *f, bool siginfo)
{
    bool any;
    struct process *z = ready_child(p, pid, options, &any);
    if (z) {
        f->nr = (l4_word_t)take_report(p, z, status, siginfo, options);
        return true;
    }
    if (!any) {
        f->nr = (l4_word_t)-LINUX_ECHILD;
        return true;
    }
    if (options & 1) { /* WNOHANG */
        f->nr = 0;
        if (siginfo && status) { /* waitid: a zeroed siginfo */
            uint8_t zero[128] = {0};
            (void)mm_copy_out(&p->mm, status, zero, sizeof zero);
        }
        return true;
    }
    l4_word_t r = shim_keep_reply();
    if (!r) {
        f->nr = (l4_word_t)-LINUX_EAGAIN;
        return true;
    }
    p->waiting = true;
    p->wait_pid = (int)pid;
    p->wait_reply = r;
    p->wait_status_addr = status;
    p->wait_siginfo = siginfo;
    p->wait_options = options;
    return false;
}

void proc_child_changed(struct process *child)
{
    struct process *parent = proc_by_pid(child->ppid);
    if (!parent || parent->zombie || !parent->waiting || !waits_for(parent, child) ||
        !reportable(child, parent->wait_options))
        return;
    long r = take_report(parent, child, parent->wait_status_addr, parent->wait_siginfo,
                         parent->wait_options);
    parent->waiting = false;
    shim_answer(parent->wait_reply, (l4_word_t)r);
}

void proc_wait_cancel(struct process *p)
{
    p->waiting = false; /* the caller gives the reply back */
}

bool proc_wait(struct process *p, long pid, uint64_t status, long options, uint64_t rusage,
               struct syscall_frame *f)
{
    p->wait_rusage = rusage;
    if (options & ~(long)(1 | 2 | 8 | 0x01000000 | 0x20000000 | 0x40000000 | 0x80000000)) {
        f->nr = (l4_word_t)-LINUX_EINVAL; /* beyond WNOHANG, WUNTRACED, WCONTINUED, __W* */
        return true;
    }
    return wait_common(p, pid, status, options, f, false);
}

bool proc_waitid(struct process *p, long idtype, long id, uint64_t info, long options,
                 struct syscall_frame *f)
{
    if (!(options & 4) || (options & ~(long)(1 | 2 | 4 | 8 | 0x01000000)) || idtype < 0 ||
        idtype > 2) { /* WEXITED needed; P_ALL, P_PID, P_PGID */
        f->nr = (l4_word_t)-LINUX_EINVAL;
        return true;
    }
    long pid = idtype == 0 ? -1 : idtype == 1 ? id : -id;
    if (idtype == 1 && id <= 0) {
        f->nr = (l4_word_t)-LINUX_EINVAL;
        return true;
    }
    p->wait_rusage = 0;
    return wait_common(p, pid, info, options, f, true);
}

/* Signals from the terminal (^C, ^\, ^Z) go to every process of the
 * foreground group. */
void tty_signal(uint64_t signals)
{
    extern struct shim_tty shim_tty;
    static const int sigs[] = {LINUX_SIGINT, LINUX_SIGQUIT, LINUX_SIGTSTP};
    for (unsigned k = 0; k < 3; k++) {
        if (!(signals & shim_sigbit(sigs[k])))
            continue;
        for (unsigned i = 0; i < shim_nprocs; i++) {
            struct process *q = &procs[i];
            if (q->live && !q->zombie && q->pgrp == shim_tty.fg_pgrp)
                sig_send_kernel(q, sigs[k], LINUX_SI_KERNEL, 0);
        }
    }
}

void proc_vfork_release(struct process *child)
{
    if (!child->vfork_parent)
        return;
    struct process *parent = proc_by_pid(child->vfork_parent);
    if (parent && !parent->zombie)
        shim_answer(child->vfork_reply, (l4_word_t)child->pid);
    else
        shim_release_reply(child->vfork_reply);
    child->vfork_parent = 0;
}
