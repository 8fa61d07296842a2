/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 rt_sigframe, built and read back (see <shim/signal.h>).
 *
 * Placement follows get_sigframe(): below the red zone (or at the top of
 * the alternate stack when SA_ONSTACK asks and the thread is not on it
 * already), the FPU image 64-byte aligned (an xsave image followed by
 * FP_XSTATE_MAGIC2, as Linux lays out its fpstate), then the frame so
 * that (rsp + 8) is 16-byte aligned.
 */
#include <stdbool.h>
#include <string.h>
#include <shim/signal.h>

#define EFLAGS_CF 0x1
#define EFLAGS_PF 0x4
#define EFLAGS_AF 0x10
#define EFLAGS_ZF 0x40
#define EFLAGS_SF 0x80
#define EFLAGS_TF 0x100
#define EFLAGS_DF 0x400
#define EFLAGS_OF 0x800
#define EFLAGS_RF 0x10000
#define EFLAGS_AC 0x40000
/* The flags sigreturn takes from the frame (Linux FIX_EFLAGS). */
#define FIX_EFLAGS                                                                                 \
    (EFLAGS_AC | EFLAGS_OF | EFLAGS_DF | EFLAGS_TF | EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF |           \
     EFLAGS_PF | EFLAGS_CF | EFLAGS_RF)

#define FX_MXCSR       24
#define FX_SW_RESERVED 464
#define MXCSR_MASK     0xffbfu /* reserved bits and DAZ (bit 6) on CPUs without it */

/* Linux's __on_sig_stack(): sp inside (ss_sp, ss_sp + ss_size]. */
static int within_alt(const struct shim_stack *alt, uint64_t sp)
{
    return sp > alt->ss_sp && sp - alt->ss_sp <= alt->ss_size;
}

/* on_sig_stack(): an auto-disarming stack never counts as "on it". */
static int on_stack(const struct shim_stack *alt, uint64_t sp)
{
    return !(alt->ss_flags & LINUX_SS_AUTODISARM) && within_alt(alt, sp);
}

/* sas_ss_flags(): a stack of size 0 is no stack. */
static int stack_flags(const struct shim_stack *alt, uint64_t sp)
{
    if (alt->ss_size == 0)
        return LINUX_SS_DISABLE;
    return on_stack(alt, sp) ? LINUX_SS_ONSTACK : 0;
}

#define FP_XSTATE_MAGIC1 0x46505853u
#define FP_XSTATE_MAGIC2 0x46505845u
#define UC_FP_XSTATE     0x1u
#define XSAVE_HEADER     512 /* XSTATE_BV, XCOMP_BV, reserved: 64 bytes */

int shim_signal_build_frame(const struct shim_regs *regs, const uint8_t fx[SHIM_FXSAVE_SIZE],
                            const struct shim_siginfo *info, const struct shim_sigaction *act,
                            uint64_t blocked, const struct shim_stack *alt, uint64_t trapno,
                            uint64_t err, uint64_t cr2, uint8_t *buf, struct shim_sigframe_out *out)
{
    return shim_signal_build_frame_x(regs, fx, SHIM_FXSAVE_SIZE, 0, info, act, blocked, alt, trapno,
                                     err, cr2, buf, out);
}

int shim_signal_build_frame_x(const struct shim_regs *regs, const uint8_t *fx, size_t fpsize,
                              uint64_t xfeatures, const struct shim_siginfo *info,
                              const struct shim_sigaction *act, uint64_t blocked,
                              const struct shim_stack *alt, uint64_t trapno, uint64_t err,
                              uint64_t cr2, uint8_t *buf, struct shim_sigframe_out *out)
{
    bool xsave = fpsize > SHIM_FXSAVE_SIZE;
    if (fpsize != SHIM_FXSAVE_SIZE && (fpsize < SHIM_FXSAVE_SIZE + 64 || fpsize > SHIM_XSAVE_MAX))
        return -LINUX_EINVAL;
    /* the image and, after an xsave image, FP_XSTATE_MAGIC2 */
    uint64_t math = fpsize + (xsave ? 4 : 0);
    if (!(act->flags & LINUX_SA_RESTORER))
        return -LINUX_EFAULT; /* x86-64 has no default restorer */
    int sig = info->si_signo;
    int nested = on_stack(alt, regs->rsp), entering = 0;
    uint64_t sp = regs->rsp;
    if (sp < SHIM_REDZONE + SHIM_SIGFRAME_MAX)
        return -LINUX_EFAULT;
    sp -= SHIM_REDZONE;
    if ((act->flags & LINUX_SA_ONSTACK) && stack_flags(alt, sp) == 0) {
        if (alt->ss_sp + alt->ss_size < alt->ss_sp)
            return -LINUX_EFAULT;
        sp = alt->ss_sp + alt->ss_size;
        entering = 1;
    }
    uint64_t fpstate = (sp - math) & ~UINT64_C(63);
    uint64_t frame = ((fpstate - sizeof(struct shim_rt_sigframe)) & ~UINT64_C(15)) - 8;
    if (fpstate > sp || frame > fpstate)
        return -LINUX_EFAULT; /* wrapped below 0 */
    /* Off the bottom of the alternate stack: Linux gives SIGSEGV. */
    if ((nested || entering) && !within_alt(alt, frame))
        return -LINUX_EFAULT;

    struct shim_rt_sigframe f;
    memset(&f, 0, sizeof f);
    f.pretcode = act->restorer;
    f.uc.uc_flags = SHIM_UC_SIGCONTEXT_SS | SHIM_UC_STRICT_RESTORE_SS | (xsave ? UC_FP_XSTATE : 0);
    f.uc.uc_link = 0;
    /* __save_altstack(): the thread's settings as stored, not computed */
    f.uc.uc_stack = *alt;
    struct shim_sigcontext *sc = &f.uc.uc_mcontext;
    memcpy(sc, regs, offsetof(struct shim_sigcontext, eflags)); /* r8 .. rip */
    sc->eflags = regs->rflags;
    sc->cs = SHIM_USER_CS;
    sc->ss = SHIM_USER_DS;
    sc->err = err;
    sc->trapno = trapno;
    sc->oldmask = blocked;
    sc->cr2 = cr2;
    sc->fpstate = fpstate;
    f.uc.uc_sigmask = blocked;
    f.info = *info;

    out->disarm = (alt->ss_flags & LINUX_SS_AUTODISARM) != 0;
    out->frame = frame;
    out->fpstate = fpstate;
    out->size = fpstate + math - frame;
    memset(buf, 0, out->size);
    memcpy(buf, &f, sizeof f);
    uint8_t *img = buf + (fpstate - frame);
    memcpy(img, fx, fpsize);
    /* the software-reserved words say whether an xstate follows (Linux's
     * struct _fpx_sw_bytes): magic1, extended size, features, xstate size */
    memset(img + FX_SW_RESERVED, 0, SHIM_FXSAVE_SIZE - FX_SW_RESERVED);
    if (xsave) {
        uint32_t w[2] = {FP_XSTATE_MAGIC1, (uint32_t)math}, size = (uint32_t)fpsize,
                 magic2 = FP_XSTATE_MAGIC2;
        memcpy(img + FX_SW_RESERVED, w, 8);
        memcpy(img + FX_SW_RESERVED + 8, &xfeatures, 8);
        memcpy(img + FX_SW_RESERVED + 16, &size, 4);
        memcpy(img + fpsize, &magic2, 4);
    }

    out->regs = *regs;
    out->regs.rdi = (uint64_t)sig;
    out->regs.rsi = frame + offsetof(struct shim_rt_sigframe, info);
    out->regs.rdx = frame + offsetof(struct shim_rt_sigframe, uc);
    out->regs.rax = 0;
    out->regs.rsp = frame;
    out->regs.rip = act->handler;
    out->regs.rflags &= ~(uint64_t)(EFLAGS_DF | EFLAGS_RF | EFLAGS_TF);
    out->blocked = blocked | act->mask;
    if (!(act->flags & LINUX_SA_NODEFER))
        out->blocked |= shim_sigbit(sig);
    out->blocked &= ~SHIM_SIG_UNBLOCKABLE;
    return 0;
}

/* A user address the process may jump to or keep its FPU image at: below
 * TASK_SIZE (the top page of the lower half is never user memory, and
 * nothing at or above 2^47 is canonical for a user). */
static int user_address(uint64_t a)
{
    return a < LINUX_TASK_SIZE;
}

int shim_signal_parse_frame(const struct shim_rt_sigframe *frame, const struct shim_regs *cur,
                            struct shim_sigreturn *out)
{
    const struct shim_sigcontext *sc = &frame->uc.uc_mcontext;
    if (!user_address(sc->rip) || (sc->fpstate & 15) || !user_address(sc->fpstate))
        return -LINUX_EFAULT;
    memcpy(&out->regs, sc, offsetof(struct shim_sigcontext, eflags));
    out->regs.rflags = (cur->rflags & ~(uint64_t)FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
    out->blocked = frame->uc.uc_sigmask & ~SHIM_SIG_UNBLOCKABLE;
    out->fpstate = sc->fpstate;
    out->stack = frame->uc.uc_stack;
    return 0;
}

size_t shim_signal_frame_fpsize(const uint8_t *img, size_t avail)
{
    uint32_t magic1, extended, size, magic2;
    if (avail < SHIM_FXSAVE_SIZE)
        return 0;
    memcpy(&magic1, img + FX_SW_RESERVED, 4);
    memcpy(&extended, img + FX_SW_RESERVED + 4, 4);
    memcpy(&size, img + FX_SW_RESERVED + 16, 4);
    if (magic1 != FP_XSTATE_MAGIC1 || size < SHIM_FXSAVE_SIZE + 64 || size > SHIM_XSAVE_MAX ||
        extended != size + 4 || avail < (size_t)size + 4)
        return SHIM_FXSAVE_SIZE; /* Linux's check_xstate_in_sigframe(): fxsave only */
    memcpy(&magic2, img + size, 4);
    return magic2 == FP_XSTATE_MAGIC2 ? size : SHIM_FXSAVE_SIZE;
}

void shim_signal_sanitize_xstate(uint8_t *img, size_t size, uint64_t features)
{
    shim_signal_sanitize_fx(img);
    if (size < SHIM_FXSAVE_SIZE + 64)
        return;
    /* the header: XSTATE_BV only within the features the thread has, the
     * standard (not compacted) form, the reserved bytes zero */
    uint64_t bv;
    memcpy(&bv, img + XSAVE_HEADER, 8);
    bv &= features;
    memset(img + XSAVE_HEADER, 0, 64);
    memcpy(img + XSAVE_HEADER, &bv, 8);
}

void shim_signal_sanitize_fx(uint8_t fx[SHIM_FXSAVE_SIZE])
{
    uint32_t mxcsr;
    memcpy(&mxcsr, fx + FX_MXCSR, 4);
    mxcsr &= MXCSR_MASK;
    memcpy(fx + FX_MXCSR, &mxcsr, 4);
    memset(fx + FX_SW_RESERVED, 0, SHIM_FXSAVE_SIZE - FX_SW_RESERVED);
}
