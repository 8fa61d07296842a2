/* SPDX-License-Identifier: MIT */
/*
 * Build-time check that the generated ABI headers compile freestanding.
 *
 * tests/unit/abigen/meson.build compiles this file twice for the host
 * machine, once with the kernel's flags and once with the servers', under
 * the project's -Werror warning set. It includes all three generated
 * headers and instantiates the hand-written syscall primitive and a few
 * stubs (static inline functions are compiled only when used), so a header
 * that needs the C library, trips a warning, or whose inline assembly names
 * an impossible register fails the build. Nothing here runs.
 */
#include <l4/abi_gen.h>
#include <l4/invocation_labels_gen.h>
#include <l4/stubs_gen.h>

l4_error_t abigen_check_stubs(l4_cptr_t cap, struct l4_user_context *ctx);
unsigned abigen_check_tables(l4_word_t label, l4_word_t type);

l4_error_t abigen_check_stubs(l4_cptr_t cap, struct l4_user_context *ctx)
{
    l4_word_t mrs[L4_MSG_REGISTERS] = {1, 2, 3, 4};
    l4_word_t badge;
    l4_msginfo_t info;
    l4_error_t e;

    l4_yield();
    e = l4_send_mrs(cap, l4_msginfo_new(1, 0, 0, 4), mrs);
    if (e == L4_NO_ERROR)
        e = l4_recv(cap, cap + 1, &badge, &info);
    if (e == L4_NO_ERROR)
        e = l4_tcb_read_registers(cap, false, L4_USER_CONTEXT_WORDS, ctx);
    if (e == L4_NO_ERROR)
        e = l4_cnode_mint(cap, 1, 2, cap, 3, 4, L4_CAP_RIGHTS_ALL, badge);
    if (e == L4_NO_ERROR)
        e = l4_debug_name_thread(cap, "check");
    return e;
}

unsigned abigen_check_tables(l4_word_t label, l4_word_t type)
{
    if (!l4_label_applies_to(label, type))
        return 0;
    return l4_label_min_length(label) + l4_object_size_bits(type, 4);
}
