/* SPDX-License-Identifier: MIT */
/*
 * Root task: boot modules (images, the manifest, the entropy seed).
 *
 * A module is found by name (the last word of its command line) and mapped
 * read-only, one at a time, at a window in the root task's VSpace. The
 * manifest module is input, not trusted code: it is copied, and the copy
 * checked by l4_manifest_open() before anything is taken from it; a module
 * that fails is refused with one line and nothing is built (system.c
 * checks and admits each compartment on its own).
 */
#include <string.h>
#include <l4/debug.h>
#include <l4/manifest.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include "root.h"

/* Where modules are mapped, one at a time, through the root task's VSpace
 * helper (page tables made on first use). */
#define MODULE_WINDOW    UINT64_C(0x0000001000000000)
#define MODULE_MAX_PAGES 16384 /* 64 MiB */
/* Where the build puts them in the boot order (after the root task). */
#define MODULE_MANIFEST 1
#define MODULE_SEED     2

/* A module's name is the last word of its command line: the loader puts
 * the file's path first ("/path/manifest.bin manifest"). */
static int module_named(const char *cmdline, const char *name)
{
    const char *last = cmdline;
    for (const char *p = cmdline; *p; p++)
        if (*p == ' ' && p[1] && p[1] != ' ')
            last = p + 1;
    while (*last && *last == *name)
        last++, name++;
    return *name == 0 && (*last == 0 || *last == ' ');
}

/* The module called *name*, or the one at *position* in the boot order
 * (the order tools/mkbootspec.py writes) if the kernel had to cut that
 * one's command line short (L4_BOOTINFO_MODNAME_MAX) and no name matched. */
const struct l4_boot_module *root_find_module(const struct l4_boot_info *bi, const char *name,
                                              l4_word_t position)
{
    l4_word_t n =
        bi->num_modules < L4_BOOTINFO_MAX_MODULES ? bi->num_modules : L4_BOOTINFO_MAX_MODULES;
    for (l4_word_t i = 0; i < n; i++)
        if (module_named(bi->modules[i].name, name))
            return &bi->modules[i];
    if (position < n) {
        const char *s = bi->modules[position].name;
        l4_word_t len = 0;
        while (len < L4_BOOTINFO_MODNAME_MAX && s[len])
            len++;
        if (len == L4_BOOTINFO_MODNAME_MAX - 1)
            return &bi->modules[position];
    }
    return 0;
}

static l4_word_t mapped_pages;

void root_unmap_module(void)
{
    for (l4_word_t i = 0; i < mapped_pages; i++)
        (void)l4_vspace_unmap(&root_vs, MODULE_WINDOW + i * 4096, 0);
    mapped_pages = 0;
}

const void *root_map_module(const struct l4_boot_module *mod, const char **why)
{
    root_unmap_module();
    l4_word_t offset = mod->paddr & 0xfff;
    l4_word_t pages = (offset + mod->size + 4095) / 4096;
    if (pages > MODULE_MAX_PAGES) {
        *why = "module larger than 64 MiB";
        return 0;
    }
    if (pages > mod->frames.count) {
        *why = "fewer frames than the module's size";
        return 0;
    }
    for (l4_word_t i = 0; i < pages; i++) {
        l4_error_t e = l4_vspace_map(&root_vs, mod->frames.first + i, MODULE_WINDOW + i * 4096, 12,
                                     L4_VM_RIGHTS_READ, 0);
        if (e != L4_NO_ERROR) {
            mapped_pages = i;
            root_unmap_module();
            *why = "cannot map its frames";
            return 0;
        }
    }
    mapped_pages = pages;
    return (const void *)(uintptr_t)(MODULE_WINDOW + offset);
}

/* A size for people: whole MiB when it is one, else KiB. */
void root_print_size(const char *label, uint64_t bytes)
{
    if (bytes % (1u << 20) == 0)
        l4_printf("%s%lu MiB", label, (unsigned long)(bytes >> 20));
    else
        l4_printf("%s%lu KiB", label, (unsigned long)(bytes >> 10));
}

void root_print_fault(const struct l4_manifest_fault *f)
{
    l4_printf("%s, at byte %lu: %#lx\n", f->what, (unsigned long)f->offset,
              (unsigned long)f->value);
}

/* Memory the root task could give out: all RAM untyped from boot. */
uint64_t root_memory_available(const struct l4_boot_info *bi)
{
    uint64_t sum = 0;
    l4_word_t n =
        bi->num_untyped < L4_BOOTINFO_MAX_UNTYPED ? bi->num_untyped : L4_BOOTINFO_MAX_UNTYPED;
    for (l4_word_t i = 0; i < n; i++)
        if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits < 64)
            sum += UINT64_C(1) << bi->untyped_list[i].size_bits;
    return sum;
}

int root_read_manifest(const struct l4_boot_info *bi, struct l4_manifest *m)
{
    const struct l4_boot_module *mod = root_find_module(bi, "manifest", MODULE_MANIFEST);
    if (!mod) {
        l4_printf("root: no manifest module: nothing to build\n");
        return -1;
    }
    if (mod->size > L4_MANIFEST_MAX_SIZE) {
        l4_printf("root: manifest refused: %lu bytes, more than %u\n", (unsigned long)mod->size,
                  (unsigned)L4_MANIFEST_MAX_SIZE);
        return -1;
    }
    const char *why = 0;
    const void *data = root_map_module(mod, &why);
    if (!data) {
        l4_printf("root: manifest refused: %s\n", why);
        return -1;
    }
    /* a private copy: the checks hold for what is used later, and the
     * window is needed for the images */
    void *copy = l4_rt_alloc(mod->size ? mod->size : 1);
    if (!copy) {
        l4_printf("root: manifest refused: no memory for a copy\n");
        return -1;
    }
    memcpy(copy, data, mod->size);
    root_unmap_module();
    struct l4_manifest_fault f;
    if (l4_manifest_open(m, copy, mod->size, &f) != 0) {
        l4_printf("root: manifest refused: ");
        root_print_fault(&f);
        return -1;
    }
    return 0;
}

void root_report_seed(const struct l4_boot_info *bi, uint8_t seed[32], int *have_seed)
{
    *have_seed = 0;
    const struct l4_boot_module *mod = root_find_module(bi, "seed", MODULE_SEED);
    if (!mod) {
        l4_printf("root: no entropy seed module\n");
        return;
    }
    if (mod->size < 16) {
        l4_printf("root: entropy seed refused: %lu bytes, fewer than 16\n",
                  (unsigned long)mod->size);
        return;
    }
    const char *why = 0;
    const uint8_t *data = root_map_module(mod, &why);
    if (!data) {
        l4_printf("root: entropy seed refused: %s\n", why);
        return;
    }
    for (unsigned i = 0; i < 32; i++)
        seed[i] = data[i % (mod->size < 32 ? mod->size : 32)];
    root_unmap_module();
    *have_seed = 1;
    l4_printf("root: entropy seed: %lu bytes\n", (unsigned long)mod->size);
}
