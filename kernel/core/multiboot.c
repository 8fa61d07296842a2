/* SPDX-License-Identifier: MIT */
/*
 * Multiboot 1 information parser (see <core/bootinfo.h>).
 *
 * The loader's structure is untrusted input: every address goes through the
 * map callback with its length, counts are bounded, strings must end within
 * a bound, and modules must have start < end. What passes is copied into
 * the kernel's own boot_info, so nothing later depends on loader memory
 * except the module contents.
 */
#include <core/bootinfo.h>
#include <core/console.h>
#include <core/string.h>

/* multiboot_info offsets and flags (Multiboot Specification 0.6.96, 3.3) */
#define MBI_FLAGS         0
#define MBI_MEM_LOWER     4
#define MBI_MEM_UPPER     8
#define MBI_CMDLINE       16
#define MBI_MODS_COUNT    20
#define MBI_MODS_ADDR     24
#define MBI_MMAP_LENGTH   44
#define MBI_MMAP_ADDR     48
#define MBI_SIZE          52
#define MBF_MEM           (1u << 0)
#define MBF_CMDLINE       (1u << 2)
#define MBF_MODS          (1u << 3)
#define MBF_MMAP          (1u << 6)
#define MB_MODULE_SIZE    16
#define MB_MMAP_AVAILABLE 1
#define MMAP_MAX_BYTES    (64 * 1024)

static uint32_t rd32(const void *p, unsigned off)
{
    uint32_t v;
    memcpy(&v, (const char *)p + off, 4);
    return v;
}

static uint64_t rd64(const void *p, unsigned off)
{
    uint64_t v;
    memcpy(&v, (const char *)p + off, 8);
    return v;
}

/* Copy a NUL-terminated string from physical memory; -1 if unreachable or
 * unterminated within the bound (longer strings are an error, not cut). */
static int copy_string(phys_map_fn map, uint64_t pa, char *out, unsigned outlen)
{
    for (unsigned i = 0; i < outlen; i++) {
        const char *c = map(pa + i, 1);
        if (!c)
            return -1;
        out[i] = *c;
        if (!*c)
            return 0;
    }
    out[outlen - 1] = '\0';
    return -1;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        ksnprintf(err, errlen, __VA_ARGS__);                                                       \
        return -1;                                                                                 \
    } while (0)

static int parse_mmap(const void *mbi, phys_map_fn map, struct boot_info *bi, char *err,
                      unsigned errlen)
{
    uint32_t len = rd32(mbi, MBI_MMAP_LENGTH), addr = rd32(mbi, MBI_MMAP_ADDR);
    if (len > MMAP_MAX_BYTES)
        FAIL("memory map of %u bytes is implausibly large", len);
    const char *mm = map(addr, len);
    if (!mm)
        FAIL("memory map at %#x (+%u) is not reachable", addr, len);
    for (uint32_t off = 0; off + 4 <= len;) {
        uint32_t size = rd32(mm, off);
        if (size < 20 || off + 4 + size > len)
            FAIL("memory map entry at offset %u has bad size %u", off, size);
        uint64_t base = rd64(mm, off + 4), length = rd64(mm, off + 12);
        uint32_t type = rd32(mm, off + 20);
        if (type == MB_MMAP_AVAILABLE && length && base + length > base) {
            if (bi->nram == BOOT_MAX_RAM_RANGES)
                FAIL("memory map has more than %d usable ranges", BOOT_MAX_RAM_RANGES);
            bi->ram[bi->nram++] = (struct mem_range){base, base + length};
        }
        off += 4 + size;
    }
    return 0;
}

static int parse_modules(const void *mbi, phys_map_fn map, struct boot_info *bi, char *err,
                         unsigned errlen)
{
    uint32_t count = rd32(mbi, MBI_MODS_COUNT), addr = rd32(mbi, MBI_MODS_ADDR);
    if (count > BOOT_MAX_MODULES)
        FAIL("%u modules given, at most %d supported", count, BOOT_MAX_MODULES);
    const char *mods = count ? map(addr, (uint64_t)count * MB_MODULE_SIZE) : 0;
    if (count && !mods)
        FAIL("module list at %#x is not reachable", addr);
    for (uint32_t i = 0; i < count; i++) {
        struct boot_module *m = &bi->mods[i];
        m->start = rd32(mods, i * MB_MODULE_SIZE);
        m->end = rd32(mods, i * MB_MODULE_SIZE + 4);
        uint32_t str = rd32(mods, i * MB_MODULE_SIZE + 8);
        m->cmdline[0] = '\0';
        if (str && copy_string(map, str, m->cmdline, sizeof m->cmdline))
            FAIL("module %u: command line unreadable or longer than %d bytes", i,
                 BOOT_MODNAME_MAX - 1);
        if (m->start >= m->end)
            FAIL("module %u (%s) is empty or has end before start", i, m->cmdline);
    }
    bi->nmods = count;
    return 0;
}

int multiboot_parse(uint32_t magic, uint64_t info_pa, phys_map_fn map, struct boot_info *bi,
                    char *err, unsigned errlen)
{
    memset(bi, 0, sizeof *bi);
    if (magic != MULTIBOOT_LOADER_MAGIC)
        FAIL("not started by a multiboot loader (magic %#x)", magic);
    const void *mbi = map(info_pa, MBI_SIZE);
    if (!mbi)
        FAIL("multiboot information at %#lx is not reachable", (unsigned long)info_pa);
    uint32_t flags = rd32(mbi, MBI_FLAGS);

    if (flags & MBF_CMDLINE) {
        if (copy_string(map, rd32(mbi, MBI_CMDLINE), bi->cmdline, sizeof bi->cmdline))
            FAIL("kernel command line unreadable or longer than %d bytes", BOOT_CMDLINE_MAX - 1);
    }
    if (flags & MBF_MMAP) {
        if (parse_mmap(mbi, map, bi, err, errlen))
            return -1;
    } else if (flags & MBF_MEM) {
        /* no map: conventional memory below 640 KiB and the block above 1 MiB */
        bi->ram[0] = (struct mem_range){0, (uint64_t)rd32(mbi, MBI_MEM_LOWER) * 1024};
        bi->ram[1] =
            (struct mem_range){0x100000, 0x100000 + (uint64_t)rd32(mbi, MBI_MEM_UPPER) * 1024};
        bi->nram = 2;
    } else {
        FAIL("the loader gave no memory information");
    }
    bi->nram = memmap_normalize(bi->ram, bi->nram);
    if (flags & MBF_MODS)
        return parse_modules(mbi, map, bi, err, errlen);
    return 0;
}
