/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 signals: the rt_sigframe a handler runs on, sigsets, and
 * the default actions.
 *
 * The frame (arch/x86/kernel/signal_64.c, uapi asm/sigcontext.h,
 * asm-generic/ucontext.h, asm-generic/siginfo.h), from the new rsp up:
 *
 *   rsp ->  pretcode          the handler's return address: sa_restorer
 *           ucontext          uc_flags, uc_link, uc_stack, uc_mcontext (the
 *                             interrupted registers, Linux's sigcontext
 *                             order), uc_sigmask (the mask to restore)
 *           siginfo           128 bytes
 *           ... (alignment)
 *           fpstate           512-byte fxsave image, 64-byte aligned;
 *                             uc_mcontext.fpstate points here
 *           ... 128-byte red zone below the interrupted rsp
 *
 * with (rsp + 8) 16-byte aligned, as at any function entry, and rdi = the
 * signal, rsi = &siginfo, rdx = &ucontext, rax = 0.
 *
 * Interface: shim_signal_build_frame() lays the frame out for a register
 * set, FPU image, siginfo and sigaction, into a buffer the shim then
 * copies to the process; shim_signal_parse_frame() is rt_sigreturn: from
 * the frame bytes at the process's rsp - 8 it recovers the registers (only
 * the flags a process may set, user segments), the mask and the fpstate
 * address; the shim then reads the FPU image there and passes it through
 * shim_signal_sanitize_fx(). Everything read back is the process's choice
 * and is checked. Pure. See docs/linux/signal.md.
 */
#ifndef SHIM_SIGNAL_H
#define SHIM_SIGNAL_H

#include <stddef.h>
#include <stdint.h>
#include <shim/linux_abi.h>

/* The register set the shim keeps per thread (what the kernel's exception
 * IPC gives and takes); the first 17 in sigcontext order. */
struct shim_regs {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip, rflags;
};

/* uapi asm/sigcontext.h, struct sigcontext (64-bit): 256 bytes. */
struct shim_sigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
    uint64_t rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* address of the fxsave image */
    uint64_t reserved1[8];
};

/* stack_t; a thread's sigaltstack settings as stored (size 0: none) */
struct shim_stack {
    uint64_t ss_sp;
    int32_t ss_flags;
    uint32_t pad;
    uint64_t ss_size;
};

/* The kernel's struct ucontext (asm-generic/ucontext.h). */
struct shim_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    struct shim_stack uc_stack;
    struct shim_sigcontext uc_mcontext;
    uint64_t uc_sigmask;
};

/* siginfo_t: signo, errno, code, then (at 16) one of the unions. */
struct shim_siginfo {
    int32_t si_signo, si_errno, si_code, pad0;
    union {
        struct {
            int32_t pid;
            uint32_t uid;
            uint64_t value; /* sigval of rt signals (sigqueue) */
        } kill;
        struct {
            int32_t pid;
            uint32_t uid;
            int32_t status;
            int32_t pad;
            int64_t utime, stime;
        } chld;
        struct {
            uint64_t addr;
        } fault;
        struct {
            int64_t band;
            int32_t fd;
        } poll;
        struct {
            uint64_t call_addr;
            int32_t syscall;
            uint32_t arch;
        } sys;
        uint8_t raw[112];
    } u;
};

/* struct rt_sigframe of arch/x86/include/asm/sigframe.h */
struct shim_rt_sigframe {
    uint64_t pretcode;
    struct shim_ucontext uc;
    struct shim_siginfo info;
};

_Static_assert(sizeof(struct shim_sigcontext) == 256, "sigcontext");
_Static_assert(offsetof(struct shim_sigcontext, rip) == 128, "sigcontext.rip");
_Static_assert(offsetof(struct shim_sigcontext, cs) == 144, "sigcontext.cs");
_Static_assert(offsetof(struct shim_sigcontext, fpstate) == 184, "sigcontext.fpstate");
_Static_assert(sizeof(struct shim_stack) == 24, "stack_t");
_Static_assert(offsetof(struct shim_ucontext, uc_mcontext) == 40, "uc_mcontext");
_Static_assert(offsetof(struct shim_ucontext, uc_sigmask) == 296, "uc_sigmask");
_Static_assert(sizeof(struct shim_ucontext) == 304, "ucontext");
_Static_assert(sizeof(struct shim_siginfo) == 128, "siginfo_t");
_Static_assert(offsetof(struct shim_siginfo, u) == 16, "siginfo union");
_Static_assert(offsetof(struct shim_siginfo, u.chld.status) == 24, "si_status");
_Static_assert(offsetof(struct shim_siginfo, u.chld.utime) == 32, "si_utime");
_Static_assert(offsetof(struct shim_rt_sigframe, info) == 312, "rt_sigframe.info");
_Static_assert(sizeof(struct shim_rt_sigframe) == 440, "rt_sigframe");

#define SHIM_FXSAVE_SIZE          512
#define SHIM_XSAVE_MAX            832 /* x87, SSE and AVX: what the kernel keeps */
#define SHIM_REDZONE              128
#define SHIM_UC_SIGCONTEXT_SS     0x2
#define SHIM_UC_STRICT_RESTORE_SS 0x4
#define SHIM_USER_CS              0x33 /* Linux __USER_CS and __USER_DS */
#define SHIM_USER_DS              0x2b
/* The most a frame and its fpstate take: the buffer size to pass. */
#define SHIM_SIGFRAME_MAX (sizeof(struct shim_rt_sigframe) + 16 + 64 + SHIM_XSAVE_MAX + 4)

/* The kernel's struct sigaction for rt_sigaction on x86-64. */
struct shim_sigaction {
    uint64_t handler; /* or LINUX_SIG_DFL (0), LINUX_SIG_IGN (1) */
    uint64_t flags;   /* LINUX_SA_* */
    uint64_t restorer;
    uint64_t mask;
};
#define SHIM_SIG_DFL 0
#define SHIM_SIG_IGN 1

/* What the handler is started with. */
struct shim_sigframe_out {
    uint64_t frame;        /* lowest address written: the new rsp */
    uint64_t size;         /* bytes from frame on, in buf */
    uint64_t fpstate;      /* where the FPU image went */
    struct shim_regs regs; /* the handler's registers */
    uint64_t blocked;      /* the mask while it runs */
    int disarm;            /* SS_AUTODISARM: the thread's alternate stack is now reset */
};

/*
 * Lay out a frame for delivering info->si_signo with act, interrupting
 * regs/fx, with blocked the mask before delivery and alt the thread's
 * sigaltstack. trapno, err and cr2 fill the
 * sigcontext's trapno/err/cr2 (0 for a signal that is not a fault). The
 * thread's alternate stack is alt as sigaltstack() stored it ({0, 0, 0} or
 * {0, SS_DISABLE, 0} when there is none: size 0 is none).
 * buf takes out->size bytes (at most SHIM_SIGFRAME_MAX). Returns 0, or
 * -LINUX_EFAULT when Linux would force SIGSEGV instead: no SA_RESTORER, or
 * the frame runs off the alternate stack or below address 0.
 */
int shim_signal_build_frame(const struct shim_regs *regs, const uint8_t fx[SHIM_FXSAVE_SIZE],
                            const struct shim_siginfo *info, const struct shim_sigaction *act,
                            uint64_t blocked, const struct shim_stack *alt, uint64_t trapno,
                            uint64_t err, uint64_t cr2, uint8_t *buf,
                            struct shim_sigframe_out *out);

/*
 * The same with an FPU image of fpsize bytes: 512 (fxsave, as above) or an
 * xsave image in the standard form (legacy region, header, components;
 * at most SHIM_XSAVE_MAX), laid out as Linux does on a CPU with xsave:
 * uc_flags has UC_FP_XSTATE, the image's software-reserved bytes say
 * FP_XSTATE_MAGIC1, its size and xfeatures, FP_XSTATE_MAGIC2 follows it.
 * -LINUX_EINVAL for another size.
 */
int shim_signal_build_frame_x(const struct shim_regs *regs, const uint8_t *fx, size_t fpsize,
                              uint64_t xfeatures, const struct shim_siginfo *info,
                              const struct shim_sigaction *act, uint64_t blocked,
                              const struct shim_stack *alt, uint64_t trapno, uint64_t err,
                              uint64_t cr2, uint8_t *buf, struct shim_sigframe_out *out);

struct shim_sigreturn {
    struct shim_regs regs;
    uint64_t blocked;        /* uc_sigmask without SIGKILL and SIGSTOP */
    uint64_t fpstate;        /* where to read the FPU image (0: none) */
    struct shim_stack stack; /* uc_stack, for sigaltstack's restore */
};

/* rt_sigreturn: frame is the 440 bytes at rsp - 8 of the process, cur its
 * registers now (the untouchable flag bits come from there). -LINUX_EFAULT
 * (the shim sends SIGSEGV) for a non-canonical or kernel-half rip or
 * fpstate not 16-byte aligned. */
int shim_signal_parse_frame(const struct shim_rt_sigframe *frame, const struct shim_regs *cur,
                            struct shim_sigreturn *out);
/* Makes an fxsave image from the process safe to load: MXCSR's reserved
 * bits cleared (a set one faults fxrstor), the software area zeroed. */
void shim_signal_sanitize_fx(uint8_t fx[SHIM_FXSAVE_SIZE]);
/* rt_sigreturn's FPU image at fpstate, of which avail bytes were read: the
 * size the frame claims, checked as Linux checks it (magic1, sizes within
 * SHIM_XSAVE_MAX, magic2 after the image): an xsave image's size, or 512
 * (the legacy region only), or 0 if fewer than 512 bytes were given. */
size_t shim_signal_frame_fpsize(const uint8_t *img, size_t avail);
/* An xsave image from the process made safe to load: the legacy region as
 * shim_signal_sanitize_fx(), XSTATE_BV within features, XCOMP_BV and the
 * header's reserved bytes zero. */
void shim_signal_sanitize_xstate(uint8_t *img, size_t size, uint64_t features);

/* ---- Sets, actions, choice ------------------------------------------------ */

static inline uint64_t shim_sigbit(int sig)
{
    return (sig >= 1 && sig <= LINUX_NSIG) ? UINT64_C(1) << (sig - 1) : 0;
}
#define SHIM_SIG_UNBLOCKABLE                                                                       \
    (UINT64_C(1) << (LINUX_SIGKILL - 1) | UINT64_C(1) << (LINUX_SIGSTOP - 1))

enum shim_sig_default {
    SHIM_SIG_TERM, /* terminate */
    SHIM_SIG_CORE, /* terminate with a core dump (reported as such to wait) */
    SHIM_SIG_IGNORE,
    SHIM_SIG_STOP,
    SHIM_SIG_CONT,
};
/* The default action of a valid signal (1..64). */
enum shim_sig_default shim_signal_default(int sig);
/* The signal to deliver next from pending & ~blocked: synchronous faults
 * first (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS), then the lowest
 * number, as Linux's next_signal(); 0 if none. */
int shim_signal_next(uint64_t pending, uint64_t blocked);
/* rt_sigaction's checks: -LINUX_EINVAL for a bad number, or for changing
 * SIGKILL or SIGSTOP; 0 otherwise. */
int shim_signal_check_action(int sig, const struct shim_sigaction *act);

#endif
