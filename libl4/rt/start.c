/* SPDX-License-Identifier: MIT */
/*
 * Start-up of a program linked with the libl4 runtime (see <l4/rt.h>).
 *
 * l4_rt_start(bi), called by _start, records the boot info, gives the
 * initial thread its TLS block (FS base, through TCB SetTLSBase on its own
 * TCB) so that l4_ipc_buffer() and musl's stack-protector canary work, then
 * runs main(bi) and halts with its status. Until FS base is set, nothing
 * here may call l4_ipc_buffer(): the SetTLSBase call is made with
 * l4_arch_syscall() directly, since the generated stub reads the IPC buffer
 * on error. A root task (the boot info's magic is right) uses its fixed
 * DebugConsole and PowerControl slots for output and exit.
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>

static struct l4_rt_tls main_tls;
static const struct l4_boot_info *boot_info;

const struct l4_boot_info *l4_rt_boot_info(void)
{
    return boot_info;
}

/* An invocation without arguments' IPC-buffer words, by hand (see above). */
static l4_word_t call0(l4_cptr_t c, l4_word_t label, l4_word_t caps, l4_word_t words, l4_word_t mr0)
{
    l4_word_t cptr = c, info = l4_msginfo_new(label, 0, caps, words);
    l4_word_t mr[L4_MSG_REGISTERS] = {mr0, 0, 0, 0};
    return l4_arch_syscall(L4_SYS_CALL, &cptr, &info, mr, L4_CPTR_NULL);
}

_Noreturn void l4_rt_exit(int status)
{
    /* without PowerControl, or if it is gone: stop this thread for good */
    for (;;) {
        if (l4_rt_power_control() != L4_CPTR_NULL)
            call0(l4_rt_power_control(), L4_LABEL_POWER_CONTROL_POWER_OFF,
                  L4_LABEL_POWER_CONTROL_POWER_OFF_CAPS, L4_LABEL_POWER_CONTROL_POWER_OFF_WORDS,
                  (l4_word_t)(status & 0xff));
        call0(L4_ROOT_SLOT_TCB, L4_LABEL_TCB_SUSPEND, L4_LABEL_TCB_SUSPEND_CAPS,
              L4_LABEL_TCB_SUSPEND_WORDS, 0);
    }
}

/* Before the TLS block exists: output without the formatter. */
static void early_puts(const char *s)
{
    l4_puts(s);
}

static void early_put_hex(l4_word_t v)
{
    char hex[19] = "0x";
    for (int i = 0; i < 16; i++)
        hex[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    hex[18] = 0;
    early_puts(hex);
}

/* TCB SetTLSBase on our own TCB, without the stub (see above). */
static l4_word_t set_own_tls_base(l4_cptr_t tcb, struct l4_rt_tls *tls)
{
    l4_word_t cptr = tcb;
    l4_word_t info = l4_msginfo_new(L4_LABEL_TCB_SET_TLS_BASE, 0, L4_LABEL_TCB_SET_TLS_BASE_CAPS,
                                    L4_LABEL_TCB_SET_TLS_BASE_WORDS);
    l4_word_t mr[L4_MSG_REGISTERS] = {0, 0, 0, 0};
    mr[L4_MR_TCB_SET_TLS_BASE_TLS_BASE] = (l4_word_t)tls;
    return l4_arch_syscall(L4_SYS_CALL, &cptr, &info, mr, L4_CPTR_NULL);
}

/* A canary with a zero low byte (stops string overruns), varied by boot. */
static l4_word_t make_canary(const struct l4_boot_info *bi)
{
    l4_word_t c = UINT64_C(0x8f3c5a6e1d2b4700);
    if (bi)
        c ^= (bi->tsc_hz * UINT64_C(0x9e3779b97f4a7c15)) << 8;
    return c & ~(l4_word_t)0xff;
}

_Noreturn void l4_rt_start(const struct l4_boot_info *bi)
{
    struct l4_ipc_buffer *ipc = (struct l4_ipc_buffer *)(uintptr_t)L4_ROOT_IPC_BUFFER_VADDR;

    if (bi && bi->magic == L4_BOOTINFO_MAGIC) {
        boot_info = bi;
        ipc = (struct l4_ipc_buffer *)(uintptr_t)bi->ipc_buffer;
        l4_rt_set_debug_caps(L4_ROOT_SLOT_DEBUG_CONSOLE, L4_ROOT_SLOT_POWER_CONTROL);
    }
    l4_rt_tls_init(&main_tls, ipc, L4_ROOT_SLOT_TCB);
    main_tls.stack_guard = make_canary(boot_info);
    l4_word_t err = set_own_tls_base(L4_ROOT_SLOT_TCB, &main_tls);
    if (err != L4_NO_ERROR) {
        early_puts("l4rt: TCB SetTLSBase on the initial thread failed with error ");
        early_put_hex(err);
        early_puts("; cannot start\n");
        l4_rt_exit(L4_RT_STATUS_FAILED);
    }
    l4_rt_exit(main(boot_info));
}
