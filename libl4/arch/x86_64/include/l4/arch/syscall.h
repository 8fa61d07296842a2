/* SPDX-License-Identifier: MIT */
/*
 * x86-64 syscall primitive: the only hand-written part of the user stubs.
 *
 * Interface: l4_arch_syscall(sysno, &cptr, &info, mr, reply) loads the
 * syscall number, the capability pointer, the message-info word, MR0..MR3
 * (mr[0..3]) and the reply capability pointer into the registers that the
 * generated register convention names (L4_ARCH_REG_* of <l4/abi_gen.h>,
 * from libl4/spec/registers.toml), executes the syscall instruction, stores
 * the returned capability-pointer register (the badge), message-info word
 * and MR0..MR3 back through the pointers, and returns the syscall-number
 * register (the status). The generated wrappers and invocation stubs of
 * <l4/stubs_gen.h> are built on it. A hosted test build may define
 * L4_ARCH_SYSCALL_FAKE before including this header: l4_arch_syscall() then
 * calls l4_arch_syscall_fake(), which the test defines with the same
 * signature, instead of entering the kernel.
 */
#ifndef L4_ARCH_SYSCALL_H
#define L4_ARCH_SYSCALL_H

#include <l4/abi_gen.h>

_Static_assert(L4_MSG_REGISTERS == 4, "l4_arch_syscall() passes exactly four message registers");

#ifdef L4_ARCH_SYSCALL_FAKE
l4_word_t l4_arch_syscall_fake(l4_word_t sysno, l4_word_t *cptr, l4_word_t *info,
                               l4_word_t mr[L4_MSG_REGISTERS], l4_cptr_t reply);
#endif

static inline l4_word_t l4_arch_syscall(l4_word_t sysno, l4_word_t *cptr, l4_word_t *info,
                                        l4_word_t mr[L4_MSG_REGISTERS], l4_cptr_t reply)
{
#ifdef L4_ARCH_SYSCALL_FAKE
    return l4_arch_syscall_fake(sysno, cptr, info, mr, reply);
#else
    register l4_word_t sys_ __asm__(L4_ARCH_REG_SYSNO) = sysno;
    register l4_word_t cptr_ __asm__(L4_ARCH_REG_CPTR) = *cptr;
    register l4_word_t info_ __asm__(L4_ARCH_REG_INFO) = *info;
    register l4_word_t mr0_ __asm__(L4_ARCH_REG_MR0) = mr[0];
    register l4_word_t mr1_ __asm__(L4_ARCH_REG_MR1) = mr[1];
    register l4_word_t mr2_ __asm__(L4_ARCH_REG_MR2) = mr[2];
    register l4_word_t mr3_ __asm__(L4_ARCH_REG_MR3) = mr[3];
    register l4_word_t reply_ __asm__(L4_ARCH_REG_REPLY) = reply;

    __asm__ volatile(L4_ARCH_SYSCALL_INSN
                     : "+r"(sys_), "+r"(cptr_), "+r"(info_), "+r"(mr0_), "+r"(mr1_), "+r"(mr2_),
                       "+r"(mr3_)
                     : "r"(reply_)
                     : L4_ARCH_SYSCALL_CLOBBERS, "cc", "memory");
    *cptr = cptr_;
    *info = info_;
    mr[0] = mr0_;
    mr[1] = mr1_;
    mr[2] = mr2_;
    mr[3] = mr3_;
    return sys_;
#endif
}

#endif /* L4_ARCH_SYSCALL_H */
