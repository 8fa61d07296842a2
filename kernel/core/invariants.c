/* SPDX-License-Identifier: MIT */
/*
 * Kernel invariant check (see <core/invariants.h>).
 */
#include <cap/derivation.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/invariants.h>
#include <core/sched.h>
#include <obj/endpoint.h>
#include <obj/notification.h>
#include <obj/reply.h>
#include <obj/tcb.h>

/* A walk may meet corrupted links: bound every list walk. */
#define WALK_LIMIT 100000

static unsigned violations;

#define VIOLATION(...)                                                                             \
    do {                                                                                           \
        kprintf("invariant: " __VA_ARGS__);                                                        \
        kputs("\n");                                                                               \
        violations++;                                                                              \
    } while (0)

static void check_sched(void)
{
    struct cpu_state *c = cpu();
    for (unsigned p = 0; p < SCHED_PRIORITIES; p++) {
        int bit = (c->bitmap[p / 64] >> (p % 64)) & 1;
        if (bit != (c->head[p] != 0))
            VIOLATION("ready bitmap bit %u is %d, queue %s", p, bit, c->head[p] ? "full" : "empty");
        tcb_t *prev = 0;
        unsigned n = 0;
        for (tcb_t *t = c->head[p]; t && n < WALK_LIMIT; prev = t, t = t->sched_next, n++) {
            if (t->sched_prev != prev)
                VIOLATION("ready queue %u: back link of %s broken", p, t->name);
            if (t->priority != p)
                VIOLATION("thread %s of priority %u in ready queue %u", t->name, t->priority, p);
            if (t->state != THREAD_RUNNING)
                VIOLATION("thread %s in ready queue %u in state %d", t->name, p, t->state);
            if (t == c->current)
                VIOLATION("current thread %s is in a ready queue", t->name);
        }
        if (c->tail[p] != prev)
            VIOLATION("ready queue %u: tail is not the last thread", p);
    }
}

/* Every thread in an IPC queue waits for what the queue is for. */
static void check_ipc_queue(const char *what, tcb_t *head, tcb_t *tail, const void *obj,
                            enum thread_state a, enum thread_state b)
{
    tcb_t *prev = 0;
    unsigned n = 0;
    for (tcb_t *t = head; t && n < WALK_LIMIT; prev = t, t = t->ipc_next, n++) {
        if (t->ipc_prev != prev)
            VIOLATION("%s %p: back link of thread %s broken", what, obj, t->name);
        if (t->blocked_on != obj)
            VIOLATION("%s %p: thread %s is blocked on %p", what, obj, t->name, t->blocked_on);
        if (t->state != a && t->state != b)
            VIOLATION("%s %p: thread %s queued in state %d", what, obj, t->name, t->state);
        if (head->state != t->state)
            VIOLATION("%s %p: senders and receivers queued together", what, obj);
    }
    if (tail != prev)
        VIOLATION("%s %p: tail is not the last thread", what, obj);
}

static void check_tcb(const tcb_t *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECV:
    case THREAD_BLOCKED_NOTIFICATION:
        if (!t->blocked_on)
            VIOLATION("thread %s blocked on nothing", t->name);
        break;
    case THREAD_BLOCKED_REPLY:
        if (t->blocked_on && ((const reply_t *)t->blocked_on)->caller != t)
            VIOLATION("thread %s waits on a Reply object that does not hold it", t->name);
        break;
    case THREAD_RUNNING:
        if (t != cpu()->current && !sched_queued(t))
            VIOLATION("runnable thread %s is in no ready queue", t->name);
        break;
    case THREAD_INACTIVE:
        if (sched_queued(t))
            VIOLATION("inactive thread %s is in a ready queue", t->name);
        break;
    }
    if (t->reply && t->reply->receiver != t)
        VIOLATION("thread %s names a Reply object that does not name it", t->name);
    if (t->bound_notification && notification_bound_tcb(t->bound_notification) != t)
        VIOLATION("thread %s bound to a notification bound elsewhere", t->name);
}

static void check_slot(const cte_t *e)
{
    cap_t c = e->cap;
    const cte_t *p = cte_prev(e), *n = cte_next(e);
    if (p && p->next != (uint64_t)(uintptr_t)e)
        VIOLATION("slot %p: previous entry does not link back", (const void *)e);
    if (n && cte_prev(n) != e)
        VIOLATION("slot %p: next entry does not link back", (const void *)e);
    if (p && cap_type(p->cap) == CAP_NULL)
        VIOLATION("slot %p: linked to an empty slot", (const void *)e);
    switch (cap_type(c)) {
    case CAP_UNTYPED:
        if (cap_untyped_free_offset(c) > (1ull << cap_untyped_size_bits(c)))
            VIOLATION("untyped %p: watermark past its end", cap_object(c));
        break;
    case CAP_TCB:
        check_tcb(cap_object(c));
        break;
    case CAP_ENDPOINT: {
        endpoint_t *ep = cap_object(c);
        check_ipc_queue("endpoint", ep->head, ep->tail, ep, THREAD_BLOCKED_SEND,
                        THREAD_BLOCKED_RECV);
        break;
    }
    case CAP_NOTIFICATION: {
        notification_t *nt = cap_object(c);
        check_ipc_queue("notification", nt->head, nt->tail, nt, THREAD_BLOCKED_NOTIFICATION,
                        THREAD_BLOCKED_NOTIFICATION);
        if (nt->head && (nt->bound_active & 1))
            VIOLATION("notification %p: waiters while a signal is pending", (void *)nt);
        break;
    }
    case CAP_REPLY: {
        reply_t *r = cap_object(c);
        if (r->caller && (r->caller->state != THREAD_BLOCKED_REPLY || r->caller->blocked_on != r))
            VIOLATION("Reply object %p: its caller %s is not waiting on it", (void *)r,
                      r->caller->name);
        if (r->receiver && (r->receiver->state != THREAD_BLOCKED_RECV || r->receiver->reply != r))
            VIOLATION("Reply object %p: its receiver %s is not waiting with it", (void *)r,
                      r->receiver->name);
        break;
    }
    default: {
        if (cap_type(c) >= CAP_TYPE_COUNT)
            VIOLATION("slot %p: capability of unknown type %u", (const void *)e, cap_type(c));
        const char *why = arch_object_check(e); /* e.g. ASIDs, mapping records */
        if (why)
            VIOLATION("slot %p: %s", (const void *)e, why);
        break;
    }
    }
}

unsigned invariants_check(cap_t root)
{
    violations = 0;
    check_sched();
    const char *why = arch_objects_check();
    if (why)
        VIOLATION("%s", why);
    if (cap_type(root) == CAP_CNODE) {
        const cte_t *s = cap_object(root);
        for (uint64_t i = 0; i < (1ull << cap_cnode_radix(root)); i++)
            if (cap_type(s[i].cap) != CAP_NULL)
                check_slot(&s[i]);
    }
    return violations;
}
