/* SPDX-License-Identifier: MIT */
/*
 * tmpfs file contents: a radix tree of pages per regular file, pages from
 * the page allocator callback, tree nodes (SHIM_FS_RADIX pointers each)
 * from the metadata allocator (see <shim/tmpfs.h>).
 *
 * A missing page is a hole and reads as zeros; a page is allocated on the
 * first write to it, so a sparse file costs only what was written, at any
 * offset up to max_file_size (four levels cover 2^48 bytes). Invariant:
 * every byte at or past size in an allocated page is zero, so that growing
 * a file (truncate up, a write past the end) shows zeros without touching
 * the pages.
 */
#include <string.h>
#include "tmpfs_internal.h"

#define PAGE       SHIM_FS_PAGE_SIZE
#define RADIX      SHIM_FS_RADIX
#define NODE       (RADIX * sizeof(void *))
#define MAX_RW     0x7ffff000u /* Linux MAX_RW_COUNT: the most one call moves */
#define MAX_HEIGHT 4

/* Pages a tree of this height covers. */
static uint64_t span(unsigned height)
{
    uint64_t s = 1;
    while (height--)
        s *= RADIX;
    return s;
}

/* The page at index idx, or NULL (a hole). */
static void *page_at(const struct shim_inode *node, uint64_t idx)
{
    unsigned h = node->u.reg.height;
    if (h == 0 || idx >= span(h))
        return NULL;
    void **slots = node->u.reg.root;
    for (; h > 1; h--) {
        slots = slots[(idx / span(h - 1)) % RADIX];
        if (!slots)
            return NULL;
    }
    return slots[idx % RADIX];
}

/* The slot for page idx, making the tree tall and deep enough; NULL when
 * memory is out (the tree may then have grown: harmless, it is trimmed
 * with the file). */
static void **slot_for(struct shim_inode *node, uint64_t idx)
{
    struct shim_fs *fs = node->fs;
    while (node->u.reg.height == 0 || idx >= span(node->u.reg.height)) {
        if (node->u.reg.height == MAX_HEIGHT)
            return NULL;
        void **top = fs->ops.alloc(fs->ops.ctx, NODE);
        if (!top)
            return NULL;
        memset(top, 0, NODE);
        top[0] = node->u.reg.root;
        node->u.reg.root = top;
        node->u.reg.height++;
    }
    void **slots = node->u.reg.root;
    for (unsigned h = node->u.reg.height; h > 1; h--) {
        void **next = &slots[(idx / span(h - 1)) % RADIX];
        if (!*next) {
            if (!(*next = fs->ops.alloc(fs->ops.ctx, NODE)))
                return NULL;
            memset(*next, 0, NODE);
        }
        slots = *next;
    }
    return &slots[idx % RADIX];
}

/* Frees the pages of the subtree at slots (height h, first page base) from
 * page keep on; frees the node itself when it keeps nothing. */
static int trim(struct shim_fs *fs, void **slots, unsigned h, uint64_t base, uint64_t keep)
{
    uint64_t s = span(h - 1);
    int empty = 1;
    for (unsigned i = 0; i < RADIX; i++) {
        uint64_t first = base + i * s;
        if (!slots[i])
            continue;
        if (first + s <= keep) {
            empty = 0;
            continue;
        }
        if (h == 1) {
            fs->ops.page_free(fs->ops.ctx, slots[i]);
            slots[i] = NULL;
        } else if (trim(fs, slots[i], h - 1, first, keep)) {
            slots[i] = NULL;
        } else {
            empty = 0;
        }
    }
    if (empty)
        fs->ops.free(fs->ops.ctx, slots, NODE);
    return empty;
}

void tmpfs_pages_trim(struct shim_inode *node, uint64_t size)
{
    uint64_t keep = (size + PAGE - 1) / PAGE;
    if (node->u.reg.height && trim(node->fs, node->u.reg.root, node->u.reg.height, 0, keep)) {
        node->u.reg.root = NULL;
        node->u.reg.height = 0;
    }
    /* Zero the tail of the last page kept (the invariant above). */
    void *last = size % PAGE ? page_at(node, keep - 1) : NULL;
    if (last)
        memset((char *)last + size % PAGE, 0, PAGE - size % PAGE);
}

int64_t shim_fs_read(struct shim_inode *node, uint64_t off, void *buf, size_t len)
{
    if (IS_DIR(node))
        return -LINUX_EISDIR;
    if (!IS_REG(node))
        return -LINUX_EINVAL;
    if (off >= node->size)
        return 0;
    if (len > node->size - off)
        len = (size_t)(node->size - off);
    if (len > MAX_RW)
        len = MAX_RW;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        size_t in = (size_t)(pos % PAGE), n = PAGE - in;
        if (n > len - done)
            n = len - done;
        void *page = page_at(node, pos / PAGE);
        if (page)
            memcpy((char *)buf + done, (char *)page + in, n);
        else
            memset((char *)buf + done, 0, n);
        done += n;
    }
    return (int64_t)done;
}

int64_t shim_fs_write(struct shim_inode *node, uint64_t off, const void *buf, size_t len)
{
    struct shim_fs *fs = node->fs;
    if (IS_DIR(node))
        return -LINUX_EISDIR;
    if (!IS_REG(node))
        return -LINUX_EINVAL;
    if (len == 0)
        return 0;
    if (off >= fs->max_file_size)
        return -LINUX_EFBIG;
    if (len > fs->max_file_size - off)
        len = (size_t)(fs->max_file_size - off);
    if (len > MAX_RW)
        len = MAX_RW;
    size_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        size_t in = (size_t)(pos % PAGE), n = PAGE - in;
        if (n > len - done)
            n = len - done;
        void **slot = slot_for(node, pos / PAGE);
        if (!slot)
            break;
        if (!*slot) {
            void *page = fs->ops.page_alloc(fs->ops.ctx);
            if (!page)
                break;
            memset(page, 0, PAGE);
            *slot = page;
        }
        memcpy((char *)*slot + in, (const char *)buf + done, n);
        done += n;
    }
    if (!done)
        return -LINUX_ENOSPC;
    if (off + done > node->size)
        node->size = off + done;
    tmpfs_touch(node, 1, 1);
    return (int64_t)done; /* a short write: the error comes next time */
}

int shim_fs_truncate(struct shim_inode *node, uint64_t size)
{
    if (IS_DIR(node))
        return -LINUX_EISDIR;
    if (!IS_REG(node))
        return -LINUX_EINVAL;
    if (size > node->fs->max_file_size)
        return -LINUX_EFBIG;
    if (size < node->size)
        tmpfs_pages_trim(node, size);
    node->size = size;
    tmpfs_touch(node, 1, 1);
    return 0;
}
