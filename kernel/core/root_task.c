/* SPDX-License-Identifier: MIT */
/*
 * Building and starting the root task from the first multiboot module.
 *
 * Interface: root_task_create() makes the root task's objects from free
 * boot memory (CNode, TCB, PML4 and page tables, frames for its image,
 * stack, IPC buffer and the boot-info page), loads its ELF image, gives it
 * capabilities to all of them, to every module's frames, to IRQControl,
 * IOPortControl, DebugConsole and PowerControl, and turns all remaining free RAM into Untyped
 * capabilities; it fills the boot-info page (<l4/bootinfo.h>, the contract
 * with the root task) and makes the root thread runnable. The objects made
 * here have no Untyped parent: they are the roots of their derivation
 * trees, as the Untyped capabilities are. The PML4 gets the first ASID,
 * and the frame and page-table capabilities of what is mapped at boot
 * record their mappings, as if the root task had mapped them itself.
 * A kernel built with the event trace (<core/trace.h>) also gives the
 * ring's pages, read-only and mapped at L4_ROOT_TRACE_VADDR.
 */
#include <arch/mmu.h>
#include <cap/derivation.h>
#include <core/arch_hooks.h>
#include <core/boot.h>
#include <core/console.h>
#include <core/panic.h>
#include <core/root_task.h>
#include <core/sched.h>
#include <core/string.h>
#include <core/trace.h>
#include <l4/bootinfo.h>
#include <l4/elf.h>
#include <obj/objects.h>
#include <obj/tcb.h>

#define PAGE_TABLE_SLOTS 16

static cte_t *slots;
static unsigned next_slot, next_table_slot;
static struct l4_boot_info *bi;
static void *root_pml4;
static unsigned root_asid;
static uint64_t mapping_va; /* the page map_frame() is mapping */

/* Zeroed, naturally aligned memory of 2^bits bytes from the free list. */
static void *boot_alloc(unsigned bits)
{
    uint64_t size = 1ull << bits;
    for (unsigned i = 0; i < boot_nfree; i++) {
        uint64_t start = (boot_free[i].start + size - 1) & ~(size - 1);
        if (start < boot_free[i].start || start + size > boot_free[i].end ||
            start + size > PHYSMAP_MAX)
            continue;
        int n = memmap_subtract(boot_free, boot_nfree, BOOT_MAX_RAM_RANGES, start, start + size);
        if (n < 0)
            boot_error("root task: memory map too fragmented");
        boot_nfree = (unsigned)n;
        void *p = phys_to_virt(start);
        memset(p, 0, size);
        return p;
    }
    boot_error("root task: no free memory for a %lu KiB object", (unsigned long)(size >> 10));
}

static cte_t *place_at(unsigned slot, cap_t cap)
{
    if (slot >= (1u << L4_ROOT_CNODE_RADIX))
        boot_error("root task: its CNode of %u slots is full", 1u << L4_ROOT_CNODE_RADIX);
    derivation_insert(&slots[slot], cap, 0, CTE_REVOCABLE);
    return &slots[slot];
}

static unsigned place(cap_t cap)
{
    place_at(next_slot, cap);
    return next_slot++;
}

static void *alloc_table(int level)
{
    static const enum cap_type types[] = {CAP_PT, CAP_PD, CAP_PDPT};
    void *t = boot_alloc(12);
    if (next_table_slot == L4_ROOT_SLOT_FIRST_FREE + PAGE_TABLE_SLOTS)
        boot_error("root task: more than %u page tables", PAGE_TABLE_SLOTS);
    /* its capability records where it is mapped, as PageTableMap would */
    uint64_t reach = 1ull << vspace_level_shift((unsigned)level + 1);
    cte_t *c = place_at(next_table_slot++, cap_object_new(types[level], t));
    c->cap = cap_set_mapping(c->cap, root_asid, mapping_va & ~(reach - 1));
    return t;
}

/* A new frame mapped at va; returns its kernel address. */
static void *map_frame(uint64_t va, unsigned vm_rights, unsigned *slot)
{
    void *f = boot_alloc(12);
    mapping_va = va;
    if (vspace_map_4k(root_pml4, va, virt_to_phys(f), vm_rights, alloc_table))
        boot_error("root task: page %#lx mapped twice", (unsigned long)va);
    unsigned s = place(cap_object_new(CAP_FRAME_4K, f));
    slots[s].cap = cap_set_mapping(slots[s].cap, root_asid, va); /* as FrameMap would */
    if (slot)
        *slot = s;
    return f;
}

static unsigned segment_rights(uint32_t flags)
{
    return L4_VM_RIGHTS_READ | ((flags & ELF_PF_W) ? L4_VM_RIGHTS_WRITE : 0) |
           ((flags & ELF_PF_X) ? L4_VM_RIGHTS_EXECUTE : 0);
}

static uint64_t load_image(const struct boot_module *m)
{
    const uint8_t *image = phys_to_virt(m->start);
    const struct elf64_ehdr *eh = (const void *)image;
    unsigned nph = eh->e_phnum;
    uint64_t lo = ~0ull, hi = 0;
    for (unsigned i = 0; i < nph; i++) {
        struct elf64_phdr ph = elf_phdr(image, i);
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
            continue;
        if ((ph.p_vaddr & ~0xfffull) < lo)
            lo = ph.p_vaddr & ~0xfffull;
        if (((ph.p_vaddr + ph.p_memsz + 0xfff) & ~0xfffull) > hi)
            hi = (ph.p_vaddr + ph.p_memsz + 0xfff) & ~0xfffull;
    }
    if (lo >= hi || hi > L4_ROOT_BOOTINFO_VADDR)
        boot_error("root task: image [%#lx, %#lx) does not fit below the stack", (unsigned long)lo,
                   (unsigned long)hi);
    bi->image_base = lo;
    bi->image_end = hi;
    bi->image_frames.first = next_slot;
    for (uint64_t va = lo; va < hi; va += PAGE_SIZE) {
        /* elf_check() guarantees that at most one segment touches a page */
        unsigned rights = L4_VM_RIGHTS_READ;
        struct elf64_phdr seg = {0};
        for (unsigned i = 0; i < nph; i++) {
            struct elf64_phdr ph = elf_phdr(image, i);
            if (ph.p_type == ELF_PT_LOAD && ph.p_memsz && va + PAGE_SIZE > ph.p_vaddr &&
                va < ph.p_vaddr + ph.p_memsz) {
                seg = ph;
                rights = segment_rights(ph.p_flags);
            }
        }
        uint8_t *f = map_frame(va, rights, 0);
        /* copy the part of the page the file covers */
        uint64_t from = va > seg.p_vaddr ? va : seg.p_vaddr;
        uint64_t to = seg.p_vaddr + seg.p_filesz;
        if (to > va + PAGE_SIZE)
            to = va + PAGE_SIZE;
        if (seg.p_filesz && from < to)
            memcpy(f + (from - va), image + seg.p_offset + (from - seg.p_vaddr), to - from);
    }
    bi->image_frames.count = next_slot - bi->image_frames.first;
    return eh->e_entry;
}

static void give_modules(const struct boot_info *boot)
{
    bi->num_modules = boot->nmods;
    for (unsigned i = 0; i < boot->nmods; i++) {
        const struct boot_module *m = &boot->mods[i];
        struct l4_boot_module *d = &bi->modules[i];
        d->paddr = m->start;
        d->size = m->end - m->start;
        /* the command line's tail if it is too long: its last word (the
         * name, after the loader's file path) is what the root task reads */
        size_t len = strlen(m->cmdline);
        strlcpy(d->name, m->cmdline + (len >= sizeof d->name ? len - (sizeof d->name - 1) : 0),
                sizeof d->name);
        d->frames.first = next_slot;
        for (uint64_t pa = m->start & ~0xfffull; pa < m->end; pa += PAGE_SIZE)
            place(cap_with_rights(cap_object_new(CAP_FRAME_4K, phys_to_virt(pa)), CAP_RIGHT_READ));
        d->frames.count = next_slot - d->frames.first;
    }
}

#if TESSERA_TRACE
/* The trace ring's pages: read-only Frame4K capabilities, mapped read-only
 * from L4_ROOT_TRACE_VADDR on (in the page table of the fixed pages). The
 * frames are the kernel's own .bss, reached through the direct map. */
static void give_trace(void)
{
    unsigned pages;
    const uint8_t *ring = trace_ring(&pages);
    bi->trace_frames.first = next_slot;
    for (unsigned i = 0; i < pages; i++) {
        uint64_t va = L4_ROOT_TRACE_VADDR + (uint64_t)i * PAGE_SIZE;
        paddr_t pa = kernel_image_phys(ring + (uint64_t)i * PAGE_SIZE);
        mapping_va = va;
        if (vspace_map_4k(root_pml4, va, pa, L4_VM_RIGHTS_READ, alloc_table))
            boot_error("root task: page %#lx mapped twice", (unsigned long)va);
        unsigned s =
            place(cap_with_rights(cap_object_new(CAP_FRAME_4K, phys_to_virt(pa)), CAP_RIGHT_READ));
        slots[s].cap = cap_set_mapping(slots[s].cap, root_asid, va);
    }
    bi->trace_frames.count = pages;
    bi->trace_vaddr = L4_ROOT_TRACE_VADDR;
    kprintf("root task: kernel event trace, %u pages at %#lx\n", pages,
            (unsigned long)L4_ROOT_TRACE_VADDR);
}
#endif

/* Maximal naturally aligned power-of-two blocks of [s, e) as Untyped
 * capabilities; returns the bytes that found no slot. */
static uint64_t give_range(uint64_t s, uint64_t e, int device)
{
    while (s + PAGE_SIZE <= e) {
        unsigned bits = 12;
        while (bits < L4_OBJECT_UNTYPED_MAX_SIZE_BITS && !(s & ((2ull << bits) - 1)) &&
               s + (2ull << bits) <= e)
            bits++;
        if (bi->num_untyped == L4_BOOTINFO_MAX_UNTYPED || next_slot >= (1u << L4_ROOT_CNODE_RADIX))
            return e - s;
        place(cap_untyped_new(phys_to_virt(s), bits, device));
        bi->untyped_list[bi->num_untyped++] =
            (struct l4_untyped_desc){s, (uint8_t)bits, (uint8_t)device, {0}};
        s += 1ull << bits;
    }
    return 0;
}

/* Physical memory below 4 GiB that is neither RAM nor a page of the
 * kernel's own devices (local APIC, IOAPIC) nor in the first MiB: device
 * memory the root task may hand to drivers. */
static uint64_t give_device_untyped(const struct boot_info *boot)
{
    static struct mem_range dev[BOOT_MAX_RAM_RANGES];
    static const uint64_t kernel_pages[] = {0xfec00000, 0xfee00000};
    int n = 1;
    dev[0] = (struct mem_range){0x100000, 0x100000000ull};
    for (unsigned i = 0; i < boot->nram && n >= 0; i++)
        n = memmap_subtract(dev, (unsigned)n, BOOT_MAX_RAM_RANGES, boot->ram[i].start,
                            boot->ram[i].end);
    for (unsigned i = 0; i < 2 && n >= 0; i++)
        n = memmap_subtract(dev, (unsigned)n, BOOT_MAX_RAM_RANGES, kernel_pages[i],
                            kernel_pages[i] + PAGE_SIZE);
    uint64_t unused = 0;
    for (int i = 0; i < n; i++)
        unused += give_range(dev[i].start, dev[i].end, 1);
    return unused;
}

static void give_untyped(const struct boot_info *boot)
{
    uint64_t unused = 0;
    bi->untyped.first = next_slot;
    for (unsigned i = 0; i < boot_nfree; i++) {
        uint64_t s = boot_free[i].start, e = boot_free[i].end;
        if (e > PHYSMAP_MAX)
            e = PHYSMAP_MAX;
        if (s < e)
            unused += give_range(s, e, 0);
    }
    uint64_t dev_unused = give_device_untyped(boot);
    bi->untyped.count = next_slot - bi->untyped.first;
    if (unused)
        kprintf("root task: %lu KiB of free memory not given as untyped (too many ranges)\n",
                (unsigned long)(unused >> 10));
    if (dev_unused)
        kprintf("root task: %lu KiB of device memory not given as untyped\n",
                (unsigned long)(dev_unused >> 10));
}

void root_task_create(const struct boot_info *boot)
{
    cte_t *cn = boot_alloc(L4_ROOT_CNODE_RADIX + CNODE_SLOT_BITS);
    slots = cn;
    cap_t cnode = cap_cnode_new(cn, L4_ROOT_CNODE_RADIX, 64 - L4_ROOT_CNODE_RADIX, 0);
    tcb_t *tcb = boot_alloc(L4_OBJECT_TCB_SIZE_BITS);
    tcb_init(tcb);
    root_pml4 = boot_alloc(12);
    cap_t vspace = object_create(CAP_PML4, root_pml4, 0); /* kernel half, ASID */
    root_asid = cap_pml4_asid(vspace);

    place_at(L4_ROOT_SLOT_TCB, cap_object_new(CAP_TCB, tcb));
    place_at(L4_ROOT_SLOT_CNODE, cnode);
    place_at(L4_ROOT_SLOT_VSPACE, vspace);
    place_at(L4_ROOT_SLOT_IRQ_CONTROL, cap_object_new(CAP_IRQ_CONTROL, 0));
    place_at(L4_ROOT_SLOT_IOPORT_CONTROL, cap_object_new(CAP_IOPORT_CONTROL, 0));
    place_at(L4_ROOT_SLOT_DEBUG_CONSOLE, cap_object_new(CAP_DEBUG_CONSOLE, 0));
    place_at(L4_ROOT_SLOT_POWER_CONTROL, cap_object_new(CAP_POWER_CONTROL, 0));
    next_table_slot = L4_ROOT_SLOT_FIRST_FREE;
    next_slot = L4_ROOT_SLOT_FIRST_FREE + PAGE_TABLE_SLOTS;

    /* boot info and IPC buffer first: their slots are fixed */
    unsigned s = next_slot;
    bi = map_frame(L4_ROOT_BOOTINFO_VADDR, L4_VM_RIGHTS_READ, &s);
    derivation_move(&slots[L4_ROOT_SLOT_BOOTINFO], &slots[s], slots[s].cap);
    next_slot--;
    map_frame(L4_ROOT_IPC_BUFFER_VADDR, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, &s);
    derivation_move(&slots[L4_ROOT_SLOT_IPC_BUFFER], &slots[s], slots[s].cap);
    next_slot--;

    bi->magic = L4_BOOTINFO_MAGIC;
    bi->cnode_radix = L4_ROOT_CNODE_RADIX;
    bi->ipc_buffer = L4_ROOT_IPC_BUFFER_VADDR;
    bi->tsc_hz = arch_tsc_hz();
    bi->timer_hz = TIMER_HZ;
    strlcpy(bi->cmdline, boot->cmdline, sizeof bi->cmdline);

    uint64_t entry = load_image(&boot->mods[0]);
    bi->stack_frames.first = next_slot;
    for (unsigned i = 0; i < L4_ROOT_STACK_PAGES; i++)
        map_frame(L4_ROOT_STACK_TOP - (uint64_t)(L4_ROOT_STACK_PAGES - i) * PAGE_SIZE,
                  L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0);
    bi->stack_frames.count = L4_ROOT_STACK_PAGES;
#if TESSERA_TRACE
    give_trace(); /* before page_tables is counted, should it need a table */
#endif
    bi->page_tables.first = L4_ROOT_SLOT_FIRST_FREE;
    bi->page_tables.count = next_table_slot - L4_ROOT_SLOT_FIRST_FREE;
    give_modules(boot);
    give_untyped(boot);
    bi->empty.first = next_slot;
    bi->empty.count = (1u << L4_ROOT_CNODE_RADIX) - next_slot;

    derivation_insert(&tcb->cspace_slot, cnode, &slots[L4_ROOT_SLOT_CNODE], 0);
    derivation_insert(&tcb->vspace_slot, slots[L4_ROOT_SLOT_VSPACE].cap,
                      &slots[L4_ROOT_SLOT_VSPACE], 0);
    derivation_insert(&tcb->ipc_buffer_slot, slots[L4_ROOT_SLOT_IPC_BUFFER].cap,
                      &slots[L4_ROOT_SLOT_IPC_BUFFER], 0);
    tcb->ipc_buffer = L4_ROOT_IPC_BUFFER_VADDR;
    tcb->priority = tcb->mcp = L4_MAX_PRIORITY;
    strlcpy(tcb->name, "root", sizeof tcb->name);
    ctx_set_start(&tcb->ctx, entry, L4_ROOT_STACK_TOP, L4_ROOT_BOOTINFO_VADDR);
    kprintf("root task: entry %#lx, %lu untyped (%lu KiB), %lu free slots\n", (unsigned long)entry,
            (unsigned long)bi->num_untyped,
            (unsigned long)(memmap_total(boot_free, boot_nfree) >> 10),
            (unsigned long)bi->empty.count);
    sched_wake(tcb);
}
