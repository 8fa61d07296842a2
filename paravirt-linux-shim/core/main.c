/* SPDX-License-Identifier: MIT */
/*
 * paravirt-linux-shim: the guest kernel of a compartment (docs/linux/).
 *
 * Start-up: take what the root task gave (docs/paravirt-abi.md, "What a
 * guest kernel is given"): the servers' endpoints, Reply objects, the
 * shared pages, the pseudo-physical pages (the first part becomes the
 * shim's heap, the rest its processes'), the initramfs and the entropy
 * seed; make an endpoint for its processes' faults; start init, the
 * program the manifest's `init` names, from the initramfs.
 *
 * The event loop: receive on that endpoint; the badge is the pid. A
 * syscall fault is handled and answered (the result in RAX); a page fault
 * is resolved (demand paging: one Map, the thread retries) or becomes a
 * SIGSEGV; any other exception is the signal Linux would send. When init
 * ends, the compartment ends with its status (root Exit).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/proto/irq_client_gen.h>
#include <l4/proto/root_client_gen.h>
#include <l4/pv/pvclock.h>
#include <l4/pv/virq.h>
#include <l4/random.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include <shim/linux_abi.h>
#include <shim/tty.h>
#include "shim.h"

#define HEAP_PAGES_MAX 2048 /* 8 MiB of the pseudo-physical pages */
#define MAX_ARGS       32

struct shim_platform shim;
static l4_word_t next_slot, end_slot;
static struct l4_random rng;

/* The Reply objects: the one the loop receives on, and those kept for
 * answers given later (a blocked wait4, read, ...). */
#define MAX_REPLIES L4_PLAT_GUEST_REPLIES_MAX
static bool reply_kept[MAX_REPLIES];
static int reply_owner[MAX_REPLIES]; /* the pid whose call it answers */
static unsigned reply_cur;
struct process *shim_current;

/* When every Reply object is kept, a call that blocks parks its process
 * by suspension instead: its thread is suspended (the kernel aborts the
 * call: RIP back at the `syscall`, RAX the number) and the "reply" is a
 * token naming the process; the answer then goes into its registers (RAX,
 * RIP past the `syscall`) and it is resumed. Slower, but no blocking call
 * fails for want of a Reply object however many processes wait. */
#define SUSPENDED_TOKEN UINT64_C(0x40000000)

static struct process *token_owner(l4_word_t reply)
{
    return reply > SUSPENDED_TOKEN ? proc_by_pid((int)(reply - SUSPENDED_TOKEN)) : NULL;
}

l4_word_t shim_keep_reply(void)
{
    for (unsigned i = 1; i < shim.nreplies; i++) {
        unsigned k = (reply_cur + i) % shim.nreplies;
        if (!reply_kept[k]) {
            l4_word_t kept = shim.reply_first + reply_cur;
            reply_kept[reply_cur] = true;
            reply_owner[reply_cur] = shim_current ? shim_current->pid : 0;
            reply_cur = k;
            return kept;
        }
    }
    struct process *p = shim_current;
    if (!p || !p->tcb || p->park_suspended || l4_tcb_suspend(p->tcb) != L4_NO_ERROR)
        return 0;
    p->park_suspended = true;
    return SUSPENDED_TOKEN + (l4_word_t)p->pid;
}

void shim_release_reply(l4_word_t reply)
{
    struct process *p = token_owner(reply);
    if (p)
        p->park_suspended = false;
    else if (reply >= shim.reply_first && reply < shim.reply_first + shim.nreplies)
        reply_kept[reply - shim.reply_first] = false;
}

l4_word_t shim_parked_reply(int pid)
{
    for (unsigned i = 0; i < shim.nreplies; i++)
        if (reply_kept[i] && reply_owner[i] == pid)
            return shim.reply_first + i;
    struct process *p = proc_by_pid(pid);
    return p && p->park_suspended ? SUSPENDED_TOKEN + (l4_word_t)pid : 0;
}

/* The answer to the call just handled, when it is one to four words: sent
 * by the loop's next ReplyRecv (the answer and the next receive in one
 * system call, on the kernel's fastpath), or by shim_flush_reply() before
 * anything else touches a thread (a suspension would abort the call
 * unanswered, and the call would run again). */
static struct {
    bool set;
    l4_cptr_t reply;
    unsigned len;
    l4_word_t w[4];
} deferred;

static void defer_reply(l4_cptr_t reply, unsigned len, const l4_word_t *w)
{
    shim_flush_reply();
    deferred.set = true;
    deferred.reply = reply;
    deferred.len = len;
    for (unsigned i = 0; i < len; i++)
        deferred.w[i] = w[i];
}

void shim_flush_reply(void)
{
    if (!deferred.set)
        return;
    deferred.set = false;
    for (unsigned i = 0; i < deferred.len; i++)
        l4_set_mr(i, deferred.w[i]);
    (void)l4_send(deferred.reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, deferred.len));
}

void shim_answer_in_registers(struct process *p, l4_word_t value, bool resume)
{
    struct l4_user_context u = {0};
    shim_flush_reply();
    /* stopped (or already suspended), its call aborted: RIP is back at the
     * `syscall`; past it again, with the result */
    if (p->tcb && l4_tcb_read_registers(p->tcb, true, L4_USER_CONTEXT_WORDS, &u) == L4_NO_ERROR) {
        u.rax = value;
        u.rip += 2;
        (void)l4_tcb_write_registers(p->tcb, resume, L4_USER_CONTEXT_WORDS, &u);
    }
}

void shim_reply_send(l4_word_t reply, l4_word_t value)
{
    struct process *t = token_owner(reply);
    if (t) { /* parked by suspension: the answer into its registers */
        t->park_suspended = false;
        shim_answer_in_registers(t, value, true);
        return;
    }
    shim_release_reply(reply);
    l4_set_mr(0, value);
    (void)l4_send(reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 1));
}

void shim_answer(l4_word_t reply, l4_word_t value)
{
    struct process *p = token_owner(reply);
    if (reply >= shim.reply_first && reply < shim.reply_first + shim.nreplies) {
        unsigned k = (unsigned)(reply - shim.reply_first);
        p = reply_owner[k] ? proc_by_pid(reply_owner[k]) : NULL;
    }
    if (p && p != shim_current && sig_deliverable(p)) {
        shim_release_reply(reply);
        sig_at_answer(p, value); /* a signal came while it waited */
        return;
    }
    if (p && p->restore_mask) { /* ppoll's or pselect6's mask goes */
        p->sigmask = p->saved_mask;
        p->restore_mask = false;
    }
    if (p)
        sched_answer(p, reply, value); /* now, or when its turn comes */
    else
        shim_reply_send(reply, value);
}

/* Slots given back (a process's TCB capability, gone with its thread),
 * taken again before new ones. */
#define FREE_SLOTS 1024
static l4_word_t free_slots[FREE_SLOTS];
static unsigned nfree_slots;

l4_word_t shim_slot(void)
{
    if (nfree_slots)
        return free_slots[--nfree_slots];
    return next_slot < end_slot ? next_slot++ : 0;
}

void shim_slot_free(l4_word_t slot)
{
    if (slot && nfree_slots < FREE_SLOTS)
        free_slots[nfree_slots++] = slot;
}

void shim_random(void *out, size_t n)
{
    l4_random_bytes(&rng, out, n);
}

void shim_log(const char *fmt, ...)
{
    char line[256];
    int k = snprintf(line, sizeof line, "shim[%s]: ", shim.name ? shim.name : "?");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + k, sizeof line - (size_t)k - 1, fmt, ap);
    va_end(ap);
    size_t n = strlen(line);
    line[n++] = '\n';
    tty_write(line, n);
}

_Noreturn void shim_exit_compartment(unsigned status)
{
    if (shim.root != L4_CPTR_NULL)
        (void)root_exit(shim.root, status);
    for (;;)
        (void)l4_tcb_suspend(l4_rt_start_info()->tcb);
}

/* The signal Linux sends for an exception vector. */
static int signal_of(l4_word_t vector)
{
    switch (vector) {
    case 0:
        return 8; /* #DE: SIGFPE */
    case 1:
    case 3:
        return 5; /* #DB, #BP: SIGTRAP */
    case 6:
        return 4; /* #UD: SIGILL */
    case 16:
    case 19:
        return 8; /* x87, SIMD: SIGFPE */
    default:
        return 11; /* #GP, #PF, the rest: SIGSEGV */
    }
}

/* Handle a fault of p; true if it was answered now (p runs on). */
static bool handle_fault(struct process *p, l4_msginfo_t info, l4_cptr_t reply)
{
    if (l4_msginfo_get_label(info) == L4_FAULT_LABEL_SYSCALL) {
        struct syscall_frame f;
        l4_word_t *w = (l4_word_t *)&f;
        const struct l4_ipc_buffer *ipc = l4_ipc_buffer(); /* once, not per word */
        for (unsigned i = 0; i < 12; i++)
            w[i] = ipc->msg[i];
        bool reply_fs = false;
        p->sys_nr = f.nr;
        memcpy(p->sys_a, f.a, sizeof f.a);
        shim_current = p;
        bool now = syscall_dispatch(p, &f, &reply_fs);
        shim_current = NULL;
        if (!now || !p->live || p->zombie)
            return false; /* the process is gone, or the answer comes later */
        if (sig_deliverable(p)) {
            (void)sig_at_return(p, &f, reply_fs); /* a handler runs first */
            return false;
        }
        if (p->restore_mask) {
            p->sigmask = p->saved_mask;
            p->restore_mask = false;
        }
        if (reply_fs) {
            for (unsigned i = 0; i < 12; i++)
                l4_set_mr(i, w[i]);
            (void)l4_send(reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 11));
        } else {
            defer_reply(reply, 1, &f.nr); /* with the next receive */
        }
        return true;
    }
    l4_word_t vector = l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR);
    l4_word_t code = l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE);
    l4_word_t addr = l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS);
    l4_word_t rip = l4_get_mr(L4_FAULT_EXCEPTION_MR_CONTEXT);
    int r = vector == 14 ? mm_fault(&p->mm, addr, code & 2, code & 16) : -1;
    if (r == 0) {
        defer_reply(reply, 0, NULL); /* the thread retries, after the next receive */
        return true;
    }
    if (r == MM_FAULT_SIGBUS) {
        sig_fault(p, LINUX_SIGBUS, 2 /* BUS_ADRERR */, addr, vector, code);
        return false;
    }
    int sig = signal_of(vector), si_code = LINUX_SI_KERNEL;
    if (vector == 14)
        si_code = mm_find_vma(&p->mm, addr) ? LINUX_SEGV_ACCERR : LINUX_SEGV_MAPERR;
    else if (vector == 0 || vector == 3)
        si_code = 1; /* FPE_INTDIV, TRAP_BRKPT */
    else if (vector == 6)
        si_code = 2; /* ILL_ILLOPN */
    /* si_addr: the address of a page fault, the instruction of the rest
     * (none for a general protection fault, as Linux gives) */
    sig_fault(p, sig, si_code, vector == 14 ? addr : (sig == 11 ? 0 : rip), vector, code);
    return false;
}

/* The virtual interrupt controller (docs/paravirt-abi.md): the upcall
 * handler takes every pending line, with the virtual IF off; the console
 * line means input, the timer line deadlines and the end of a slice. */
static struct l4_pv_irq *virq;
static uint64_t timer_armed; /* the virtual timer's deadline; 0: not armed */

static void upcall(void)
{
    if (!virq)
        return;
    for (;;) {
        unsigned long f = l4_pv_irq_save(virq);
        uint64_t all = 0, lines;
        do {
            while ((lines = l4_pv_irq_take(virq)) != 0)
                all |= lines;
        } while (l4_pv_irq_upcall_done(virq));
        if (all & (UINT64_C(1) << L4_PV_IRQ_LINE_CONSOLE)) {
            if (!shim.host)
                tty_input();
            tty_wake();
        }
        if (all & (UINT64_C(1) << L4_PV_IRQ_LINE_TIMER)) {
            timer_armed = 0; /* it fired */
            sleep_wake();
        }
        sched_dispatch(); /* a slice ended: the next one runs */
        if (!l4_pv_irq_restore(virq, f))
            return;
    }
}

/* cli and sti around an event: what the upcall touches (the run queue,
 * sleepers, parked calls) changes only with the virtual IF off; an upcall
 * that came meanwhile runs at the sti. */
static unsigned long irq_save(void)
{
    return virq ? l4_pv_irq_save(virq) : L4_PV_IRQ_FLAGS_DISABLED;
}

static void irq_restore(unsigned long f)
{
    if (virq && l4_pv_irq_restore(virq, f))
        upcall();
}

/* --- Sleeping processes: the virtual timer, armed for the earliest ---------- */

struct sleeper {
    bool used;
    int pid;
    uint64_t deadline; /* ns on the PV clock */
    l4_word_t reply;
};
static struct sleeper sleepers[SHIM_MAX_PROCS];
/* Every used entry is below sleepers_hi (it grows as entries are taken, the
 * loops stop there: with few waiting, a wake-up looks at few entries). */
static unsigned sleepers_hi;

/* Lower sleepers_hi past the entries freed at the end. */
static void trim_sleepers(void)
{
    while (sleepers_hi && !sleepers[sleepers_hi - 1].used)
        sleepers_hi--;
}

uint64_t shim_now_ns(void)
{
    static const struct l4_pv_page *pv;
    if (!pv) {
        l4_word_t size = 0;
        pv = l4_rt_shared_page(L4_PLAT_PAGE_PV, &size);
    }
    if (!pv || pv->magic != L4_PV_PAGE_MAGIC)
        return 0;
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return l4_pv_clock_read(&pv->clock, (uint64_t)hi << 32 | lo);
}

/* The virtual timer for the earliest deadline: sleepers, polls,
 * ITIMER_REAL and sigtimedwait, the running slice. One armed earlier is
 * left alone: when it fires, it is armed again for what is left. */
static void arm_timer(void)
{
    uint64_t first = vfs_next_deadline(), sig = sig_next_deadline(), fx = futex_next_deadline(),
             slice = sched_next_deadline();
    if (sig && (!first || sig < first))
        first = sig;
    if (fx && (!first || fx < first))
        first = fx;
    if (slice && (!first || slice < first))
        first = slice;
    trim_sleepers();
    for (unsigned i = 0; i < sleepers_hi; i++)
        if (sleepers[i].used && (!first || sleepers[i].deadline < first))
            first = sleepers[i].deadline;
    l4_word_t x;
    if (shim.irq == L4_CPTR_NULL || (first && timer_armed && timer_armed <= first))
        return;
    if (first) {
        if (irq_timer_set(shim.irq, first, &x) == L4_NO_ERROR)
            timer_armed = first;
    } else if (timer_armed) {
        (void)irq_timer_cancel(shim.irq, &x);
        timer_armed = 0;
    }
}

void shim_timer_changed(void)
{
    arm_timer();
}

void shim_timer_at(uint64_t deadline)
{
    if (!timer_armed || timer_armed > deadline)
        arm_timer();
}

void sleep_wake(void)
{
    uint64_t now = shim_now_ns();
    vfs_expire(now);
    sig_expire(now);
    futex_expire(now);
    trim_sleepers();
    for (unsigned i = 0; i < sleepers_hi; i++)
        if (sleepers[i].used && sleepers[i].deadline <= now) {
            sleepers[i].used = false;
            shim_answer(sleepers[i].reply, 0);
        }
    sched_tick(now);
    arm_timer();
}

long shim_sleep(struct process *p, uint64_t ns)
{
    if (!virq || shim.irq == L4_CPTR_NULL)
        return -LINUX_ENOSYS;
    if (ns == 0)
        return 0;
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (!sleepers[i].used) {
            if (i >= sleepers_hi)
                sleepers_hi = i + 1;
            l4_word_t r = shim_keep_reply();
            if (!r)
                return -LINUX_EAGAIN;
            sleepers[i] = (struct sleeper){true, p->pid, shim_now_ns() + ns, r};
            arm_timer();
            return SHIM_BLOCKED;
        }
    return -LINUX_EAGAIN;
}

uint64_t sleep_cancel(struct process *p)
{
    uint64_t left = 0, now = shim_now_ns();
    trim_sleepers();
    for (unsigned i = 0; i < sleepers_hi; i++)
        if (sleepers[i].used && sleepers[i].pid == p->pid) {
            sleepers[i].used = false;
            shim_release_reply(sleepers[i].reply);
            left = sleepers[i].deadline > now ? sleepers[i].deadline - now : 0;
        }
    return left;
}

void sleep_forget(struct process *p)
{
    (void)sleep_cancel(p);
}

static void irq_init(void)
{
    l4_word_t size = 0;
    struct l4_pv_page *pv = l4_rt_shared_page(L4_PLAT_PAGE_PV, &size);
    if (!pv || pv->magic != L4_PV_PAGE_MAGIC || shim.upcall == L4_CPTR_NULL)
        return;
    if (l4_tcb_bind_notification(l4_rt_start_info()->tcb, shim.upcall) != L4_NO_ERROR)
        return;
    virq = &pv->irq;
    (void)l4_pv_irq_unmask(virq, L4_PV_IRQ_LINE_CONSOLE);
    (void)l4_pv_irq_unmask(virq, L4_PV_IRQ_LINE_TIMER);
    irq_restore(0); /* sti */
}

/* Split init's command line into argv: words separated by spaces, a
 * word in single or double quotes kept whole (no escapes). In place. */
static int split(char *line, const char **argv)
{
    int argc = 0;
    char *s = line, *d = line;
    while (*s && argc < MAX_ARGS - 1) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        argv[argc++] = d;
        while (*s && *s != ' ') {
            if (*s == '"' || *s == '\'') {
                char q = *s++;
                while (*s && *s != q)
                    *d++ = *s++;
                if (*s)
                    s++;
            } else {
                *d++ = *s++;
            }
        }
        if (*s)
            s++;
        *d++ = 0;
    }
    argv[argc] = NULL;
    return argc;
}

int main(int argc, char **argv)
{
    const struct l4_start_info *si = l4_rt_start_info();
    shim.name = l4_rt_getenv(L4_PLAT_ENV_COMPARTMENT);
    const char *console_kind = l4_rt_getenv(L4_PLAT_ENV_CONSOLE);
    shim.host = console_kind && strcmp(console_kind, "host") == 0;
    shim.mem = l4_rt_cap(L4_PLAT_CAP_MEM);
    shim.console = l4_rt_cap(L4_PLAT_CAP_CONSOLE);
    shim.root = l4_rt_cap(L4_PLAT_CAP_ROOT);
    shim.irq = l4_rt_cap(L4_PLAT_CAP_IRQ);
    shim.upcall = l4_rt_cap(L4_PLAT_CAP_UPCALL);
    shim.cnode = si->cnode;
    next_slot = si->free_first;
    end_slot = si->free_first + si->free_count;
    const struct l4_start_cap *rc = l4_start_info_cap(si, L4_PLAT_CAP_REPLIES);
    if (rc && rc->slot < si->free_first) {
        shim.reply_first = rc->slot;
        shim.nreplies = (unsigned)(si->free_first - rc->slot);
    }
    l4_word_t x;
    if (!shim.mem || !shim.nreplies ||
        mem_info(shim.mem, &shim.phys_pages, &x, &x, &x, &x, &x, &x) != L4_NO_ERROR ||
        shim.phys_pages < 64) {
        l4_printf("shim: no memory server, Reply objects or pseudo-physical pages\n");
        shim_exit_compartment(127);
    }
    /* the first pages are the shim's heap, the rest the processes' */
    l4_word_t heap = shim.phys_pages / 4 < HEAP_PAGES_MAX ? shim.phys_pages / 4 : HEAP_PAGES_MAX;
    if (l4_rt_heap_init((void *)(uintptr_t)L4_PLAT_PHYS_BASE, heap * SHIM_PAGE) != 0 ||
        pmem_init(heap, shim.phys_pages - heap) != 0 || proc_init(heap * SHIM_PAGE) != 0) {
        l4_printf("shim: cannot set up its heap\n");
        shim_exit_compartment(127);
    }
    tty_init();
    uint8_t seed[L4_RANDOM_SEED_BYTES] = {0};
    const char *entropy = l4_rt_getenv(L4_PLAT_ENV_ENTROPY);
    if (!entropy || !l4_random_unhex(entropy, seed))
        shim_log("no entropy seed: random bytes are predictable");
    l4_random_init(&rng, seed);
    memset(seed, 0, sizeof seed);
    const char *initrd = l4_rt_getenv(L4_PLAT_ENV_INITRAMFS);
    if (initrd) {
        shim.initrd = (const uint8_t *)(uintptr_t)L4_PLAT_INITRAMFS_VA;
        shim.initrd_size = strtoul(initrd, 0, 10);
    }
    if (vfs_init() != 0)
        shim_log("the initramfs could not be unpacked: files will be missing");
    if (vdso_init() != 0)
        shim_log("no vDSO: clocks are read with system calls");
    const char *prio = l4_rt_getenv(L4_PLAT_ENV_PRIORITY);
    unsigned long pr = prio ? strtoul(prio, 0, 10) : 2;
    shim.priority = (uint8_t)(pr > 1 ? pr - 1 : 1); /* below the shim: it preempts them */
    shim.ep = shim_slot();
    l4_word_t h;
    if (mem_object_create(shim.mem, L4_OBJECT_ENDPOINT, shim.cnode, shim.ep, &h) != L4_NO_ERROR) {
        shim_log("no endpoint for its processes");
        shim_exit_compartment(127);
    }

    irq_init();
    sig_init();
    char line[256];
    snprintf(line, sizeof line, "%s", argc > 1 ? argv[1] : "/init");
    const char *pargv[MAX_ARGS];
    int pargc;
    size_t argsize = 0;
    int argerr = 0;
    char *args = line[0] == '@' ? vfs_read_file(line + 1, &argsize, &argerr) : NULL;
    if (args) {
        /* "@FILE": the arguments are FILE's NUL-terminated strings (how
         * tools/tessera run -- PROG passes any bytes, spaces included) */
        pargc = 0;
        for (size_t i = 0; i < argsize && pargc < MAX_ARGS - 1;) {
            pargv[pargc++] = args + i;
            while (i < argsize && args[i])
                i++;
            i++;
        }
        pargv[pargc] = NULL;
        if (argsize == 0 || args[argsize - 1] != 0)
            pargc = 0; /* not NUL-terminated: refused */
    } else {
        pargc = split(line, pargv);
    }
    static const char *const envp[] = {"HOME=/", "PATH=/bin:/sbin:/usr/bin:/usr/sbin",
                                       "TERM=vt100"};
    unsigned long flags = irq_save();
    struct process *init = pargc ? proc_spawn(pargv[0], pargc, pargv, 3, envp) : NULL;
    irq_restore(flags);
    if (!init)
        shim_exit_compartment(127);
    /* init leads the session whose controlling terminal this is */
    extern struct shim_tty shim_tty;
    shim_tty.fg_pgrp = init->pgrp;

    for (;;) {
        l4_word_t badge = 0;
        l4_msginfo_t info;
        l4_cptr_t reply = shim.reply_first + reply_cur;
        l4_error_t e;
        if (deferred.set && deferred.reply == reply) {
            /* answer the last call and receive the next in one */
            deferred.set = false;
            for (unsigned i = 0; i < deferred.len; i++)
                l4_set_mr(i, deferred.w[i]);
            e = l4_reply_recv(shim.ep, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, deferred.len),
                              reply, &badge, &info);
        } else {
            shim_flush_reply();
            e = l4_recv(shim.ep, reply, &badge, &info);
        }
        if (e != L4_NO_ERROR)
            continue;
        unsigned long f = irq_save();
        struct process *p = NULL;
        if (l4_msginfo_get_label(info) == 0 && l4_msginfo_get_length(info) == 0)
            upcall(); /* the bound notification: the interrupt server's */
        else
            p = proc_by_pid((int)badge); /* NULL: gone, and its thread too */
        if (p) {
            int pid = p->pid;
            proc_acct_enter(p);
            sched_fault_begin(p);
            bool answered = handle_fault(p, info, reply);
            sched_fault_end(pid, answered);
            proc_acct_leave(p, answered);
        }
        sched_dispatch(); /* the CPU is free: the next one runs */
        irq_restore(f);
    }
}
