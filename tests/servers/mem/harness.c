/* SPDX-License-Identifier: MIT */
/*
 * The memory server's harness: starting the server and the root task's
 * admin sequence (see harness.h).
 */
#include <string.h>
#include <l4/spawn.h>
#include "harness.h"
#include "vspace_util.h"

extern const unsigned char mem_server_image[];
extern const unsigned long mem_server_image_size;

#define SCRATCH    VA(61)
#define MAX_FRAMES 160

struct mh mh;

static struct l4_vspace_table server_tables[8];
static struct l4_vspace_frame server_frames[MAX_FRAMES];
static struct l4_vspace_table parent_tables[4];
static struct l4_vspace_frame parent_frames[2];
static struct l4_vspace parent_vs;
static struct l4_spawn server;

int mh_start(void)
{
    return mh_start_sized(16, 10);
}

int mh_start_sized(unsigned untyped_bits, unsigned cnode_radix)
{
    memset(&mh, 0, sizeof mh);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t ut = ut_new(L4_OBJECT_UNTYPED, untyped_bits);
    if (!ep || !ut)
        return 0;
    const struct l4_spawn_cap caps[] = {
        {L4_PLAT_CAP_EP, ep, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_ALL},
        {L4_PLAT_CAP_UNTYPED, ut, L4_CAP_UNTYPED, L4_CAP_RIGHTS_ALL},
        {L4_SI_CAP_DEBUG_CONSOLE, L4_ROOT_SLOT_DEBUG_CONSOLE, L4_CAP_DEBUG_CONSOLE,
         L4_CAP_RIGHTS_ALL},
    };
    l4_vspace_init(&parent_vs, VS, ut_untyped_alloc(), parent_tables, 4, parent_frames, 2);
    l4_spawn_init(&server, ut_untyped_alloc(), server_tables, 8, server_frames, MAX_FRAMES);
    const struct l4_spawn_config cfg = {
        .image = mem_server_image,
        .image_size = mem_server_image_size,
        .cnode_radix = cnode_radix,
        .stack_pages = 4,
        .caps = caps,
        .ncaps = 3,
        .priority = 200,
        .mcp = 200,
        .authority = L4_ROOT_SLOT_TCB,
        .parent = &parent_vs,
        .scratch_va = SCRATCH,
        .thread_name = "mem",
    };
    struct l4_spawn_status st;
    l4_error_t e = l4_spawn(&server, &cfg, &st);
    if (e != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "l4_spawn: %s at step %s", l4_error_name(e), st.step);
        return 0;
    }
    mh.ep = ep;
    mh.server_cnode = server.cnode.cap;
    mh.server_radix = cnode_radix;
    mh.root = ut_mint(ep, L4_CAP_RIGHTS_ALL, L4_PLAT_BADGE_ROOT);
    mh.guest[0] = ut_mint(ep, L4_CAP_RIGHTS_ALL, L4_PLAT_BADGE_COMPARTMENT(0));
    mh.guest[1] = ut_mint(ep, L4_CAP_RIGHTS_ALL, L4_PLAT_BADGE_COMPARTMENT(1));
    mh.server_only = ut_mint(ep, L4_CAP_RIGHTS_ALL, L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_IRQ));
    return mh.root && mh.guest[0] && mh.guest[1] && mh.server_only;
}

l4_error_t mh_to_inbox(l4_cptr_t untyped, l4_word_t inbox)
{
    return l4_cnode_move(mh.server_cnode, inbox, (uint8_t)mh.server_radix, UT_CNODE, untyped,
                         UT_DEPTH);
}

#define MH_CHECK(expr)                                                                             \
    do {                                                                                           \
        l4_word_t e_ = (expr);                                                                     \
        if (e_ != L4_NO_ERROR) {                                                                   \
            ut_fail_status(__FILE__, __LINE__, #expr, e_, 0);                                      \
            return 0;                                                                              \
        }                                                                                          \
    } while (0)

int mh_compartment(unsigned id, unsigned bits, l4_word_t max_spaces, l4_word_t max_threads,
                   l4_word_t max_priority)
{
    struct mh_comp *c = &mh.comp[id];
    l4_cptr_t pml4 = id == 0 ? ut_copy(VS, L4_CAP_RIGHTS_ALL) : ut_new(L4_OBJECT_PML4, 0);
    if (!pml4)
        return 0;
    MH_CHECK(mem_compartment_create(mh.root, id, (uint32_t)max_spaces, (uint32_t)max_threads,
                                    (uint8_t)max_priority, pml4, &c->inbox));
    if (ut_id(pml4) != L4_CAP_NULL) /* the transfer copied it: ours can go */
        ut_delete(pml4);
    /* a restart reuses the parent the root task revoked */
    if (!c->parent || c->bits != bits)
        c->parent = ut_new(L4_OBJECT_UNTYPED, bits);
    c->bits = bits;
    c->memory = c->parent ? ut_retype(c->parent, L4_OBJECT_UNTYPED, bits) : 0;
    if (!c->memory)
        return 0;
    MH_CHECK(mh_to_inbox(c->memory, c->inbox));
    MH_CHECK(mem_compartment_add_memory(mh.root, id, (uint8_t)bits));
    if (id == 0)
        vs_tables(VS, L4_PLAT_MEM_BATCH_VA, &(struct vs_tables){0});
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++) {
        c->batch[i] = ut_new(L4_OBJECT_FRAME_4K, 0);
        if (!c->batch[i])
            return 0;
        if (id == 0)
            MH_CHECK(l4_frame_map(c->batch[i], VS, L4_PLAT_MEM_BATCH_VA + i * 4096, RW, 0));
        l4_cptr_t copy = ut_copy(c->batch[i], L4_CAP_RIGHTS_ALL);
        MH_CHECK(mem_compartment_set_batch(mh.root, id, i, copy));
        ut_delete(copy);
    }
    MH_CHECK(mem_compartment_start(mh.root, id, &c->pages));
    return 1;
}

unsigned mh_destroy(unsigned id)
{
    l4_word_t done = 0, reclaimed = 0;
    unsigned calls = 0;
    while (!done) {
        l4_word_t e = mem_compartment_destroy(mh.root, id, &done, &reclaimed);
        calls++;
        if (e != L4_NO_ERROR) {
            ut_fail_status(__FILE__, __LINE__, "mem_compartment_destroy", e, 0);
            return 0;
        }
        if (reclaimed > 32 || calls > 10000) {
            ut_fail(__FILE__, __LINE__, "destroy step reclaimed %lu (call %u)",
                    (unsigned long)reclaimed, calls);
            return 0;
        }
    }
    return calls;
}
