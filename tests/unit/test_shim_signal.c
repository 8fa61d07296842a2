/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's signal/ (<shim/signal.h>): the rt_sigframe
 * against the one the host's Linux builds for a real handler (the same
 * ucontext and siginfo bytes for the same inputs, the same placement
 * rules), the handler's registers and mask, the alternate stack, the
 * refusals, sigreturn's checks and flag filtering, the FPU image
 * sanitising, default actions and the choice of the next signal.
 */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>
#include <shim/signal.h>
#include "suites.h"

/* The shim's structures against the host C library's view of them. */
START_TEST(signal_layout_matches_host_headers)
{
    ck_assert_uint_eq(offsetof(ucontext_t, uc_mcontext),
                      offsetof(struct shim_ucontext, uc_mcontext));
    ck_assert_uint_eq(offsetof(ucontext_t, uc_stack), offsetof(struct shim_ucontext, uc_stack));
    ck_assert_uint_eq(offsetof(ucontext_t, uc_sigmask), offsetof(struct shim_ucontext, uc_sigmask));
    ck_assert_uint_eq(sizeof(stack_t), sizeof(struct shim_stack));
    ck_assert_uint_eq(offsetof(stack_t, ss_size), offsetof(struct shim_stack, ss_size));
    ck_assert_uint_eq(sizeof(siginfo_t), sizeof(struct shim_siginfo));
    ck_assert_uint_eq(offsetof(siginfo_t, si_pid), offsetof(struct shim_siginfo, u.kill.pid));
    ck_assert_uint_eq(offsetof(siginfo_t, si_uid), offsetof(struct shim_siginfo, u.kill.uid));
    ck_assert_uint_eq(offsetof(siginfo_t, si_status), offsetof(struct shim_siginfo, u.chld.status));
    ck_assert_uint_eq(offsetof(siginfo_t, si_utime), offsetof(struct shim_siginfo, u.chld.utime));
    ck_assert_uint_eq(offsetof(siginfo_t, si_addr), offsetof(struct shim_siginfo, u.fault.addr));
    ck_assert_uint_eq(offsetof(siginfo_t, si_value), offsetof(struct shim_siginfo, u.kill.value));
    ck_assert_uint_eq(offsetof(siginfo_t, si_band), offsetof(struct shim_siginfo, u.poll.band));
    ck_assert_uint_eq(offsetof(siginfo_t, si_fd), offsetof(struct shim_siginfo, u.poll.fd));
    /* glibc's gregs[] is the sigcontext, REG_* in Linux's order */
    static const struct {
        int reg;
        size_t off;
    } regs[] = {
        {REG_R8, offsetof(struct shim_sigcontext, r8)},
        {REG_R15, offsetof(struct shim_sigcontext, r15)},
        {REG_RDI, offsetof(struct shim_sigcontext, rdi)},
        {REG_RSI, offsetof(struct shim_sigcontext, rsi)},
        {REG_RBP, offsetof(struct shim_sigcontext, rbp)},
        {REG_RBX, offsetof(struct shim_sigcontext, rbx)},
        {REG_RDX, offsetof(struct shim_sigcontext, rdx)},
        {REG_RAX, offsetof(struct shim_sigcontext, rax)},
        {REG_RCX, offsetof(struct shim_sigcontext, rcx)},
        {REG_RSP, offsetof(struct shim_sigcontext, rsp)},
        {REG_RIP, offsetof(struct shim_sigcontext, rip)},
        {REG_EFL, offsetof(struct shim_sigcontext, eflags)},
        {REG_CSGSFS, offsetof(struct shim_sigcontext, cs)},
        {REG_ERR, offsetof(struct shim_sigcontext, err)},
        {REG_TRAPNO, offsetof(struct shim_sigcontext, trapno)},
        {REG_OLDMASK, offsetof(struct shim_sigcontext, oldmask)},
        {REG_CR2, offsetof(struct shim_sigcontext, cr2)},
    };
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++)
        ck_assert_uint_eq(8 * (size_t)regs[i].reg, regs[i].off);
    ck_assert_uint_eq(offsetof(mcontext_t, fpregs), offsetof(struct shim_sigcontext, fpstate));
    ck_assert_uint_eq(sizeof(struct _libc_fpstate), SHIM_FXSAVE_SIZE);
    ck_assert_uint_eq(offsetof(struct _libc_fpstate, mxcsr), 24);
}
END_TEST

/* ---- The host's Linux as the oracle -------------------------------------- */

static unsigned char native_frame[sizeof(struct shim_rt_sigframe)];
static unsigned char native_fx[SHIM_FXSAVE_SIZE];
static volatile uint64_t native_frame_addr, native_fpstate, native_rdi, native_rsi, native_rdx;
static volatile uint64_t native_mask_inside;
static volatile int native_alt_flags_inside;

static void handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    native_frame_addr = (uint64_t)uc - 8;
    memcpy(native_frame, (void *)native_frame_addr, sizeof native_frame);
    native_fpstate = (uint64_t)uc->uc_mcontext.fpregs;
    memcpy(native_fx, uc->uc_mcontext.fpregs, sizeof native_fx);
    native_rdi = (uint64_t)sig;
    native_rsi = (uint64_t)si;
    native_rdx = (uint64_t)uc;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    memcpy((void *)&native_mask_inside, &now, 8);
    stack_t ss;
    sigaltstack(NULL, &ss);
    native_alt_flags_inside = ss.ss_flags;
}

/* Variants: 0 plain; 1 SA_ONSTACK on an alternate stack; 2 the same with
 * SS_AUTODISARM; 3 SA_NODEFER. */
START_TEST(signal_frame_matches_linux)
{
    static char altmem[256 * 1024] __attribute__((aligned(64)));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | (_i == 1 || _i == 2 ? SA_ONSTACK : 0) | (_i == 3 ? SA_NODEFER : 0);
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    if (_i == 1 || _i == 2) {
        stack_t ss = {altmem, _i == 2 ? (int)LINUX_SS_AUTODISARM : 0, sizeof altmem};
        ck_assert_int_eq(sigaltstack(&ss, NULL), 0);
    }
    /* the thread's alternate stack before delivery (the test runner may
     * have one too: sanitizers set one); sigaltstack() reports flags
     * computed from it, the shim is given them as stored */
    stack_t host_alt;
    ck_assert_int_eq(sigaltstack(NULL, &host_alt), 0);
    struct shim_stack alt = {(uint64_t)host_alt.ss_sp,
                             host_alt.ss_flags & ~(SS_DISABLE | SS_ONSTACK), 0, host_alt.ss_size};
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
    ck_assert_int_eq(raise(SIGUSR1), 0);
    ck_assert_uint_ne(native_frame_addr, 0);
    if (_i == 1 || _i == 2) {
        /* Linux put the frame and its FPU state on the alternate stack */
        ck_assert_uint_ge(native_frame_addr, (uint64_t)altmem);
        ck_assert_uint_lt(native_fpstate, (uint64_t)altmem + sizeof altmem);
    }
    if (_i == 2) /* and disarmed it while the handler ran (sigreturn re-arms it) */
        ck_assert_int_eq(native_alt_flags_inside & SS_DISABLE, SS_DISABLE);
    if (_i == 1) /* the handler knows it is on it */
        ck_assert_int_eq(native_alt_flags_inside & SS_ONSTACK, SS_ONSTACK);

    const struct shim_rt_sigframe *nf = (const void *)native_frame;
    /* Linux's placement rules, seen on the host (its fpstate is an xsave
     * area, larger than ours, but the frame sits below it the same way) */
    ck_assert_uint_eq((native_frame_addr + 8) % 16, 0);
    ck_assert_uint_eq(native_fpstate % 64, 0);
    ck_assert_uint_eq(native_frame_addr,
                      ((native_fpstate - sizeof(struct shim_rt_sigframe)) & ~UINT64_C(15)) - 8);
    ck_assert_uint_eq(native_rsi, native_frame_addr + offsetof(struct shim_rt_sigframe, info));
    ck_assert_uint_eq(native_rdx, native_frame_addr + offsetof(struct shim_rt_sigframe, uc));
    ck_assert_uint_eq(nf->uc.uc_mcontext.fpstate, native_fpstate);
    ck_assert_uint_eq(nf->uc.uc_mcontext.cs, SHIM_USER_CS);
    ck_assert_uint_eq(nf->uc.uc_mcontext.ss, SHIM_USER_DS);

    /* The same inputs to the shim's builder */
    struct shim_regs regs;
    memcpy(&regs, &nf->uc.uc_mcontext, offsetof(struct shim_sigcontext, eflags));
    regs.rflags = nf->uc.uc_mcontext.eflags;
    struct shim_sigaction act;
    ck_assert_int_eq(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &act, 8), 0);
    ck_assert_uint_eq(act.flags & LINUX_SA_RESTORER, LINUX_SA_RESTORER);
    ck_assert_uint_eq(act.handler, (uint64_t)handler);
    const struct shim_sigcontext *nsc = &nf->uc.uc_mcontext;
    static uint8_t buf[SHIM_SIGFRAME_MAX];
    struct shim_sigframe_out out;
    ck_assert_int_eq(shim_signal_build_frame(&regs, native_fx, &nf->info, &act, nf->uc.uc_sigmask,
                                             &alt, nsc->trapno, nsc->err, nsc->cr2, buf, &out),
                     0);
    const struct shim_rt_sigframe *mf = (const void *)buf;
    /* the same bytes, but for the flags that say "xsave" and where the
     * (larger) native fpstate went */
    ck_assert_uint_eq(mf->pretcode, nf->pretcode);
    ck_assert_uint_eq(mf->uc.uc_flags | 1 /* UC_FP_XSTATE */, nf->uc.uc_flags | 1);
    ck_assert_mem_eq(&mf->uc.uc_link, &nf->uc.uc_link,
                     offsetof(struct shim_ucontext, uc_mcontext.fpstate) -
                         offsetof(struct shim_ucontext, uc_link));
    ck_assert_mem_eq(&mf->uc.uc_mcontext.reserved1, &nf->uc.uc_mcontext.reserved1,
                     sizeof(struct shim_rt_sigframe) -
                         offsetof(struct shim_rt_sigframe, uc.uc_mcontext.reserved1));
    ck_assert_int_eq(mf->info.si_signo, SIGUSR1);
    ck_assert_int_eq(mf->info.u.kill.pid, getpid());
    /* the FPU image: the first 464 bytes as saved */
    ck_assert_mem_eq(buf + (out.fpstate - out.frame), native_fx, 464);
    /* our own placement: 64-aligned fpstate under the red zone (or at the
     * top of the alternate stack), the frame below */
    uint64_t top = _i == 1 || _i == 2 ? (uint64_t)altmem + sizeof altmem : regs.rsp - 128;
    ck_assert_uint_eq(out.fpstate, (top - 512) & ~UINT64_C(63));
    ck_assert_int_eq(out.disarm, _i == 2);
    ck_assert_uint_eq(out.frame, ((out.fpstate - 440) & ~UINT64_C(15)) - 8);
    ck_assert_uint_eq(mf->uc.uc_mcontext.fpstate, out.fpstate);
    /* the handler's registers and mask, as the host gave them */
    ck_assert_uint_eq(out.regs.rdi, native_rdi);
    ck_assert_uint_eq(out.regs.rsi, out.frame + (native_rsi - native_frame_addr));
    ck_assert_uint_eq(out.regs.rdx, out.frame + (native_rdx - native_frame_addr));
    ck_assert_uint_eq(out.regs.rsp, out.frame);
    ck_assert_uint_eq(out.regs.rip, (uint64_t)handler);
    ck_assert_uint_eq(out.blocked, native_mask_inside);
    ck_assert_uint_eq(out.blocked & shim_sigbit(SIGUSR1), _i == 3 ? 0 : shim_sigbit(SIGUSR1));
    ck_assert_uint_eq(out.blocked & shim_sigbit(SIGUSR2), shim_sigbit(SIGUSR2));

    /* and sigreturn gives the interrupted state back */
    struct shim_sigreturn back;
    ck_assert_int_eq(shim_signal_parse_frame(mf, &out.regs, &back), 0);
    ck_assert_mem_eq(&back.regs, &regs, sizeof regs);
    ck_assert_uint_eq(back.blocked, nf->uc.uc_sigmask);
    ck_assert_uint_eq(back.fpstate, out.fpstate);
}
END_TEST

static struct shim_regs some_regs(void)
{
    struct shim_regs r;
    uint64_t *w = (uint64_t *)&r;
    for (unsigned i = 0; i < sizeof r / 8; i++)
        w[i] = 0x1000 + i;
    r.rsp = 0x7ffffff00008;
    r.rip = 0x401000;
    r.rflags = 0x202 | 0x400 | 0x100; /* IF, DF, TF */
    return r;
}

START_TEST(signal_frame_details)
{
    struct shim_regs r = some_regs();
    uint8_t fx[SHIM_FXSAVE_SIZE];
    memset(fx, 0xab, sizeof fx);
    struct shim_siginfo info = {.si_signo = LINUX_SIGSEGV, .si_code = LINUX_SEGV_MAPERR};
    info.u.fault.addr = 0xdead000;
    struct shim_sigaction act = {0x402000, LINUX_SA_SIGINFO | LINUX_SA_RESTORER, 0x403000,
                                 shim_sigbit(LINUX_SIGKILL) | shim_sigbit(LINUX_SIGHUP)};
    struct shim_stack none = {0, LINUX_SS_DISABLE, 0, 0};
    static uint8_t buf[SHIM_SIGFRAME_MAX];
    struct shim_sigframe_out out;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, shim_sigbit(LINUX_SIGUSR1), &none,
                                             14, 4, 0xdead000, buf, &out),
                     0);
    ck_assert_uint_le(out.size, SHIM_SIGFRAME_MAX);
    const struct shim_rt_sigframe *f = (const void *)buf;
    ck_assert_uint_eq(f->pretcode, 0x403000);
    ck_assert_uint_eq(f->uc.uc_mcontext.trapno, 14);
    ck_assert_uint_eq(f->uc.uc_mcontext.err, 4);
    ck_assert_uint_eq(f->uc.uc_mcontext.cr2, 0xdead000);
    ck_assert_uint_eq(f->uc.uc_mcontext.oldmask, shim_sigbit(LINUX_SIGUSR1));
    ck_assert_uint_eq(f->uc.uc_mcontext.rip, 0x401000);
    ck_assert_uint_eq(f->uc.uc_mcontext.rsp, r.rsp);
    ck_assert_uint_eq(f->uc.uc_mcontext.r15, r.r15);
    ck_assert_int_eq(f->uc.uc_stack.ss_flags, LINUX_SS_DISABLE);
    ck_assert_uint_eq(f->info.u.fault.addr, 0xdead000);
    /* the software area of the image is cleared; the rest is copied */
    ck_assert_uint_eq(buf[out.fpstate - out.frame + 463], 0xab);
    ck_assert_uint_eq(buf[out.fpstate - out.frame + 464], 0);
    /* handler state: DF, TF cleared; the mask adds sa_mask and the signal,
     * never SIGKILL */
    ck_assert_uint_eq(out.regs.rflags, 0x202);
    ck_assert_uint_eq(out.blocked, shim_sigbit(LINUX_SIGUSR1) | shim_sigbit(LINUX_SIGHUP) |
                                       shim_sigbit(LINUX_SIGSEGV));
    /* SA_NODEFER leaves the signal unblocked */
    act.flags |= LINUX_SA_NODEFER;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &none, 0, 0, 0, buf, &out), 0);
    ck_assert_uint_eq(out.blocked, shim_sigbit(LINUX_SIGHUP));
    /* no SA_RESTORER, or a stack pointer at the bottom: SIGSEGV instead */
    act.flags &= ~(uint64_t)LINUX_SA_RESTORER;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &none, 0, 0, 0, buf, &out),
                     -LINUX_EFAULT);
    act.flags |= LINUX_SA_RESTORER;
    r.rsp = 100;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &none, 0, 0, 0, buf, &out),
                     -LINUX_EFAULT);
}
END_TEST

START_TEST(signal_alternate_stack)
{
    struct shim_regs r = some_regs();
    uint8_t fx[SHIM_FXSAVE_SIZE] = {0};
    struct shim_siginfo info = {.si_signo = LINUX_SIGSEGV};
    struct shim_sigaction act = {0x402000, LINUX_SA_RESTORER | LINUX_SA_ONSTACK, 0x403000, 0};
    struct shim_stack alt = {0x600000, 0, 0, 0x4000};
    static uint8_t buf[SHIM_SIGFRAME_MAX];
    struct shim_sigframe_out out;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &alt, 0, 0, 0, buf, &out), 0);
    /* at the top of the alternate stack, no red zone there */
    ck_assert_uint_eq(out.fpstate, 0x604000 - 512);
    const struct shim_rt_sigframe *f = (const void *)buf;
    ck_assert_int_eq(f->uc.uc_stack.ss_flags, 0);
    ck_assert_uint_eq(f->uc.uc_stack.ss_sp, 0x600000);
    ck_assert_uint_eq(f->uc.uc_stack.ss_size, 0x4000);
    /* a nested signal on the alternate stack stays on it, below the frame */
    r.rsp = out.frame;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &alt, 0, 0, 0, buf, &out), 0);
    ck_assert_uint_lt(out.frame, r.rsp - 128);
    ck_assert_uint_gt(out.frame, 0x600000);
    ck_assert_int_eq(out.disarm, 0);
    /* SS_AUTODISARM: the stack is entered and the shim told to reset it */
    struct shim_stack autod = {0x600000, (int32_t)LINUX_SS_AUTODISARM, 0, 0x4000};
    r = some_regs();
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &autod, 0, 0, 0, buf, &out),
                     0);
    ck_assert_uint_eq(out.fpstate, 0x604000 - 512);
    ck_assert_int_eq(out.disarm, 1);
    ck_assert_int_eq(((const struct shim_rt_sigframe *)buf)->uc.uc_stack.ss_flags,
                     (int32_t)LINUX_SS_AUTODISARM);
    /* running off its bottom is SIGSEGV */
    r.rsp = 0x600000 + 600;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &alt, 0, 0, 0, buf, &out),
                     -LINUX_EFAULT);
    /* too small an alternate stack, and one that wraps */
    r = some_regs();
    alt.ss_size = 512;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &alt, 0, 0, 0, buf, &out),
                     -LINUX_EFAULT);
    alt.ss_sp = UINT64_MAX - 100;
    alt.ss_size = 0x4000;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &alt, 0, 0, 0, buf, &out),
                     -LINUX_EFAULT);
    /* without SA_ONSTACK the alternate stack is not used */
    alt = (struct shim_stack){0x600000, 0, 0, 0x4000};
    act.flags = LINUX_SA_RESTORER;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &alt, 0, 0, 0, buf, &out), 0);
    ck_assert_uint_gt(out.frame, 0x604000);
}
END_TEST

START_TEST(signal_sigreturn_checks)
{
    struct shim_regs r = some_regs(), cur = some_regs();
    uint8_t fx[SHIM_FXSAVE_SIZE] = {0};
    struct shim_siginfo info = {.si_signo = LINUX_SIGUSR1};
    struct shim_sigaction act = {0x402000, LINUX_SA_RESTORER, 0x403000, 0};
    struct shim_stack none = {0, LINUX_SS_DISABLE, 0, 0};
    static uint8_t buf[SHIM_SIGFRAME_MAX];
    struct shim_sigframe_out out;
    ck_assert_int_eq(shim_signal_build_frame(&r, fx, &info, &act, 0, &none, 0, 0, 0, buf, &out), 0);
    struct shim_rt_sigframe *f = (void *)buf;
    struct shim_sigreturn back;
    /* the handler changed its frame: every flag it may set is taken, the
     * others (IF, IOPL, VM, ...) stay as they are; SIGKILL and SIGSTOP
     * never become blocked */
    cur.rflags = 0x202;
    f->uc.uc_mcontext.eflags = 0xffffffff;
    f->uc.uc_sigmask = UINT64_MAX;
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), 0);
    ck_assert_uint_eq(back.regs.rflags, 0x202 | 0x50dd5); /* FIX_EFLAGS from the frame */
    ck_assert_uint_eq(back.blocked, UINT64_MAX & ~SHIM_SIG_UNBLOCKABLE);
    ck_assert_uint_eq(back.regs.rip, r.rip);
    ck_assert_int_eq(back.stack.ss_flags, LINUX_SS_DISABLE);
    /* a rip or fpstate the process cannot own: SIGSEGV */
    f->uc.uc_mcontext.rip = UINT64_C(1) << 47;
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), -LINUX_EFAULT);
    f->uc.uc_mcontext.rip = UINT64_C(0xffffffff80000000);
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), -LINUX_EFAULT);
    f->uc.uc_mcontext.rip = LINUX_TASK_SIZE; /* the top page of the lower half */
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), -LINUX_EFAULT);
    f->uc.uc_mcontext.rip = LINUX_TASK_SIZE - 1;
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), 0);
    f->uc.uc_mcontext.rip = 0x401000;
    f->uc.uc_mcontext.fpstate = out.fpstate + 8;
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), -LINUX_EFAULT);
    f->uc.uc_mcontext.fpstate = UINT64_C(0xffff800000000000);
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), -LINUX_EFAULT);
    f->uc.uc_mcontext.fpstate = 0; /* no FPU image: allowed */
    ck_assert_int_eq(shim_signal_parse_frame(f, &cur, &back), 0);
    ck_assert_uint_eq(back.fpstate, 0);
    /* an FPU image from the process: reserved MXCSR bits and the software
     * area cleared, the rest kept */
    uint8_t img[SHIM_FXSAVE_SIZE];
    memset(img, 0xff, sizeof img);
    shim_signal_sanitize_fx(img);
    uint32_t mxcsr;
    memcpy(&mxcsr, img + 24, 4);
    ck_assert_uint_eq(mxcsr, 0xffbf);
    ck_assert_uint_eq(img[0], 0xff);
    ck_assert_uint_eq(img[463], 0xff);
    for (int i = 464; i < SHIM_FXSAVE_SIZE; i++)
        ck_assert_uint_eq(img[i], 0);
}
END_TEST

START_TEST(signal_defaults_and_choice)
{
    ck_assert_int_eq(shim_signal_default(LINUX_SIGINT), SHIM_SIG_TERM);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGKILL), SHIM_SIG_TERM);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGPIPE), SHIM_SIG_TERM);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGSEGV), SHIM_SIG_CORE);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGQUIT), SHIM_SIG_CORE);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGSYS), SHIM_SIG_CORE);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGCHLD), SHIM_SIG_IGNORE);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGWINCH), SHIM_SIG_IGNORE);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGURG), SHIM_SIG_IGNORE);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGTSTP), SHIM_SIG_STOP);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGTTIN), SHIM_SIG_STOP);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGSTOP), SHIM_SIG_STOP);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGCONT), SHIM_SIG_CONT);
    ck_assert_int_eq(shim_signal_default(LINUX_SIGRTMIN + 3), SHIM_SIG_TERM);
    ck_assert_int_eq(shim_signal_default(LINUX_NSIG), SHIM_SIG_TERM);
    /* the next signal: faults first, then the lowest; blocked ones wait,
     * but SIGKILL and SIGSTOP cannot be blocked */
    uint64_t p =
        shim_sigbit(LINUX_SIGTERM) | shim_sigbit(LINUX_SIGSEGV) | shim_sigbit(LINUX_SIGHUP);
    ck_assert_int_eq(shim_signal_next(p, 0), LINUX_SIGSEGV);
    ck_assert_int_eq(shim_signal_next(p, shim_sigbit(LINUX_SIGSEGV)), LINUX_SIGHUP);
    ck_assert_int_eq(shim_signal_next(p, UINT64_MAX), 0);
    ck_assert_int_eq(shim_signal_next(shim_sigbit(LINUX_SIGKILL), UINT64_MAX), LINUX_SIGKILL);
    ck_assert_int_eq(shim_signal_next(shim_sigbit(64), 0), 64);
    ck_assert_int_eq(shim_signal_next(0, 0), 0);
    ck_assert_uint_eq(shim_sigbit(0), 0);
    ck_assert_uint_eq(shim_sigbit(65), 0);
    ck_assert_uint_eq(shim_sigbit(-1), 0);
    ck_assert_uint_eq(shim_sigbit(64), UINT64_C(1) << 63);
    /* rt_sigaction's refusals */
    struct shim_sigaction act = {SHIM_SIG_IGN, 0, 0, 0};
    ck_assert_int_eq(shim_signal_check_action(0, &act), -LINUX_EINVAL);
    ck_assert_int_eq(shim_signal_check_action(65, &act), -LINUX_EINVAL);
    ck_assert_int_eq(shim_signal_check_action(LINUX_SIGKILL, &act), -LINUX_EINVAL);
    ck_assert_int_eq(shim_signal_check_action(LINUX_SIGSTOP, &act), -LINUX_EINVAL);
    ck_assert_int_eq(shim_signal_check_action(LINUX_SIGKILL, NULL), 0); /* reading is fine */
    ck_assert_int_eq(shim_signal_check_action(LINUX_SIGINT, &act), 0);
}
END_TEST

/* An xsave frame: Linux's layout on a CPU with x87, SSE and AVX, read back
 * as rt_sigreturn reads it; corrupted software bytes fall back to fxsave. */
START_TEST(signal_xsave_frame)
{
    struct shim_regs r = some_regs();
    uint8_t img[SHIM_XSAVE_MAX];
    for (unsigned i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)(i * 7 + 1);
    uint64_t bv = 7;
    memcpy(img + 512, &bv, 8);
    struct shim_siginfo info = {.si_signo = LINUX_SIGUSR1};
    struct shim_sigaction act = {0x402000, LINUX_SA_RESTORER, 0x403000, 0};
    struct shim_stack none = {0, LINUX_SS_DISABLE, 0, 0};
    static uint8_t buf[SHIM_SIGFRAME_MAX];
    struct shim_sigframe_out out;
    ck_assert_int_eq(shim_signal_build_frame_x(&r, img, sizeof img, 7, &info, &act, 0, &none, 0, 0,
                                               0, buf, &out),
                     0);
    ck_assert_uint_le(out.size, SHIM_SIGFRAME_MAX);
    /* the image and its magic2 below the red zone, 64-aligned */
    ck_assert_uint_eq(out.fpstate, (r.rsp - 128 - (832 + 4)) & ~UINT64_C(63));
    ck_assert_uint_eq(out.frame, ((out.fpstate - 440) & ~UINT64_C(15)) - 8);
    ck_assert_uint_eq(out.size, out.fpstate + 836 - out.frame);
    const struct shim_rt_sigframe *f = (const void *)buf;
    ck_assert_uint_eq(f->uc.uc_flags & 1, 1); /* UC_FP_XSTATE */
    const uint8_t *fp = buf + (out.fpstate - out.frame);
    uint32_t w[5], magic2;
    memcpy(w, fp + 464, sizeof w);
    ck_assert_uint_eq(w[0], 0x46505853u); /* FP_XSTATE_MAGIC1 */
    ck_assert_uint_eq(w[1], 836);         /* extended size */
    ck_assert_uint_eq(w[2] | (uint64_t)w[3] << 32, 7);
    ck_assert_uint_eq(w[4], 832);
    memcpy(&magic2, fp + 832, 4);
    ck_assert_uint_eq(magic2, 0x46505845u);
    ck_assert_mem_eq(fp, img, 464);
    ck_assert_mem_eq(fp + 512, img + 512, 832 - 512); /* header and AVX halves */
    ck_assert_uint_eq(shim_signal_frame_fpsize(fp, 836), 832);
    /* read back short, or with a software byte or magic2 wrong: legacy */
    ck_assert_uint_eq(shim_signal_frame_fpsize(fp, 835), 512);
    ck_assert_uint_eq(shim_signal_frame_fpsize(fp, 100), 0);
    uint8_t bad[836];
    memcpy(bad, fp, sizeof bad);
    bad[832] ^= 1;
    ck_assert_uint_eq(shim_signal_frame_fpsize(bad, sizeof bad), 512);
    memcpy(bad, fp, sizeof bad);
    uint32_t huge = 4096;
    memcpy(bad + 480, &huge, 4);
    ck_assert_uint_eq(shim_signal_frame_fpsize(bad, sizeof bad), 512);
    /* a fxsave-only frame claims nothing */
    ck_assert_int_eq(
        shim_signal_build_frame_x(&r, img, 512, 0, &info, &act, 0, &none, 0, 0, 0, buf, &out), 0);
    ck_assert_uint_eq(((const struct shim_rt_sigframe *)buf)->uc.uc_flags & 1, 0);
    ck_assert_uint_eq(shim_signal_frame_fpsize(buf + (out.fpstate - out.frame), 836), 512);
    /* sizes between the two forms, or beyond what the kernel keeps */
    ck_assert_int_eq(
        shim_signal_build_frame_x(&r, img, 600 - 64, 7, &info, &act, 0, &none, 0, 0, 0, buf, &out),
        -LINUX_EINVAL);
    ck_assert_int_eq(
        shim_signal_build_frame_x(&r, img, 4096, 7, &info, &act, 0, &none, 0, 0, 0, buf, &out),
        -LINUX_EINVAL);
    /* sanitising: XSTATE_BV within the features, the rest of the header 0 */
    uint8_t x[SHIM_XSAVE_MAX];
    memset(x, 0xff, sizeof x);
    shim_signal_sanitize_xstate(x, sizeof x, 3);
    memcpy(&bv, x + 512, 8);
    ck_assert_uint_eq(bv, 3);
    for (int i = 520; i < 576; i++)
        ck_assert_uint_eq(x[i], 0);
    ck_assert_uint_eq(x[576], 0xff); /* the AVX halves as given */
    uint32_t mxcsr;
    memcpy(&mxcsr, x + 24, 4);
    ck_assert_uint_eq(mxcsr, 0xffbf);
}
END_TEST

Suite *shim_signal_suite(void)
{
    Suite *s = suite_create("shim_signal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, signal_layout_matches_host_headers);
    tcase_add_loop_test(tc, signal_frame_matches_linux, 0, 4);
    tcase_add_test(tc, signal_frame_details);
    tcase_add_test(tc, signal_xsave_frame);
    tcase_add_test(tc, signal_alternate_stack);
    tcase_add_test(tc, signal_sigreturn_checks);
    tcase_add_test(tc, signal_defaults_and_choice);
    suite_add_tcase(s, tc);
    return s;
}
