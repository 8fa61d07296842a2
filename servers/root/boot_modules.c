/* SPDX-License-Identifier: MIT */
/*
 * Root task: reading the manifest and seed modules.
 *
 * The manifest module is input, not trusted code: it is mapped read-only
 * and checked by l4_manifest_open() before anything is taken from it; a
 * module that fails is refused with one line and nothing is built. Each
 * compartment is then checked on its own and admitted against what is
 * left of memory (the boot untyped memory less the servers' reservations)
 * and of address spaces: one that does not fit is refused with one line,
 * the others go on. Building servers and compartments comes later; for
 * now each admitted one is reported as not started, and why.
 */
#include <l4/debug.h>
#include <l4/manifest.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include "boot_modules.h"

/* The window modules are mapped at: in the page table of the fixed pages,
 * between the trace ring and the boot-info page (<l4/bootinfo.h>), so no
 * page table has to be made. */
#define MODULE_WINDOW       (L4_ROOT_TRACE_VADDR + L4_ROOT_TRACE_MAX_PAGES * UINT64_C(4096))
#define MODULE_WINDOW_PAGES 65
_Static_assert(MODULE_WINDOW + MODULE_WINDOW_PAGES * UINT64_C(4096) <= L4_ROOT_IPC_BUFFER_VADDR &&
                   MODULE_WINDOW + MODULE_WINDOW_PAGES * UINT64_C(4096) <= L4_ROOT_BOOTINFO_VADDR,
               "the module window lies below the fixed pages");
/* Where the build puts them in the boot order (after the root task). */
#define MODULE_MANIFEST 1
#define MODULE_SEED     2

_Static_assert(L4_MANIFEST_MAX_SIZE <= (MODULE_WINDOW_PAGES - 1) * 4096u,
               "a manifest of the largest size fits the window at any page offset");

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
static const struct l4_boot_module *find_module(const struct l4_boot_info *bi, const char *name,
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

/* Map module *mod* read-only at the window; its bytes, or NULL with *why.
 * Only one module is mapped at a time: the previous one is unmapped. */
static const void *map_module(const struct l4_boot_module *mod, const char **why)
{
    static l4_word_t mapped_first, mapped_count;
    for (l4_word_t i = 0; i < mapped_count; i++)
        l4_frame_unmap(mapped_first + i);
    mapped_count = 0;
    l4_word_t offset = mod->paddr & 0xfff;
    l4_word_t pages = (offset + mod->size + 4095) / 4096;
    if (mod->size > L4_MANIFEST_MAX_SIZE || pages > MODULE_WINDOW_PAGES) {
        *why = "module larger than 256 KiB";
        return 0;
    }
    if (pages > mod->frames.count) {
        *why = "fewer frames than the module's size";
        return 0;
    }
    for (l4_word_t i = 0; i < pages; i++) {
        l4_error_t e = l4_frame_map(mod->frames.first + i, L4_ROOT_SLOT_VSPACE,
                                    MODULE_WINDOW + i * 4096, L4_VM_RIGHTS_READ, 0);
        if (e != L4_NO_ERROR) {
            for (l4_word_t k = 0; k < i; k++)
                l4_frame_unmap(mod->frames.first + k);
            *why = "cannot map its frames";
            return 0;
        }
    }
    mapped_first = mod->frames.first;
    mapped_count = pages;
    return (const void *)(uintptr_t)(MODULE_WINDOW + offset);
}

/* A size for people: whole MiB when it is one, else KiB. */
static void print_size(const char *label, uint64_t bytes)
{
    if (bytes % (1u << 20) == 0)
        l4_printf("%s%lu MiB", label, (unsigned long)(bytes >> 20));
    else
        l4_printf("%s%lu KiB", label, (unsigned long)(bytes >> 10));
}

static void print_fault(const struct l4_manifest_fault *f)
{
    l4_printf("%s, at byte %lu: %#lx\n", f->what, (unsigned long)f->offset,
              (unsigned long)f->value);
}

/* Memory the root task could give out: all RAM untyped from boot. */
static uint64_t memory_available(const struct l4_boot_info *bi)
{
    uint64_t sum = 0;
    l4_word_t n =
        bi->num_untyped < L4_BOOTINFO_MAX_UNTYPED ? bi->num_untyped : L4_BOOTINFO_MAX_UNTYPED;
    for (l4_word_t i = 0; i < n; i++)
        if (!bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits < 64)
            sum += UINT64_C(1) << bi->untyped_list[i].size_bits;
    return sum;
}

static void report_compartments(const struct l4_manifest *m, struct l4_manifest_budget *b)
{
    for (uint32_t i = 0; i < m->num_compartments; i++) {
        struct l4_manifest_compartment c;
        struct l4_manifest_fault f;
        if (l4_manifest_compartment(m, i, &c, &f) != 0) {
            l4_printf("root: compartment '%s' refused: ", c.name);
            print_fault(&f);
            continue;
        }
        struct l4_manifest_budget before = *b;
        if (l4_manifest_admit(b, &c, &f) != 0) {
            l4_printf("root: compartment '%s' refused: ", c.name);
            if (f.error == L4_MANIFEST_ERR_QUOTA) {
                print_size("quota ", c.quota);
                print_size(" is more than the memory left, ", before.memory_left);
                l4_printf("\n");
            } else {
                l4_printf("%u address spaces are more than the %lu left\n", c.max_spaces,
                          (unsigned long)before.spaces_left);
            }
            continue;
        }
        l4_printf("root: compartment '%s' (", c.name);
        print_size("quota ", c.quota);
        l4_printf(
            ", prio %u, %u address spaces, %u threads%s): not started: no memory server yet\n",
            c.priority, c.max_spaces, c.max_threads,
            (c.flags & L4_MANIFEST_FLAG_MAIN) ? ", main" : "");
    }
}

void root_report_manifest(const struct l4_boot_info *bi)
{
    const struct l4_boot_module *mod = find_module(bi, "manifest", MODULE_MANIFEST);
    if (!mod) {
        l4_printf("root: no manifest module: nothing to build\n");
        return;
    }
    const char *why = 0;
    const void *data = map_module(mod, &why);
    if (!data) {
        l4_printf("root: manifest refused: %s\n", why);
        return;
    }
    struct l4_manifest m;
    struct l4_manifest_fault f;
    if (l4_manifest_open(&m, data, mod->size, &f) != 0) {
        l4_printf("root: manifest refused: ");
        print_fault(&f);
        return;
    }
    uint64_t avail = memory_available(bi);
    l4_printf("root: manifest: %lu servers, %lu compartments, ", (unsigned long)m.num_servers,
              (unsigned long)m.num_compartments);
    print_size("machine memory ", m.memory);
    print_size(", available ", avail);
    l4_printf("\n");
    for (uint32_t i = 0; i < m.num_servers; i++) {
        struct l4_manifest_server s;
        if (l4_manifest_server(&m, i, &s, &f) != 0) {
            l4_printf("root: manifest refused: server '%s': ", s.name);
            print_fault(&f);
            return;
        }
        l4_printf("root: server '%s' (", s.name);
        print_size("memory ", s.memory);
        l4_printf(", prio %u): not started: servers are not built yet\n", s.priority);
    }
    struct l4_manifest_budget b;
    if (l4_manifest_budget_init(&m, avail, &b, &f) != 0) {
        l4_printf("root: manifest refused: ");
        print_fault(&f);
        return;
    }
    report_compartments(&m, &b);
}

void root_report_seed(const struct l4_boot_info *bi)
{
    const struct l4_boot_module *mod = find_module(bi, "seed", MODULE_SEED);
    if (!mod)
        l4_printf("root: no entropy seed module\n");
    else if (mod->size < 16)
        l4_printf("root: entropy seed refused: %lu bytes, fewer than 16\n",
                  (unsigned long)mod->size);
    else
        l4_printf("root: entropy seed: %lu bytes\n", (unsigned long)mod->size);
}
