/* SPDX-License-Identifier: MIT */
/*
 * Processes (see shim.h): starting a program from the initramfs in an
 * address space and thread of its own, and ending one.
 *
 * proc_spawn() is execve's second half for a fresh process: the ELF plan
 * (shim_exec_plan(), exec/), each segment's pages filled from the file in
 * the shim's window and mapped with one Batch, the heap and stack areas,
 * the initial stack (shim_exec_build_stack()), then a foreign-ABI thread
 * from the memory server whose faults come to the shim's endpoint badged
 * with the pid, started at the entry point.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include <shim/exec.h>
#include <shim/linux_abi.h>
#include "shim.h"

#define STACK_TOP   UINT64_C(0x00007ffffffde000)
#define STACK_SIZE  (UINT64_C(8) << 20)
#define STACK_IMAGE 65536 /* bytes of the initial stack built at once */

struct process procs[SHIM_MAX_PROCS];
static int next_pid = 1;

struct process *proc_by_pid(int pid)
{
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (procs[i].live && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

static unsigned rights_of(unsigned prot)
{
    unsigned r = MEM_BATCH_ENTRY_RIGHT_READ;
    if (prot & LINUX_PROT_WRITE)
        r |= MEM_BATCH_ENTRY_RIGHT_WRITE;
    if (prot & LINUX_PROT_EXEC)
        r |= MEM_BATCH_ENTRY_RIGHT_EXEC;
    return r;
}

/* Fill and map the pages of every segment: one Batch per batch-pages-full. */
static int load_segments(struct mm *mm, const struct shim_exec_plan *plan, const uint8_t *file)
{
    l4_word_t size = 0, failed = 0, first = 0;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    if (!b)
        return -LINUX_ENOMEM;
    unsigned n = 0;
    for (unsigned s = 0; s < plan->nsegments; s++) {
        const struct shim_exec_segment *seg = &plan->seg[s];
        int e = mm_add_vma(mm, seg->start, seg->end, seg->prot);
        if (e)
            return e;
        for (uint64_t va = seg->start; va < seg->end; va += SHIM_PAGE) {
            l4_word_t pfn = pmem_alloc();
            if (pfn == ~0ul)
                return -LINUX_ENOMEM;
            uint64_t off = va - seg->start;
            if (off < seg->file_len) {
                uint64_t k = seg->file_len - off < SHIM_PAGE ? seg->file_len - off : SHIM_PAGE;
                memcpy(pmem_ptr(pfn), file + seg->file_offset + off, k);
            }
            /* the mirror holds the page (and its reference) from now on:
             * mm_destroy() gives it back whatever happens next */
            if ((e = mm_record(mm, va, pfn, seg->prot)) != 0) {
                pmem_put(pfn);
                return e;
            }
            b[n++] = (struct mem_batch_entry){
                MEM_BATCH_ENTRY_OP_MAP, (uint32_t)mm->space, va, pfn, rights_of(seg->prot), 0};
            if (n == MEM_BATCH_ENTRY_MAX_ENTRIES || va + SHIM_PAGE >= seg->end) {
                mem_status_t st = mem_batch(shim.mem, n, &failed, &first);
                if (st != L4_NO_ERROR || failed)
                    return -LINUX_ENOMEM;
                n = 0;
            }
        }
    }
    return 0;
}

struct process *proc_spawn(const char *path, int argc, const char *const *argv, int envc,
                           const char *const *envp)
{
    size_t size = 0;
    const uint8_t *file = initrd_find(path, &size);
    if (!file) {
        shim_log("cannot start %s: not in the initramfs", path);
        return NULL;
    }
    static const struct shim_exec_layout layout = {
        .user_min = 0x10000, .user_top = STACK_TOP - STACK_SIZE, .pie_base = 0x555555554000};
    struct shim_exec_plan plan;
    enum shim_exec_error xe = shim_exec_plan(file, size, &layout, &plan);
    if (xe != SHIM_EXEC_OK) {
        shim_log("cannot start %s: %s", path, shim_exec_strerror(xe));
        return NULL;
    }
    struct process *p = NULL;
    for (unsigned i = 0; i < SHIM_MAX_PROCS && !p; i++)
        if (!procs[i].live)
            p = &procs[i];
    if (!p) {
        shim_log("cannot start %s: no process slot", path);
        return NULL;
    }
    memset(p, 0, sizeof *p);
    int e = mm_init(&p->mm);
    if (e) {
        shim_log("cannot start %s: no address space (%d)", path, e);
        return NULL;
    }
    p->pid = next_pid++;
    p->ppid = 0;
    p->live = true;
    e = load_segments(&p->mm, &plan, file);
    p->mm.brk_start = p->mm.brk = plan.brk;
    if (e == 0)
        e = mm_add_vma(&p->mm, STACK_TOP - STACK_SIZE, STACK_TOP,
                       LINUX_PROT_READ | LINUX_PROT_WRITE);
    /* the initial stack */
    uint8_t random[16];
    shim_random(random, sizeof random);
    struct shim_exec_args args = {
        .argc = (unsigned)argc,
        .envc = (unsigned)envc,
        .argv = argv,
        .envp = envp,
        .execfn = path,
        .random = random,
        .platform = "x86_64",
        .hwcap = 0x178bfbff,
    };
    struct shim_exec_stack st;
    uint8_t *image = malloc(STACK_IMAGE);
    if (e == 0 && !image)
        e = -LINUX_ENOMEM;
    if (e == 0)
        e = shim_exec_build_stack(&plan, &args, STACK_TOP, image, STACK_IMAGE, &st);
    if (e == 0)
        e = mm_copy_out(&p->mm, st.rsp, image + (st.rsp - (STACK_TOP - STACK_IMAGE)),
                        STACK_TOP - st.rsp);
    free(image);
    /* its thread */
    if (e == 0) {
        p->tcb = shim_slot();
        mem_status_t ms = mem_thread_create(shim.mem, p->mm.space, (l4_word_t)p->pid, shim.priority,
                                            shim.ep, shim.cnode, p->tcb, &p->thread);
        if (ms != L4_NO_ERROR) {
            shim_log("cannot start %s: ThreadCreate: %s", path, mem_error_name(ms));
            e = -LINUX_ENOMEM;
        }
    }
    if (e == 0) {
        struct l4_user_context regs = {0};
        regs.rip = plan.entry;
        regs.rsp = st.rsp;
        regs.rflags = 0x202;
        if (l4_tcb_write_registers(p->tcb, true, L4_USER_CONTEXT_WORDS, &regs) != L4_NO_ERROR)
            e = -LINUX_EFAULT;
    }
    if (e) {
        shim_log("cannot start %s: error %d", path, e);
        mm_destroy(&p->mm);
        p->live = false;
        return NULL;
    }
    return p;
}

void proc_exit(struct process *p, int wait_status)
{
    if (p->thread)
        (void)mem_thread_destroy(shim.mem, p->thread);
    p->thread = 0;
    mm_destroy(&p->mm);
    p->live = false;
    bool any = false;
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        any = any || procs[i].live;
    /* the first process is init: when it ends, the compartment does, with
     * its status as a shell would report it */
    if (p->pid == 1 || !any) {
        unsigned status = (wait_status & 0x7f) ? 128u + (unsigned)(wait_status & 0x7f)
                                               : (unsigned)(wait_status >> 8) & 0xff;
        shim_exit_compartment(status);
    }
}
