/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the runtime allocator's lock (libl4/rt/alloc.c,
 * rt/mutex.c): threads of one priority, time-sliced by the kernel, call
 * malloc and free at once, each keeping blocks filled with its own pattern
 * and checking them before freeing. With the yielding spinlock and with a
 * notification lock, every block keeps its pattern, no allocation fails
 * and the heap is whole again afterwards.
 */
#include <stdlib.h>
#include <l4/rt.h>
#include "utest.h"

#define THREADS 3
#define LIVE    16
#define ROUNDS  200000
#define PRIO    100

static volatile unsigned bad[THREADS], failed_allocs[THREADS], done[THREADS];

static void churn_fn(l4_word_t id)
{
    unsigned char *live[LIVE] = {0};
    size_t size[LIVE] = {0};
    uint64_t r = 0x9e3779b97f4a7c15u * (id + 1);
    for (unsigned round = 0; round < ROUNDS; round++) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        unsigned k = (unsigned)(r % LIVE);
        unsigned char tag = (unsigned char)(id * 64 + k);
        if (live[k]) {
            for (size_t i = 0; i < size[k]; i++)
                if (live[k][i] != tag)
                    bad[id]++;
            free(live[k]);
            live[k] = NULL;
            continue;
        }
        size[k] = 16 + (size_t)(r >> 40) % 240;
        live[k] = malloc(size[k]);
        if (!live[k]) {
            failed_allocs[id]++;
            continue;
        }
        for (size_t i = 0; i < size[k]; i++)
            live[k][i] = tag;
    }
    for (unsigned k = 0; k < LIVE; k++)
        free(live[k]);
    done[id] = 1;
}

/* Run the churn threads and check what they saw. */
static void churn(void)
{
    size_t largest0, largest1;
    size_t free0 = l4_rt_heap_free(&largest0);
    for (unsigned i = 0; i < THREADS; i++) {
        bad[i] = failed_allocs[i] = done[i] = 0;
        UT_ASSERT(ut_thread(churn_fn, i, PRIO));
    }
    UT_OK(ut_settle());
    for (unsigned i = 0; i < THREADS; i++) {
        UT_EQ(done[i], 1);
        UT_EQ(bad[i], 0);
        UT_EQ(failed_allocs[i], 0);
    }
    UT_EQ(l4_rt_heap_free(&largest1), free0);
    UT_EQ(largest1, largest0);
}

UTEST(rt_alloc_threads_spinlock, "malloc and free from three time-sliced threads at once with the "
                                 "yielding spinlock: no block damaged, the heap whole afterwards")
{
    UT_ASSERT(ut_settle_init());
    churn();
}

UTEST(rt_alloc_threads_notification,
      "malloc and free from three time-sliced threads at once with a notification lock: no block "
      "damaged, the heap whole afterwards")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n);
    UT_ASSERT(ut_settle_init());
    l4_rt_heap_set_lock(n);
    churn();
    l4_rt_heap_set_lock(L4_CPTR_NULL); /* n dies with the test */
}
