/* SPDX-License-Identifier: MIT */
/*
 * Start-up of a program linked with the libl4 runtime (see <l4/rt.h>).
 *
 * l4_rt_start(arg), called by _start with the RDI the program was started
 * with, finds out what arg points to: the kernel's boot-info page (root
 * task: its magic is L4_BOOTINFO_MAGIC), a start-info page (another
 * program: L4_START_INFO_MAGIC; copied into the runtime and checked with
 * l4_start_info_check() first, since the starter may be hostile or still
 * write it), or nothing it knows. It takes the IPC buffer, own TCB, argv
 * and environment and the DebugConsole and PowerControl capabilities from
 * it (root task: the fixed slots; start-info: the "debug_console" and
 * "power" capabilities, if of those types), gives the initial thread its
 * TLS block (FS base, through TCB SetTLSBase on its own TCB) so that
 * l4_ipc_buffer() and musl's stack-protector canary work, then runs
 * main(argc, argv) and exits with its status. A start-info page that fails
 * the check stops the program before main. Until FS base is set, nothing
 * here may call l4_ipc_buffer(): the SetTLSBase call is made with
 * l4_arch_syscall() directly, since the generated stub reads the IPC
 * buffer on error.
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include <l4/proto/root_gen.h>
#include "rt_internal.h"

static struct l4_rt_tls main_tls;
static const struct l4_boot_info *boot_info;
/* The program's private copy of its start-info page, once checked. */
static struct l4_start_info start_info_copy;
static const struct l4_start_info *start_info;
static l4_cptr_t own_tcb = L4_ROOT_SLOT_TCB;
static char *argv_table[L4_START_INFO_MAX_ARGS + 1];

const struct l4_boot_info *l4_rt_boot_info(void)
{
    return boot_info;
}

const struct l4_start_info *l4_rt_start_info(void)
{
    return start_info;
}

l4_cptr_t l4_rt_cap(const char *name)
{
    const struct l4_start_cap *c = start_info ? l4_start_info_cap(start_info, name) : NULL;
    return c ? c->slot : L4_CPTR_NULL;
}

void *l4_rt_shared_page(const char *name, l4_word_t *size)
{
    const struct l4_start_page *p = start_info ? l4_start_info_page(start_info, name) : NULL;
    if (size)
        *size = p ? p->size : 0;
    return p ? (void *)(uintptr_t)p->vaddr : NULL;
}

const char *l4_rt_getenv(const char *name)
{
    return start_info ? l4_start_info_getenv(start_info, name) : NULL;
}

/* An invocation without arguments' IPC-buffer words, by hand (see above). */
static l4_word_t call0(l4_cptr_t c, l4_word_t label, l4_word_t caps, l4_word_t words, l4_word_t mr0)
{
    l4_word_t cptr = c, info = l4_msginfo_new(label, 0, caps, words);
    l4_word_t mr[L4_MSG_REGISTERS] = {mr0, 0, 0, 0};
    return l4_arch_syscall(L4_SYS_CALL, &cptr, &info, mr, L4_CPTR_NULL);
}

static l4_cptr_t typed_cap(const char *name, l4_cap_type_t type);

void l4_rt_ready(void)
{
    l4_cptr_t root = start_info ? typed_cap("root", L4_CAP_ENDPOINT) : L4_CPTR_NULL;
    if (root != L4_CPTR_NULL)
        (void)call0(root, ROOT_LABEL_READY, ROOT_LABEL_READY_CAPS, ROOT_LABEL_READY_WORDS, 0);
}

_Noreturn void l4_rt_exit(int status)
{
    /* a program the root task started tells it (protocol root.toml, Exit:
     * no answer comes; the root task takes the program back) */
    l4_cptr_t root = start_info ? typed_cap("root", L4_CAP_ENDPOINT) : L4_CPTR_NULL;
    if (root != L4_CPTR_NULL)
        call0(root, ROOT_LABEL_EXIT, ROOT_LABEL_EXIT_CAPS, ROOT_LABEL_EXIT_WORDS,
              (l4_word_t)(status & 0xff));
    /* without PowerControl, or if it is gone: stop this thread for good */
    for (;;) {
        if (l4_rt_power_control() != L4_CPTR_NULL)
            call0(l4_rt_power_control(), L4_LABEL_POWER_CONTROL_POWER_OFF,
                  L4_LABEL_POWER_CONTROL_POWER_OFF_CAPS, L4_LABEL_POWER_CONTROL_POWER_OFF_WORDS,
                  (l4_word_t)(status & 0xff));
        call0(own_tcb, L4_LABEL_TCB_SUSPEND, L4_LABEL_TCB_SUSPEND_CAPS, L4_LABEL_TCB_SUSPEND_WORDS,
              0);
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

/* The capability the start-info page names `name`, if it has type `type`. */
static l4_cptr_t typed_cap(const char *name, l4_cap_type_t type)
{
    const struct l4_start_cap *c = l4_start_info_cap(start_info, name);
    return c && c->type == (uint32_t)type ? c->slot : L4_CPTR_NULL;
}

/* Copy and check a start-info page; take what the runtime needs from it. */
static int take_start_info(const void *page, struct l4_ipc_buffer **ipc)
{
    const char *src = page;
    char *dst = (char *)&start_info_copy;
    /* one copy, then only the copy is read: the check holds for what is used */
    for (size_t i = 0; i < sizeof start_info_copy; i++)
        dst[i] = src[i];
    int e = l4_start_info_check(&start_info_copy, sizeof start_info_copy);
    if (e != L4_SI_OK)
        return e;
    start_info = &start_info_copy;
    own_tcb = start_info->tcb;
    *ipc = (struct l4_ipc_buffer *)(uintptr_t)start_info->ipc_buffer;
    l4_rt_set_debug_caps(typed_cap(L4_SI_CAP_DEBUG_CONSOLE, L4_CAP_DEBUG_CONSOLE),
                         typed_cap(L4_SI_CAP_POWER, L4_CAP_POWER_CONTROL));
    l4_rt_set_console_ep(typed_cap("console", L4_CAP_ENDPOINT));
    for (unsigned i = 0; i < start_info->argc; i++)
        argv_table[i] = (char *)(uintptr_t)l4_start_info_arg(start_info, i);
    return L4_SI_OK;
}

_Noreturn void l4_rt_start(const void *arg)
{
    struct l4_ipc_buffer *ipc = (struct l4_ipc_buffer *)(uintptr_t)L4_ROOT_IPC_BUFFER_VADDR;
    const l4_word_t *magic = arg;
    int si_status = L4_SI_OK;

    if (magic && *magic == L4_BOOTINFO_MAGIC) {
        boot_info = arg;
        ipc = (struct l4_ipc_buffer *)(uintptr_t)boot_info->ipc_buffer;
        l4_rt_set_debug_caps(L4_ROOT_SLOT_DEBUG_CONSOLE, L4_ROOT_SLOT_POWER_CONTROL);
    } else if (magic && *magic == L4_START_INFO_MAGIC) {
        si_status = take_start_info(arg, &ipc);
    }
    if (si_status != L4_SI_OK) {
        /* nothing in the page can be trusted, not even where to report */
        l4_rt_exit(L4_RT_STATUS_FAILED);
    }
    l4_rt_tls_init(&main_tls, ipc, own_tcb);
    main_tls.stack_guard = make_canary(boot_info);
    l4_word_t err = set_own_tls_base(own_tcb, &main_tls);
    if (err != L4_NO_ERROR) {
        early_puts("l4rt: TCB SetTLSBase on the initial thread failed with error ");
        early_put_hex(err);
        early_puts("; cannot start\n");
        l4_rt_exit(L4_RT_STATUS_FAILED);
    }
    int argc = start_info ? (int)start_info->argc : 0;
    argv_table[argc] = NULL;
    l4_rt_exit(main(argc, argv_table));
}
