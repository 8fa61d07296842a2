/* SPDX-License-Identifier: MIT */
/*
 * Spawning, the pure part: the checks l4_spawn() makes before it makes
 * anything (see <l4/spawn.h>). The image is walked with elf_load() and a
 * callback that only counts pages, so a refused image costs no object and
 * no slot, and the caller learns how many frames the child needs. Host-
 * tested (tests/unit/test_spawn.c).
 */
#include <l4/elf_load.h>
#include <l4/spawn.h>

static int count_page(void *ctx, const struct elf_load_page *page)
{
    (void)page;
    ++*(unsigned *)ctx;
    return 0;
}

static l4_error_t refuse(struct l4_spawn_status *st, const char *step, l4_error_t e)
{
    if (st)
        st->step = step;
    return e;
}

l4_error_t l4_spawn_check(const struct l4_spawn_config *cfg, unsigned *pages,
                          struct l4_spawn_status *st)
{
    if (st)
        *st = (struct l4_spawn_status){.step = ""};
    if (cfg->cnode_radix < 3 || cfg->cnode_radix > L4_OBJECT_CNODE_MAX_SIZE_BITS)
        return refuse(st, "cnode radix", L4_INVALID_ARGUMENT);
    /* the child's own slots, the fault endpoint and the given capabilities
     * must leave at least one free slot */
    l4_word_t used =
        L4_SPAWN_SLOT_FIRST_CAP + (cfg->fault_ep != L4_CPTR_NULL) + cfg->ncaps + cfg->nrange;
    if (cfg->nrange && (!cfg->range || !cfg->range_name))
        return refuse(st, "capabilities", L4_INVALID_ARGUMENT);
    if (cfg->ncaps + (cfg->nrange != 0) > L4_START_INFO_MAX_CAPS ||
        cfg->nrange >= ((l4_word_t)1 << cfg->cnode_radix) ||
        used >= ((l4_word_t)1 << cfg->cnode_radix))
        return refuse(st, "capabilities", L4_NOT_ENOUGH_MEMORY);
    if (cfg->argc > L4_START_INFO_MAX_ARGS || (cfg->argc && !cfg->argv))
        return refuse(st, "arguments", L4_INVALID_ARGUMENT);
    if (cfg->stack_pages == 0 || cfg->stack_pages > L4_SPAWN_MAX_STACK_PAGES)
        return refuse(st, "stack size", L4_INVALID_ARGUMENT);
    if (!cfg->parent || l4_vspace_check(cfg->scratch_va, 12) != L4_NO_ERROR)
        return refuse(st, "scratch page", L4_INVALID_ARGUMENT);
    unsigned nframes = 0;
    if (cfg->npages > L4_START_INFO_MAX_PAGES || (cfg->npages && !cfg->pages))
        return refuse(st, "shared pages", L4_INVALID_ARGUMENT);
    for (unsigned i = 0; i < cfg->npages; i++) {
        const struct l4_spawn_page *pg = &cfg->pages[i];
        if (pg->count == 0 || !pg->frames || pg->count > L4_SPAWN_MAX_SHARED_FRAMES ||
            l4_vspace_check(pg->vaddr, 12) != L4_NO_ERROR ||
            l4_vspace_check(pg->vaddr + (l4_word_t)(pg->count - 1) * 4096, 12) != L4_NO_ERROR)
            return refuse(st, "shared pages", L4_INVALID_ARGUMENT);
        nframes += pg->count;
    }
    if (nframes > L4_SPAWN_MAX_SHARED_FRAMES)
        return refuse(st, "shared pages", L4_NOT_ENOUGH_MEMORY);
    if (cfg->envc > L4_START_INFO_MAX_ENV || (cfg->envc && !cfg->envp))
        return refuse(st, "environment", L4_INVALID_ARGUMENT);
    if (!cfg->image)
        return refuse(st, "image", L4_INVALID_ARGUMENT);
    unsigned n = 0;
    uint64_t entry;
    int r = elf_load(cfg->image, cfg->image_size, count_page, &n, &entry);
    if (r != 0) {
        if (st)
            st->elf_error = r;
        return refuse(st, "image", L4_INVALID_ARGUMENT);
    }
    if (pages)
        *pages = n + cfg->stack_pages + 2 + nframes; /* + IPC buffer, start-info, shared */
    return L4_NO_ERROR;
}
