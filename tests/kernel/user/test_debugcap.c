/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the DebugConsole and PowerControl capabilities
 * (docs/kernel/console.md).
 *
 * Kernel console output, the invariant check and power-off need a
 * capability, which the kernel gives to the root task alone, in fixed
 * slots. A probe thread in the root task's VSpace but with a CSpace of its
 * own (empty, or holding only what a test copies into it) tries every way
 * in: the syscall numbers of the old uncapped debug calls (16 DebugPutChar,
 * 17 DebugHalt, 20 DebugCheckInvariants) must be unknown, and each
 * invocation on the cptrs of the root task's fixed slots must fail; the
 * machine must keep running (on a kernel without the check, the probe
 * powers it off and the run ends early). The capabilities copy, mint with
 * badge 0, delete and revoke like any other; their arguments are whole
 * words (RangeError beyond a byte, 24 bytes or status 255).
 */
#include <string.h>
#include <l4/rt.h>
#include "utest.h"

#define CONSOLE  L4_ROOT_SLOT_DEBUG_CONSOLE
#define POWER    L4_ROOT_SLOT_POWER_CONTROL
#define PRIO     100
#define RADIX    4
#define ALL      L4_CAP_RIGHTS_ALL
#define OLD_PUTC 16
#define OLD_HALT 17
#define OLD_INV  20

/* --- a probe thread with a CSpace of its own ------------------------------------- */

enum {
    R_OLD_PUTC,
    R_OLD_HALT,
    R_OLD_INV,
    R_PUTC, /* each on the root's console slot number */
    R_PUTS,
    R_INV,
    R_OFF,         /* on the root's power slot number */
    R_OFF_CONSOLE, /* PowerOff on the console slot */
    R_HANDED_PUTS, /* on HANDED: a DebugConsole copy the test gave it, if any */
    R_HANDED_INV,
    R_HANDED_VIOLATIONS,
    R_COUNT
};

#define HANDED 3 /* slot of the probe's CNode a test may fill */

static struct {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[8192];
} probe;

static volatile l4_word_t result[R_COUNT];
static volatile unsigned probe_done;

static l4_word_t raw_syscall(l4_word_t sysno, l4_word_t rdi)
{
    l4_word_t cptr = rdi, info = 0, mr[L4_MSG_REGISTERS] = {0, 0, 0, 0};
    return l4_arch_syscall(sysno, &cptr, &info, mr, L4_CPTR_NULL);
}

/* Entered by WriteRegisters: try everything, record, then fault (no fault
 * endpoint: the kernel suspends it). */
static void probe_entry(void)
{
    result[R_OLD_PUTC] = raw_syscall(OLD_PUTC, '!');
    result[R_OLD_HALT] = raw_syscall(OLD_HALT, 42);
    result[R_OLD_INV] = raw_syscall(OLD_INV, 0);
    result[R_PUTC] = l4_debug_console_put_char(CONSOLE, '!');
    result[R_PUTS] = l4_debug_console_put_string(CONSOLE, 2, 0x0a21, 0, 0);
    l4_word_t v = 0;
    result[R_INV] = l4_debug_console_check_invariants(CONSOLE, &v);
    result[R_OFF] = l4_power_control_power_off(POWER, 42);
    result[R_OFF_CONSOLE] = l4_power_control_power_off(CONSOLE, 42);
    static const char line[] = "# debugcap: handed\n";
    l4_word_t w[3] = {0, 0, 0};
    memcpy(w, line, sizeof line - 1);
    result[R_HANDED_PUTS] = l4_debug_console_put_string(HANDED, sizeof line - 1, w[0], w[1], w[2]);
    v = ~(l4_word_t)0;
    result[R_HANDED_INV] = l4_debug_console_check_invariants(HANDED, &v);
    result[R_HANDED_VIOLATIONS] = v;
    probe_done = 1;
    __builtin_trap();
}

/* Run the probe on a new TCB with CNode cn (radix RADIX) as its CSpace. */
static int run_probe(l4_cptr_t cn)
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    if (!t || !ut_settle_init())
        return 0;
    for (unsigned i = 0; i < R_COUNT; i++)
        result[i] = 0xdead;
    probe_done = 0;
    if (l4_tcb_configure(t, L4_CPTR_NULL, cn, l4_cnode_guard_new(0, 64 - RADIX),
                         L4_ROOT_SLOT_VSPACE, (l4_word_t)(uintptr_t)&probe.t.ipc_buffer,
                         l4_rt_image_frame(&probe.t.ipc_buffer)) != L4_NO_ERROR ||
        l4_tcb_set_priority(t, L4_ROOT_SLOT_TCB, PRIO) != L4_NO_ERROR)
        return 0;
    l4_rt_tls_init(&probe.t.tls, &probe.t.ipc_buffer, L4_CPTR_NULL);
    probe.t.tls.stack_guard = l4_rt_tls()->stack_guard;
    l4_word_t *sp = (l4_word_t *)(void *)(probe.stack + sizeof probe.stack);
    *--sp = 0; /* as if called */
    struct l4_user_context c;
    memset(&c, 0, sizeof c);
    c.rip = (l4_word_t)(uintptr_t)probe_entry;
    c.rsp = (l4_word_t)(uintptr_t)sp;
    c.rflags = 0x202;
    c.fs_base = (l4_word_t)(uintptr_t)&probe.t.tls;
    if (l4_tcb_write_registers(t, true, L4_USER_CONTEXT_WORDS, &c) != L4_NO_ERROR)
        return 0;
    return ut_settle() == L4_NO_ERROR && probe_done;
}

UTEST(debugcap_empty_cspace, "a thread with an empty CSpace cannot write to the kernel console, "
                             "check invariants or power off: the old debug syscall numbers are "
                             "IllegalOperation, the invocations InvalidCapability, and the "
                             "machine keeps running")
{
    l4_cptr_t cn = ut_new(L4_OBJECT_CNODE, RADIX);
    UT_ASSERT(cn);
    UT_ASSERT(run_probe(cn));
    UT_EQ(result[R_OLD_PUTC], L4_ILLEGAL_OPERATION);
    UT_EQ(result[R_OLD_HALT], L4_ILLEGAL_OPERATION);
    UT_EQ(result[R_OLD_INV], L4_ILLEGAL_OPERATION);
    UT_EQ(result[R_PUTC], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_PUTS], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_INV], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_OFF], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_OFF_CONSOLE], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_HANDED_PUTS], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_HANDED_INV], L4_INVALID_CAPABILITY);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(debugcap_handed_console, "a thread given only a copy of DebugConsole writes and checks "
                               "invariants through it, but still cannot power off, and the "
                               "root task's slot numbers mean nothing in its CSpace")
{
    l4_cptr_t cn = ut_new(L4_OBJECT_CNODE, RADIX);
    UT_ASSERT(cn);
    UT_OK(l4_cnode_copy(cn, HANDED, RADIX, UT_CNODE, CONSOLE, UT_DEPTH, ALL));
    UT_ASSERT(run_probe(cn));
    UT_EQ(result[R_OLD_HALT], L4_ILLEGAL_OPERATION);
    UT_EQ(result[R_PUTC], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_OFF], L4_INVALID_CAPABILITY);
    UT_EQ(result[R_HANDED_PUTS], L4_NO_ERROR);
    UT_EQ(result[R_HANDED_INV], L4_NO_ERROR);
    UT_EQ(result[R_HANDED_VIOLATIONS], 0);
    UT_OK(l4_cnode_delete(cn, HANDED, RADIX));
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- the root task's own capabilities -------------------------------------------- */

UTEST(debugcap_boot_slots, "the root task holds DebugConsole and PowerControl in its fixed "
                           "slots; the old debug syscall numbers are unknown even to it")
{
    UT_EQ(ut_id(CONSOLE), L4_CAP_DEBUG_CONSOLE);
    UT_EQ(ut_id(POWER), L4_CAP_POWER_CONTROL);
    UT_EQ(l4_rt_debug_console(), CONSOLE);
    UT_EQ(l4_rt_power_control(), POWER);
    UT_EQ(raw_syscall(OLD_PUTC, '!'), L4_ILLEGAL_OPERATION);
    UT_EQ(raw_syscall(OLD_INV, 0), L4_ILLEGAL_OPERATION);
    UT_EQ(raw_syscall(OLD_HALT, 42), L4_ILLEGAL_OPERATION);
    l4_word_t v = ~(l4_word_t)0;
    UT_OK(l4_debug_console_check_invariants(CONSOLE, &v));
    UT_EQ(v, 0);
    UT_OK(l4_debug_console_put_string(CONSOLE, 0, 0, 0, 0));
}

UTEST(debugcap_arguments, "arguments are whole words: a byte above 0xff, a string longer than "
                          "24 bytes or a status above 255 is RangeError; labels of the other "
                          "type are IllegalOperation; the machine keeps running")
{
    UT_ERR(l4_debug_console_put_char(CONSOLE, 0x100 | '!'), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(l4_get_mr(1), 0xff);
    UT_ERR(l4_debug_console_put_string(CONSOLE, 25, 0, 0, 0), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 24);
    UT_ERR(l4_debug_console_put_string(CONSOLE, ~(l4_word_t)0, 0, 0, 0), L4_RANGE_ERROR);
    UT_ERR(l4_power_control_power_off(POWER, 256), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(l4_get_mr(1), 255);
    UT_ERR(l4_power_control_power_off(POWER, UINT64_C(1) << 32), L4_RANGE_ERROR);
    UT_ERR(l4_power_control_power_off(CONSOLE, 0), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_debug_console_put_char(POWER, '!'), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_debug_console_put_char(L4_ROOT_SLOT_TCB, '!'), L4_ILLEGAL_OPERATION);
    l4_word_t v;
    UT_ERR(l4_debug_console_check_invariants(POWER, &v), L4_ILLEGAL_OPERATION);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0};
    UT_ERR(l4_call_mrs(POWER, l4_msginfo_new(L4_LABEL_POWER_CONTROL_POWER_OFF, 0, 0, 0), NULL, mrs),
           L4_TRUNCATED_MESSAGE);
    UT_ERR(
        l4_call_mrs(CONSOLE, l4_msginfo_new(L4_LABEL_DEBUG_CONSOLE_PUT_STRING, 0, 0, 3), NULL, mrs),
        L4_TRUNCATED_MESSAGE);
}

UTEST(debugcap_copy_mint_delete_revoke, "DebugConsole and PowerControl copy (copies of copies "
                                        "too), mint with badge 0 only, delete; revoking the "
                                        "root task's capability deletes every copy and keeps it")
{
    l4_cptr_t c1 = ut_copy(CONSOLE, ALL), c2 = ut_mint(CONSOLE, L4_CAP_RIGHTS_READ, 0);
    l4_cptr_t p1 = ut_copy(POWER, ALL);
    UT_ASSERT(c1 && c2 && p1);
    l4_cptr_t c3 = ut_copy(c1, ALL), p2 = ut_copy(p1, ALL);
    UT_ASSERT(c3 && p2);
    UT_EQ(ut_id(c1), L4_CAP_DEBUG_CONSOLE);
    UT_EQ(ut_id(c3), L4_CAP_DEBUG_CONSOLE);
    UT_EQ(ut_id(p2), L4_CAP_POWER_CONTROL);
    UT_EQ(ut_mint(CONSOLE, ALL, 5), 0); /* no badges */
    UT_EQ(ut_mint(POWER, ALL, 5), 0);
    l4_word_t v = ~(l4_word_t)0;
    UT_OK(l4_debug_console_check_invariants(c3, &v));
    UT_EQ(v, 0);
    UT_OK(l4_debug_console_put_string(c2, 0, 0, 0, 0));
    UT_ERR(l4_power_control_power_off(p2, 256), L4_RANGE_ERROR); /* decoded: it is the right cap */

    UT_OK(ut_delete(c2));
    UT_EQ(ut_id(c2), L4_CAP_NULL);
    UT_ERR(l4_debug_console_put_string(c2, 0, 0, 0, 0), L4_INVALID_CAPABILITY);
    UT_OK(l4_debug_console_put_string(c1, 0, 0, 0, 0)); /* the others still work */

    UT_OK(l4_cnode_revoke(UT_CNODE, CONSOLE, UT_DEPTH));
    UT_OK(l4_cnode_revoke(UT_CNODE, POWER, UT_DEPTH));
    UT_EQ(ut_id(c1), L4_CAP_NULL);
    UT_EQ(ut_id(c3), L4_CAP_NULL);
    UT_EQ(ut_id(p1), L4_CAP_NULL);
    UT_EQ(ut_id(p2), L4_CAP_NULL);
    UT_EQ(ut_id(CONSOLE), L4_CAP_DEBUG_CONSOLE);
    UT_EQ(ut_id(POWER), L4_CAP_POWER_CONTROL);
    UT_ERR(l4_debug_console_put_string(c1, 0, 0, 0, 0), L4_INVALID_CAPABILITY);
    UT_EQ(l4_debug_check_invariants(), 0);
}
