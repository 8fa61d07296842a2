/* SPDX-License-Identifier: MIT */
/*
 * The start-info page: the starter's builder and the program's check (<l4/start_info.h>).
 *
 * Pure logic on a struct l4_start_info in memory, shared by the runtime
 * (rt/start.c checks the page it was given) and by starters (root task,
 * servers), and built natively for the host unit tests. The check is
 * written for hostile input: it reads only inside the buffer it is given,
 * bounds every count by its table before using it, and requires every name
 * and string to end with a NUL inside its field or inside the used part of
 * the string area, so the lookups afterwards cannot run off the page.
 */
#include <l4/start_info.h>

#define PAGE_BYTES 4096u

static size_t str_len_max(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void copy_bytes(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i];
}

const char *l4_si_status_name(int status)
{
    static const char *const names[] = {
        [L4_SI_OK] = "ok",
        [L4_SI_BAD_MAGIC] = "bad magic",
        [L4_SI_BAD_VERSION] = "bad version",
        [L4_SI_BAD_SIZE] = "bad size",
        [L4_SI_BAD_CSPACE] = "bad CSpace layout",
        [L4_SI_BAD_COUNT] = "count beyond its table",
        [L4_SI_BAD_NAME] = "bad name",
        [L4_SI_BAD_STRING] = "bad string",
        [L4_SI_BAD_PAGE] = "bad shared page",
        [L4_SI_DUPLICATE] = "duplicate name",
        [L4_SI_FULL] = "table full",
        [L4_SI_NO_SPACE] = "no space for the string",
    };
    if (status < 0 || (size_t)status >= sizeof names / sizeof names[0])
        return "?";
    return names[status];
}

/* --- builder ------------------------------------------------------------------ */

void l4_start_info_init(struct l4_start_info *si)
{
    char *p = (char *)si;
    for (size_t i = 0; i < sizeof *si; i++)
        p[i] = 0;
    si->magic = L4_START_INFO_MAGIC;
    si->version = L4_START_INFO_VERSION;
    si->size = L4_START_INFO_SIZE;
}

void l4_start_info_set_cspace(struct l4_start_info *si, unsigned radix, l4_word_t free_first,
                              l4_word_t free_count)
{
    si->cnode_radix = radix;
    si->cnode_guard_bits = L4_WORD_BITS - radix;
    si->free_first = free_first;
    si->free_count = free_count;
}

/* A name for a field of `max` bytes: non-empty, NUL included. */
static int name_fits(const char *name, size_t max)
{
    size_t n = str_len_max(name, max);
    return n > 0 && n < max;
}

int l4_start_info_add_cap(struct l4_start_info *si, const char *name, l4_cptr_t slot,
                          l4_cap_type_t type)
{
    if (!name_fits(name, L4_START_CAP_NAME_MAX))
        return L4_SI_BAD_NAME;
    if (l4_start_info_cap(si, name))
        return L4_SI_DUPLICATE;
    if (si->num_caps >= L4_START_INFO_MAX_CAPS)
        return L4_SI_FULL;
    struct l4_start_cap *c = &si->caps[si->num_caps++];
    copy_bytes(c->name, name, str_len_max(name, L4_START_CAP_NAME_MAX) + 1);
    c->slot = slot;
    c->type = (uint32_t)type;
    return L4_SI_OK;
}

static int page_ok(l4_word_t vaddr, l4_word_t size, uint32_t flags)
{
    return vaddr % PAGE_BYTES == 0 && size && size % PAGE_BYTES == 0 && vaddr + size > vaddr &&
           (flags & ~(uint32_t)L4_START_PAGE_WRITABLE) == 0;
}

int l4_start_info_add_page(struct l4_start_info *si, const char *name, l4_word_t vaddr,
                           l4_word_t size, int writable)
{
    uint32_t flags = writable ? L4_START_PAGE_WRITABLE : 0;
    if (!name_fits(name, L4_START_PAGE_NAME_MAX))
        return L4_SI_BAD_NAME;
    if (!page_ok(vaddr, size, flags))
        return L4_SI_BAD_PAGE;
    if (l4_start_info_page(si, name))
        return L4_SI_DUPLICATE;
    if (si->num_pages >= L4_START_INFO_MAX_PAGES)
        return L4_SI_FULL;
    struct l4_start_page *p = &si->pages[si->num_pages++];
    copy_bytes(p->name, name, str_len_max(name, L4_START_PAGE_NAME_MAX) + 1);
    p->vaddr = vaddr;
    p->size = size;
    p->flags = flags;
    return L4_SI_OK;
}

/* Copy s into the string area; its offset in *off. */
static int add_string(struct l4_start_info *si, const char *s, uint32_t *off)
{
    size_t room = L4_START_INFO_STRINGS_MAX - si->strings_used;
    size_t n = str_len_max(s, room);
    if (n >= room)
        return L4_SI_NO_SPACE;
    *off = si->strings_used;
    copy_bytes(&si->strings[si->strings_used], s, n + 1);
    si->strings_used += (uint32_t)(n + 1);
    return L4_SI_OK;
}

int l4_start_info_add_arg(struct l4_start_info *si, const char *arg)
{
    if (si->argc >= L4_START_INFO_MAX_ARGS)
        return L4_SI_FULL;
    int e = add_string(si, arg, &si->argv[si->argc]);
    if (e == L4_SI_OK)
        si->argc++;
    return e;
}

int l4_start_info_add_env(struct l4_start_info *si, const char *name_value)
{
    size_t eq = 0;
    while (name_value[eq] && name_value[eq] != '=')
        eq++;
    if (eq == 0 || name_value[eq] != '=')
        return L4_SI_BAD_NAME;
    if (si->envc >= L4_START_INFO_MAX_ENV)
        return L4_SI_FULL;
    int e = add_string(si, name_value, &si->envp[si->envc]);
    if (e == L4_SI_OK)
        si->envc++;
    return e;
}

/* --- check -------------------------------------------------------------------- */

static int names_ok(const char *base, size_t stride, size_t max, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (!name_fits(base + i * stride, max))
            return L4_SI_BAD_NAME;
    for (unsigned i = 0; i < count; i++)
        for (unsigned j = i + 1; j < count; j++)
            if (str_eq(base + i * stride, base + j * stride))
                return L4_SI_DUPLICATE;
    return L4_SI_OK;
}

int l4_start_info_check(const void *page, size_t avail)
{
    const struct l4_start_info *si = page;
    if (!page || avail < sizeof si->magic || si->magic != L4_START_INFO_MAGIC)
        return L4_SI_BAD_MAGIC;
    if (avail < L4_START_INFO_OFFSET_CNODE_RADIX)
        return L4_SI_BAD_SIZE;
    if (si->version != L4_START_INFO_VERSION)
        return L4_SI_BAD_VERSION;
    if (si->size != L4_START_INFO_SIZE || avail < L4_START_INFO_SIZE)
        return L4_SI_BAD_SIZE;
    /* the whole structure is readable from here on */
    if (si->cnode_radix < L4_OBJECT_CNODE_MIN_SIZE_BITS ||
        si->cnode_radix > L4_OBJECT_CNODE_MAX_SIZE_BITS ||
        si->cnode_guard_bits != L4_WORD_BITS - si->cnode_radix)
        return L4_SI_BAD_CSPACE;
    l4_word_t slots = (l4_word_t)1 << si->cnode_radix;
    if (si->free_first > slots || si->free_count > slots - si->free_first || si->tcb >= slots ||
        si->cnode >= slots || si->vspace >= slots || si->ipc_buffer_frame >= slots)
        return L4_SI_BAD_CSPACE;
    if (si->num_caps > L4_START_INFO_MAX_CAPS || si->num_pages > L4_START_INFO_MAX_PAGES ||
        si->argc > L4_START_INFO_MAX_ARGS || si->envc > L4_START_INFO_MAX_ENV ||
        si->strings_used > L4_START_INFO_STRINGS_MAX)
        return L4_SI_BAD_COUNT;
    int e = names_ok(si->caps[0].name, sizeof si->caps[0], L4_START_CAP_NAME_MAX, si->num_caps);
    if (e == L4_SI_OK)
        e = names_ok(si->pages[0].name, sizeof si->pages[0], L4_START_PAGE_NAME_MAX, si->num_pages);
    if (e != L4_SI_OK)
        return e;
    for (unsigned i = 0; i < si->num_caps; i++)
        if (si->caps[i].slot >= slots)
            return L4_SI_BAD_CSPACE;
    for (unsigned i = 0; i < si->num_pages; i++)
        if (!page_ok(si->pages[i].vaddr, si->pages[i].size, si->pages[i].flags))
            return L4_SI_BAD_PAGE;
    /* every string starts inside the used area, and the area ends with a
     * NUL: so each one ends inside it */
    if (si->strings_used && si->strings[si->strings_used - 1] != '\0')
        return L4_SI_BAD_STRING;
    for (unsigned i = 0; i < si->argc; i++)
        if (si->argv[i] >= si->strings_used)
            return L4_SI_BAD_STRING;
    for (unsigned i = 0; i < si->envc; i++)
        if (si->envp[i] >= si->strings_used)
            return L4_SI_BAD_STRING;
    return L4_SI_OK;
}

/* --- lookups ------------------------------------------------------------------- */

const struct l4_start_cap *l4_start_info_cap(const struct l4_start_info *si, const char *name)
{
    for (unsigned i = 0; i < si->num_caps && i < L4_START_INFO_MAX_CAPS; i++)
        if (str_eq(si->caps[i].name, name))
            return &si->caps[i];
    return NULL;
}

const struct l4_start_page *l4_start_info_page(const struct l4_start_info *si, const char *name)
{
    for (unsigned i = 0; i < si->num_pages && i < L4_START_INFO_MAX_PAGES; i++)
        if (str_eq(si->pages[i].name, name))
            return &si->pages[i];
    return NULL;
}

const char *l4_start_info_arg(const struct l4_start_info *si, unsigned i)
{
    if (i >= si->argc || i >= L4_START_INFO_MAX_ARGS || si->argv[i] >= si->strings_used)
        return NULL;
    return &si->strings[si->argv[i]];
}

const char *l4_start_info_env(const struct l4_start_info *si, unsigned i)
{
    if (i >= si->envc || i >= L4_START_INFO_MAX_ENV || si->envp[i] >= si->strings_used)
        return NULL;
    return &si->strings[si->envp[i]];
}

const char *l4_start_info_getenv(const struct l4_start_info *si, const char *name)
{
    for (unsigned i = 0; i < si->envc && i < L4_START_INFO_MAX_ENV; i++) {
        const char *kv = l4_start_info_env(si, i);
        size_t k = 0;
        while (kv && name[k] && kv[k] == name[k])
            k++;
        if (kv && !name[k] && kv[k] == '=')
            return kv + k + 1;
    }
    return NULL;
}
