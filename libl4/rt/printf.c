/* SPDX-License-Identifier: MIT */
/*
 * Output: through the console server's endpoint when the start-info page
 * gives one ("console", protocol console.toml, message Write), else
 * through the DebugConsole capability (see <l4/debug.h>). Both messages
 * have the same shape: a length and three words of text.
 *
 * The invocations are made with l4_arch_syscall() directly, not the
 * generated stubs, which read the IPC buffer on error: output must work
 * before the initial thread's TLS block exists and in threads without one.
 *
 * Formatting is musl's vsnprintf into a stack buffer: musl formats into a
 * FILE whose lock is -1, so none of its locking (the only musl code here
 * with syscall instructions) runs; tests/unit/rt_libc_check.py checks that
 * the linked programs contain no other musl code that enters the kernel.
 */
#include <stdio.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/proto/console_gen.h>
#include <l4/stubs_gen.h>
#include "rt_internal.h"

#define PUT_STRING_BYTES 24 /* text0..text2 of DebugConsolePutString */

static l4_cptr_t debug_console = L4_CPTR_NULL, power_control = L4_CPTR_NULL;
static l4_cptr_t console_ep = L4_CPTR_NULL;

void l4_rt_set_console_ep(l4_cptr_t console)
{
    console_ep = console;
}

void l4_rt_set_debug_caps(l4_cptr_t console, l4_cptr_t power)
{
    debug_console = console;
    power_control = power;
}

l4_cptr_t l4_rt_debug_console(void)
{
    return debug_console;
}

l4_cptr_t l4_rt_power_control(void)
{
    return power_control;
}

int l4_write(const char *s, unsigned long n)
{
    _Static_assert(L4_LABEL_DEBUG_CONSOLE_PUT_STRING_WORDS == 4, "length and 3 words");
    _Static_assert(L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT0 == 1, "text after the length");
    _Static_assert(CONSOLE_LABEL_WRITE_WORDS == 4 && CONSOLE_MR_WRITE_TEXT0 == 1,
                   "console Write: the same shape");
    l4_cptr_t target = console_ep != L4_CPTR_NULL ? console_ep : debug_console;
    l4_word_t label =
        console_ep != L4_CPTR_NULL ? CONSOLE_LABEL_WRITE : L4_LABEL_DEBUG_CONSOLE_PUT_STRING;
    if (target == L4_CPTR_NULL)
        return (int)n;
    for (unsigned long done = 0; done < n;) {
        unsigned long k = n - done < PUT_STRING_BYTES ? n - done : PUT_STRING_BYTES;
        l4_word_t mr[L4_MSG_REGISTERS] = {k, 0, 0, 0};
        memcpy(&mr[L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT0], s + done, k);
        l4_word_t cptr = target;
        l4_word_t info = l4_msginfo_new(label, 0, 0, L4_LABEL_DEBUG_CONSOLE_PUT_STRING_WORDS);
        if (l4_arch_syscall(L4_SYS_CALL, &cptr, &info, mr, L4_CPTR_NULL) != L4_NO_ERROR)
            break; /* no console: drop the rest */
        done += k;
    }
    return (int)n;
}

int l4_puts(const char *s)
{
    return l4_write(s, strlen(s));
}

l4_word_t l4_debug_check_invariants(void)
{
    l4_word_t cptr = debug_console;
    l4_word_t info = l4_msginfo_new(L4_LABEL_DEBUG_CONSOLE_CHECK_INVARIANTS, 0,
                                    L4_LABEL_DEBUG_CONSOLE_CHECK_INVARIANTS_CAPS,
                                    L4_LABEL_DEBUG_CONSOLE_CHECK_INVARIANTS_WORDS);
    l4_word_t mr[L4_MSG_REGISTERS] = {0, 0, 0, 0};
    if (l4_arch_syscall(L4_SYS_CALL, &cptr, &info, mr, L4_CPTR_NULL) != L4_NO_ERROR)
        return L4_DEBUG_NO_CONSOLE;
    return mr[L4_RET_DEBUG_CONSOLE_CHECK_INVARIANTS_VIOLATIONS];
}

int l4_vprintf(const char *fmt, va_list ap)
{
    char buf[L4_PRINTF_MAX];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return l4_puts("l4rt: bad format string\n");
    int written = l4_puts(buf);
    if ((size_t)n >= sizeof buf)
        written += l4_puts("...\n");
    return written;
}

int l4_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = l4_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
