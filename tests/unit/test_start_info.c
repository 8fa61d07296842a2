/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of libl4/rt/start_info.c: the starter's builder and the check
 * the runtime makes of a start-info page it was given.
 *
 * The builder must produce a page the check accepts and the lookups read
 * back, and refuse (without changing the page) names that do not fit,
 * duplicates, full tables and strings beyond the string area. The check is
 * fed hostile pages: bad magic, version or size, counts beyond their
 * tables, names and strings without a NUL, string offsets outside the used
 * area, bad CSpace and shared-page fields; and buffers that end before the
 * structure does, placed against an inaccessible page so that any read out
 * of bounds crashes the test.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <l4/start_info.h>
#include "suites.h"

static struct l4_start_info page;

static void build(void)
{
    l4_start_info_init(&page);
    l4_start_info_set_cspace(&page, 12, 100, 4096 - 100);
    page.tcb = 1;
    page.cnode = 2;
    page.vspace = 3;
    page.ipc_buffer_frame = 4;
    page.ipc_buffer = 0x7ffffffd0000;
    page.stack_base = 0x7fffffef0000;
    page.stack_top = 0x7ffffff00000;
    ck_assert_int_eq(l4_start_info_add_cap(&page, "debug_console", 8, L4_CAP_DEBUG_CONSOLE), 0);
    ck_assert_int_eq(l4_start_info_add_cap(&page, "mem_server", 9, L4_CAP_ENDPOINT), 0);
    ck_assert_int_eq(l4_start_info_add_page(&page, "console_ring", 0x10000000, 8192, 1), 0);
    ck_assert_int_eq(l4_start_info_add_arg(&page, "console"), 0);
    ck_assert_int_eq(l4_start_info_add_arg(&page, "--verbose"), 0);
    ck_assert_int_eq(l4_start_info_add_env(&page, "LOG=2"), 0);
}

START_TEST(built_page_reads_back)
{
    build();
    ck_assert_int_eq(l4_start_info_check(&page, sizeof page), L4_SI_OK);
    ck_assert_uint_eq(page.magic, L4_START_INFO_MAGIC);
    ck_assert_uint_eq(page.cnode_guard_bits, 52);
    const struct l4_start_cap *c = l4_start_info_cap(&page, "mem_server");
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->slot, 9);
    ck_assert_uint_eq(c->type, L4_CAP_ENDPOINT);
    ck_assert_ptr_null(l4_start_info_cap(&page, "mem"));
    ck_assert_ptr_null(l4_start_info_cap(&page, "mem_server_x"));
    const struct l4_start_page *p = l4_start_info_page(&page, "console_ring");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->vaddr, 0x10000000);
    ck_assert_uint_eq(p->size, 8192);
    ck_assert_uint_eq(p->flags, L4_START_PAGE_WRITABLE);
    ck_assert_uint_eq(page.argc, 2);
    ck_assert_str_eq(l4_start_info_arg(&page, 0), "console");
    ck_assert_str_eq(l4_start_info_arg(&page, 1), "--verbose");
    ck_assert_ptr_null(l4_start_info_arg(&page, 2));
    ck_assert_str_eq(l4_start_info_getenv(&page, "LOG"), "2");
    ck_assert_ptr_null(l4_start_info_getenv(&page, "LO"));
    ck_assert_str_eq(l4_si_status_name(L4_SI_BAD_MAGIC), "bad magic");
    ck_assert_str_eq(l4_si_status_name(999), "?");
}
END_TEST

START_TEST(builder_refuses_what_does_not_fit)
{
    build();
    struct l4_start_info before;
    memcpy(&before, &page, sizeof page);
    char longname[L4_START_CAP_NAME_MAX + 1];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ck_assert_int_eq(l4_start_info_add_cap(&page, longname, 10, L4_CAP_ENDPOINT), L4_SI_BAD_NAME);
    longname[L4_START_CAP_NAME_MAX - 1] = 0; /* exactly fits with its NUL */
    ck_assert_int_eq(l4_start_info_add_cap(&page, "", 10, L4_CAP_ENDPOINT), L4_SI_BAD_NAME);
    ck_assert_int_eq(l4_start_info_add_cap(&page, "mem_server", 10, L4_CAP_ENDPOINT),
                     L4_SI_DUPLICATE);
    ck_assert_int_eq(l4_start_info_add_page(&page, "console_ring", 0x20000000, 4096, 0),
                     L4_SI_DUPLICATE);
    ck_assert_int_eq(l4_start_info_add_page(&page, "odd", 0x20000010, 4096, 0), L4_SI_BAD_PAGE);
    ck_assert_int_eq(l4_start_info_add_page(&page, "empty", 0x20000000, 0, 0), L4_SI_BAD_PAGE);
    ck_assert_int_eq(l4_start_info_add_page(&page, "wrap", ~(l4_word_t)0xfff, 8192, 0),
                     L4_SI_BAD_PAGE);
    ck_assert_int_eq(l4_start_info_add_env(&page, "NOEQUALS"), L4_SI_BAD_NAME);
    ck_assert_int_eq(l4_start_info_add_env(&page, "=x"), L4_SI_BAD_NAME);
    ck_assert_int_eq(memcmp(&before, &page, sizeof page), 0);
    ck_assert_int_eq(l4_start_info_add_cap(&page, longname, 10, L4_CAP_ENDPOINT), L4_SI_OK);

    /* tables fill up */
    build();
    int e = 0;
    for (unsigned i = 0; e == 0; i++) {
        char name[8] = {'c', (char)('a' + i / 26), (char)('a' + i % 26), 0};
        e = l4_start_info_add_cap(&page, name, 20 + i, L4_CAP_NOTIFICATION);
    }
    ck_assert_int_eq(e, L4_SI_FULL);
    ck_assert_uint_eq(page.num_caps, L4_START_INFO_MAX_CAPS);
    e = 0;
    for (unsigned i = 0; e == 0; i++) {
        char name[8] = {'p', (char)('a' + i), 0};
        e = l4_start_info_add_page(&page, name, 0x40000000 + i * 0x1000, 4096, 0);
    }
    ck_assert_int_eq(e, L4_SI_FULL);
    ck_assert_uint_eq(page.num_pages, L4_START_INFO_MAX_PAGES);
    while ((e = l4_start_info_add_arg(&page, "x")) == 0)
        ;
    ck_assert_int_eq(e, L4_SI_FULL);
    ck_assert_uint_eq(page.argc, L4_START_INFO_MAX_ARGS);
    ck_assert_int_eq(l4_start_info_check(&page, sizeof page), L4_SI_OK);

    /* the string area fills up: a string that does not fit is refused whole */
    build();
    static char big[L4_START_INFO_STRINGS_MAX];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = 0;
    uint32_t used = page.strings_used;
    ck_assert_int_eq(l4_start_info_add_arg(&page, big), L4_SI_NO_SPACE);
    ck_assert_uint_eq(page.strings_used, used);
    ck_assert_uint_eq(page.argc, 2);
    big[L4_START_INFO_STRINGS_MAX - used - 1] = 0; /* now exactly the room left */
    ck_assert_int_eq(l4_start_info_add_arg(&page, big), L4_SI_OK);
    ck_assert_uint_eq(page.strings_used, L4_START_INFO_STRINGS_MAX);
    ck_assert_int_eq(l4_start_info_add_env(&page, "A=b"), L4_SI_NO_SPACE);
    ck_assert_int_eq(l4_start_info_check(&page, sizeof page), L4_SI_OK);
}
END_TEST

/* One corruption of a good page and the status the check must give. */
static int corrupt(int what)
{
    build();
    switch (what) {
    case 0:
        page.magic ^= 1;
        return L4_SI_BAD_MAGIC;
    case 1:
        page.version = 2;
        return L4_SI_BAD_VERSION;
    case 2:
        page.size = 8192;
        return L4_SI_BAD_SIZE;
    case 3:
        page.cnode_guard_bits = 0;
        return L4_SI_BAD_CSPACE;
    case 4:
        page.cnode_radix = 64;
        page.cnode_guard_bits = 0;
        return L4_SI_BAD_CSPACE;
    case 5:
        page.free_count = 4096; /* 100 + 4096 > 4096 slots */
        return L4_SI_BAD_CSPACE;
    case 6:
        page.free_first = ~(l4_word_t)0;
        page.free_count = 2; /* wraps */
        return L4_SI_BAD_CSPACE;
    case 7:
        page.tcb = 4096;
        return L4_SI_BAD_CSPACE;
    case 8:
        page.caps[1].slot = 1u << 20;
        return L4_SI_BAD_CSPACE;
    case 9:
        page.num_caps = L4_START_INFO_MAX_CAPS + 1;
        return L4_SI_BAD_COUNT;
    case 10:
        page.num_pages = 0xffffffff;
        return L4_SI_BAD_COUNT;
    case 11:
        page.argc = L4_START_INFO_MAX_ARGS + 1;
        return L4_SI_BAD_COUNT;
    case 12:
        page.envc = L4_START_INFO_MAX_ENV + 1;
        return L4_SI_BAD_COUNT;
    case 13:
        page.strings_used = L4_START_INFO_STRINGS_MAX + 1;
        return L4_SI_BAD_COUNT;
    case 14:
        memset(page.caps[0].name, 'x', sizeof page.caps[0].name); /* no NUL */
        return L4_SI_BAD_NAME;
    case 15:
        page.pages[0].name[0] = 0;
        return L4_SI_BAD_NAME;
    case 16:
        memcpy(page.caps[1].name, "debug_console", 14);
        return L4_SI_DUPLICATE;
    case 17:
        page.argv[1] = page.strings_used; /* just past the used strings */
        return L4_SI_BAD_STRING;
    case 18:
        page.envp[0] = 0xffffffff;
        return L4_SI_BAD_STRING;
    case 19:
        page.strings[page.strings_used - 1] = 'x'; /* last string unterminated */
        return L4_SI_BAD_STRING;
    case 20:
        page.pages[0].vaddr += 8;
        return L4_SI_BAD_PAGE;
    case 21:
        page.pages[0].flags = 2;
        return L4_SI_BAD_PAGE;
    case 22:
        page.pages[0].vaddr = ~(l4_word_t)0xfff; /* wraps */
        return L4_SI_BAD_PAGE;
    default:
        return -1;
    }
}

START_TEST(check_refuses_bad_pages)
{
    for (int what = 0;; what++) {
        int want = corrupt(what);
        if (want < 0)
            break;
        ck_assert_msg(l4_start_info_check(&page, sizeof page) == want,
                      "corruption %d: got %d (%s), want %d (%s)", what,
                      l4_start_info_check(&page, sizeof page),
                      l4_si_status_name(l4_start_info_check(&page, sizeof page)), want,
                      l4_si_status_name(want));
    }
    ck_assert_int_eq(l4_start_info_check(NULL, sizeof page), L4_SI_BAD_MAGIC);
}
END_TEST

/* A good page cut to `avail` bytes right before an inaccessible page: the
 * check must refuse it without touching the byte after the buffer. */
START_TEST(check_stays_inside_the_buffer)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t len = 2 * (size_t)ps + sizeof page;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(m, MAP_FAILED);
    char *guard = m + len - (size_t)ps;
    ck_assert_int_eq(mprotect(guard, (size_t)ps, PROT_NONE), 0);
    build();
    static const size_t avails[] = {0, 4, 8, 12, 16, 100, sizeof page - 1};
    for (size_t i = 0; i < sizeof avails / sizeof avails[0]; i++) {
        size_t avail = avails[i];
        char *at = guard - avail;
        memcpy(at, &page, avail);
        int want = avail < 8 ? L4_SI_BAD_MAGIC : L4_SI_BAD_SIZE;
        ck_assert_msg(l4_start_info_check(at, avail) == want, "avail %zu", avail);
    }
    char *at = guard - sizeof page;
    memcpy(at, &page, sizeof page);
    ck_assert_int_eq(l4_start_info_check(at, sizeof page), L4_SI_OK);
    munmap(m, len);
}
END_TEST

Suite *start_info_suite(void)
{
    Suite *s = suite_create("start_info");
    TCase *tc = tcase_create("start_info");
    tcase_add_test(tc, built_page_reads_back);
    tcase_add_test(tc, builder_refuses_what_does_not_fit);
    tcase_add_test(tc, check_refuses_bad_pages);
    tcase_add_test(tc, check_stays_inside_the_buffer);
    suite_add_tcase(s, tc);
    return s;
}
