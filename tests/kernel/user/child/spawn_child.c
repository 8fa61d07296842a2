/* SPDX-License-Identifier: MIT */
/*
 * The program test_spawn.c starts with libl4's spawn library: it reports
 * what its start-info page gave it to the capability named "parent".
 *
 * It Calls "parent" once with five words: argc, a checksum of the argv
 * strings (FNV-1a over every byte and each terminating NUL), the
 * start-info page's free_first and stack_top as the runtime's checked
 * copy has them, and the slot of "debug_console" (0 if it was not given).
 * It prints one line if it may, and returns what the reply's first word
 * says (the runtime then suspends it: it has no PowerControl). Without a
 * "parent" it returns 3 at once. With argv[1] "fault" it writes to its
 * read-only start-info page first, a page fault for its fault endpoint.
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/spawn.h> /* L4_SPAWN_INFO_VA: where the library maps the page */
#include <l4/start_info.h>
#include <l4/stubs_gen.h>

static uint64_t argv_checksum(int argc, char **argv)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (int i = 0; i < argc; i++)
        for (const char *p = argv[i];; p++) {
            h = (h ^ (uint8_t)*p) * UINT64_C(0x100000001b3);
            if (!*p)
                break;
        }
    return h;
}

int main(int argc, char **argv)
{
    l4_cptr_t parent = l4_rt_cap("parent");
    const struct l4_start_info *si = l4_rt_start_info();
    if (argc > 1 && argv[1][0] == 'f')
        *(volatile l4_word_t *)(uintptr_t)L4_SPAWN_INFO_VA = 1;
    if (parent == L4_CPTR_NULL || !si)
        return 3;
    l4_cptr_t console = l4_rt_cap(L4_SI_CAP_DEBUG_CONSOLE);
    if (console != L4_CPTR_NULL)
        l4_printf("# spawn child: argc %d, argv[0] %s\n", argc, argc ? argv[0] : "-");
    l4_set_mr(0, (l4_word_t)argc);
    l4_set_mr(1, argv_checksum(argc, argv));
    l4_set_mr(2, si->free_first);
    l4_set_mr(3, si->stack_top);
    l4_set_mr(4, console);
    l4_msginfo_t info;
    if (l4_call(parent, l4_msginfo_new(0, 0, 0, 5), &info) != L4_NO_ERROR)
        return 4;
    return (int)l4_get_mr(0);
}
