/* SPDX-License-Identifier: MIT */
/*
 * First-fit allocator over one arena (see <l4/rt.h>).
 *
 * Interface: l4_rt_alloc() / l4_rt_free(), and malloc, calloc, realloc and
 * free on top of them, so that nothing links musl's malloc (which would ask
 * the kernel for memory with Linux brk/mmap syscalls). The arena is a
 * static array of L4_RT_HEAP_DEFAULT_SIZE bytes unless l4_rt_heap_init()
 * gives another area first. Blocks carry a 16-byte header (size with the
 * header, and a used/free tag checked on free); free blocks are merged with
 * the free blocks after them while searching. Every entry point holds
 * heap_lock (a struct l4_rt_mutex: a yielding spinlock, or a notification
 * lock after l4_rt_heap_set_lock()), so threads may allocate at once; the
 * unlocked helpers (alloc_locked, free_locked) are called only with it
 * held.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>

#define ALIGN    16
#define TAG_USED UINT64_C(0x6465737520746c72) /* "rlt used" */
#define TAG_FREE UINT64_C(0x6565726620746c72) /* "rlt free" */

struct block {
    uint64_t size; /* bytes, header included, multiple of ALIGN */
    uint64_t tag;
};

_Static_assert(sizeof(struct block) == ALIGN, "header keeps payloads aligned");

static _Alignas(ALIGN) unsigned char default_arena[L4_RT_HEAP_DEFAULT_SIZE];
static unsigned char *arena, *arena_end;
static struct l4_rt_mutex heap_lock; /* zeroed: the yielding spinlock */

void l4_rt_heap_set_lock(l4_cptr_t notification)
{
    l4_rt_mutex_init(&heap_lock, notification);
}

static void complain(const char *what)
{
    l4_puts("l4rt: heap: ");
    l4_puts(what);
    l4_puts("\n");
}

static void set_arena(unsigned char *base, size_t size)
{
    arena = base;
    arena_end = base + (size & ~(size_t)(ALIGN - 1));
    struct block *b = (struct block *)arena;
    b->size = (uint64_t)(arena_end - arena);
    b->tag = TAG_FREE;
}

int l4_rt_heap_init(void *base, size_t size)
{
    uintptr_t a = ((uintptr_t)base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    int r = -1;
    l4_rt_mutex_lock(&heap_lock);
    if (!arena && size >= a - (uintptr_t)base + 2 * ALIGN) {
        set_arena((unsigned char *)a, size - (a - (uintptr_t)base));
        r = 0;
    }
    l4_rt_mutex_unlock(&heap_lock);
    return r;
}

static int block_ok(const struct block *b)
{
    const unsigned char *p = (const unsigned char *)b;
    return b->size >= ALIGN && b->size % ALIGN == 0 && b->size <= (uint64_t)(arena_end - p) &&
           (b->tag == TAG_USED || b->tag == TAG_FREE);
}

static struct block *next_block(struct block *b)
{
    return (struct block *)((unsigned char *)b + b->size);
}

static void *alloc_locked(size_t size)
{
    if (!arena)
        set_arena(default_arena, sizeof default_arena);
    if (size > (size_t)(arena_end - arena))
        return NULL;
    uint64_t need = ((uint64_t)size + sizeof(struct block) + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
    for (struct block *b = (struct block *)arena; (unsigned char *)b < arena_end;
         b = next_block(b)) {
        if (!block_ok(b)) {
            complain("corrupt block header; allocation refused");
            return NULL;
        }
        if (b->tag != TAG_FREE)
            continue;
        /* merge the free blocks that follow */
        for (struct block *n = next_block(b);
             (unsigned char *)n < arena_end && block_ok(n) && n->tag == TAG_FREE; n = next_block(b))
            b->size += n->size;
        if (b->size < need)
            continue;
        if (b->size - need >= 2 * ALIGN) {
            struct block *rest = (struct block *)((unsigned char *)b + need);
            rest->size = b->size - need;
            rest->tag = TAG_FREE;
            b->size = need;
        }
        b->tag = TAG_USED;
        return b + 1;
    }
    return NULL;
}

static void free_locked(void *p)
{
    if (!p)
        return;
    struct block *b = (struct block *)p - 1;
    if (!arena || (unsigned char *)b < arena || (unsigned char *)b >= arena_end ||
        ((uintptr_t)p & (ALIGN - 1)) || !block_ok(b) || b->tag != TAG_USED) {
        complain("free of a pointer that is not an allocated block; ignored");
        return;
    }
    b->tag = TAG_FREE;
}

void *l4_rt_alloc(size_t size)
{
    l4_rt_mutex_lock(&heap_lock);
    void *p = alloc_locked(size);
    l4_rt_mutex_unlock(&heap_lock);
    return p;
}

void l4_rt_free(void *p)
{
    l4_rt_mutex_lock(&heap_lock);
    free_locked(p);
    l4_rt_mutex_unlock(&heap_lock);
}

/* A run of adjacent free blocks is one block once merged. */
static void count_run(uint64_t run, size_t *total, size_t *big)
{
    if (!run)
        return;
    *total += run - sizeof(struct block);
    if (run - sizeof(struct block) > *big)
        *big = run - sizeof(struct block);
}

size_t l4_rt_heap_free(size_t *largest)
{
    size_t total = 0, big = 0;
    uint64_t run = 0;
    l4_rt_mutex_lock(&heap_lock);
    if (!arena)
        set_arena(default_arena, sizeof default_arena);
    for (struct block *b = (struct block *)arena; (unsigned char *)b < arena_end && block_ok(b);
         b = next_block(b)) {
        if (b->tag == TAG_FREE) {
            run += b->size;
            continue;
        }
        count_run(run, &total, &big);
        run = 0;
    }
    count_run(run, &total, &big);
    l4_rt_mutex_unlock(&heap_lock);
    if (largest)
        *largest = big;
    return total;
}

/* --- The C library's names --------------------------------------------------- */

void *malloc(size_t size)
{
    return l4_rt_alloc(size);
}

void free(void *p)
{
    l4_rt_free(p);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return NULL;
    void *p = l4_rt_alloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return l4_rt_alloc(size);
    void *q = NULL;
    l4_rt_mutex_lock(&heap_lock);
    struct block *b = (struct block *)p - 1;
    if (!arena || (unsigned char *)b < arena || (unsigned char *)b >= arena_end ||
        ((uintptr_t)p & (ALIGN - 1)) || !block_ok(b) || b->tag != TAG_USED) {
        complain("realloc of a pointer that is not an allocated block");
    } else if (size <= b->size - sizeof(struct block)) {
        q = p;
    } else {
        q = alloc_locked(size);
        if (q) {
            memcpy(q, p, b->size - sizeof(struct block));
            free_locked(p);
        }
    }
    l4_rt_mutex_unlock(&heap_lock);
    return q;
}
