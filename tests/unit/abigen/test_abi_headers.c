/* SPDX-License-Identifier: MIT */
/*
 * Host test of the generated ABI headers (<l4/abi_gen.h>,
 * <l4/invocation_labels_gen.h>, <l4/stubs_gen.h>).
 *
 * Built natively with L4_ARCH_SYSCALL_FAKE, so every syscall of the
 * generated wrappers and stubs lands in l4_arch_syscall_fake() below, which
 * records the registers and the IPC buffer as the kernel would see them and
 * answers with a prepared reply. Checks the packed-word accessors at their
 * edges, the IPC buffer layout, the object sizes and label tables, and that
 * each kind of stub puts every argument in the message word or extra-cap
 * slot the ABI says and reads its out-values and error details back.
 * Prints TAP; exits non-zero if any check fails.
 */
#include <stdio.h>
#include <string.h>

#include <l4/stubs_gen.h>

static int checks, failures;

static void check(int ok, const char *what, unsigned long long got, unsigned long long want,
                  int line)
{
    checks++;
    if (ok) {
        printf("ok %d - %s\n", checks, what);
        return;
    }
    failures++;
    printf("not ok %d - %s\n", checks, what);
    printf("#   line %d: got 0x%llx, want 0x%llx\n", line, got, want);
}

#define CHECK_EQ(got, want, what)                                                                  \
    do {                                                                                           \
        unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want);        \
        check(g_ == w_, what, g_, w_, __LINE__);                                                   \
    } while (0)

/* --- fake kernel ---------------------------------------------------------- */

static struct l4_ipc_buffer ipcbuf;

struct l4_ipc_buffer *l4_ipc_buffer(void)
{
    return &ipcbuf;
}

/* What the last syscall passed in, and the IPC buffer at that moment. */
static struct {
    int calls;
    l4_word_t sysno, cptr, info, mr[L4_MSG_REGISTERS], reply;
    struct l4_ipc_buffer buf;
} seen;

/* What the next syscall returns; msg[] words beyond the registers are
 * written into the IPC buffer. */
static struct {
    l4_word_t status, cptr, info, mr[L4_MSG_REGISTERS];
    l4_word_t msg[L4_MSG_MAX_LENGTH];
    int write_msg;
} answer;

l4_word_t l4_arch_syscall_fake(l4_word_t sysno, l4_word_t *cptr, l4_word_t *info,
                               l4_word_t mr[L4_MSG_REGISTERS], l4_cptr_t reply)
{
    unsigned i;

    seen.calls++;
    seen.sysno = sysno;
    seen.cptr = *cptr;
    seen.info = *info;
    memcpy(seen.mr, mr, sizeof(seen.mr));
    seen.reply = reply;
    seen.buf = ipcbuf;
    *cptr = answer.cptr;
    *info = answer.info;
    memcpy(mr, answer.mr, sizeof(answer.mr));
    if (answer.write_msg)
        for (i = L4_MSG_REGISTERS; i < L4_MSG_MAX_LENGTH; i++)
            ipcbuf.msg[i] = answer.msg[i];
    return answer.status;
}

static void reset(void)
{
    memset(&seen, 0, sizeof(seen));
    memset(&answer, 0, sizeof(answer));
    memset(&ipcbuf, 0, sizeof(ipcbuf));
}

/* --- packed words --------------------------------------------------------- */

static void test_msginfo(void)
{
    const l4_word_t label_max = (UINT64_C(1) << 52) - 1;
    l4_msginfo_t w = l4_msginfo_new(label_max, 7, 3, 120);

    CHECK_EQ(l4_msginfo_get_label(w), label_max, "msginfo: largest label round-trips");
    CHECK_EQ(l4_msginfo_get_caps_unwrapped(w), 7, "msginfo: caps_unwrapped round-trips");
    CHECK_EQ(l4_msginfo_get_extra_caps(w), 3, "msginfo: extra_caps round-trips");
    CHECK_EQ(l4_msginfo_get_length(w), 120, "msginfo: length round-trips");
    CHECK_EQ(l4_msginfo_new(2, 0, 1, 5), 0x2085,
             "msginfo: label 12..63, extra_caps 7..8, length 0..6");
    CHECK_EQ(l4_msginfo_new(0, 5, 0, 0), 0xa00, "msginfo: caps_unwrapped is bits 9..11");
    CHECK_EQ(l4_msginfo_new(0, 0, 0, 127), 127, "msginfo: length 127 fits");
    CHECK_EQ(l4_msginfo_new(0, 0, 0, 128), 0, "msginfo: length 128 is cut to 7 bits");

    w = l4_msginfo_set_length(w, 200);
    CHECK_EQ(l4_msginfo_get_length(w), 200 & 127, "msginfo: set_length masks the value");
    CHECK_EQ(l4_msginfo_get_label(w), label_max, "msginfo: set_length leaves the label");
    CHECK_EQ(l4_msginfo_get_extra_caps(w), 3, "msginfo: set_length leaves extra_caps");
    w = l4_msginfo_set_extra_caps(w, 4);
    CHECK_EQ(l4_msginfo_get_extra_caps(w), 0, "msginfo: extra_caps 4 is cut to 2 bits");
    CHECK_EQ(l4_msginfo_get_caps_unwrapped(w), 7, "msginfo: set_extra_caps leaves caps_unwrapped");
    w = l4_msginfo_set_label(w, UINT64_C(1) << 52);
    CHECK_EQ(l4_msginfo_get_label(w), 0, "msginfo: label 2^52 is cut to 52 bits");
    CHECK_EQ(w & 0xfff, 0xe00 | (200 & 127), "msginfo: set_label leaves the low fields");

    w = ~UINT64_C(0);
    CHECK_EQ(l4_msginfo_get_label(w), label_max, "msginfo: all ones reads the largest label");
    CHECK_EQ(l4_msginfo_get_length(w), 127, "msginfo: all ones reads length 127");
    CHECK_EQ(L4_MSGINFO_LABEL_MASK | L4_MSGINFO_CAPS_UNWRAPPED_MASK | L4_MSGINFO_EXTRA_CAPS_MASK |
                 L4_MSGINFO_LENGTH_MASK,
             ~UINT64_C(0), "msginfo: the fields cover the word");
}

static void test_rights_and_guard(void)
{
    CHECK_EQ(L4_CAP_RIGHTS_READ, 1, "cap_rights: Read is bit 0");
    CHECK_EQ(L4_CAP_RIGHTS_WRITE, 2, "cap_rights: Write is bit 1");
    CHECK_EQ(L4_CAP_RIGHTS_GRANT, 4, "cap_rights: Grant is bit 2");
    CHECK_EQ(L4_CAP_RIGHTS_GRANT_REPLY, 8, "cap_rights: GrantReply is bit 3");
    CHECK_EQ(L4_CAP_RIGHTS_ALL, 0xf, "cap_rights: ALL is the four rights");
    CHECK_EQ(l4_cap_rights_new(1, 0, 0, 1), 9, "cap_rights: new(grant_reply, grant, write, read)");
    CHECK_EQ(l4_cap_rights_get_write(L4_CAP_RIGHTS_WRITE), 1, "cap_rights: get_write");
    CHECK_EQ(L4_VM_RIGHTS_READ | (L4_VM_RIGHTS_WRITE << 4) | (L4_VM_RIGHTS_EXECUTE << 8), 0x421,
             "vm_rights: Read 0, Write 1, Execute 2");
    CHECK_EQ(l4_cnode_guard_new(5, 3), (5u << 6) | 3, "cnode_guard: guard 6..63, guard_size 0..5");
    CHECK_EQ(l4_cnode_guard_get_guard_size(l4_cnode_guard_new(0, 64)), 0,
             "cnode_guard: guard_size 64 is cut to 6 bits");
}

/* --- layout and tables ------------------------------------------------------ */

static void test_ipc_buffer_layout(void)
{
    CHECK_EQ(sizeof(struct l4_ipc_buffer), 1024, "ipc buffer: 1024 bytes");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, tag), 0, "ipc buffer: tag at 0");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, msg), 8, "ipc buffer: msg at 8");
    CHECK_EQ(sizeof(ipcbuf.msg) / sizeof(ipcbuf.msg[0]), 120, "ipc buffer: 120 message words");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, user_data), 968, "ipc buffer: user_data at 968");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, caps_or_badges), 976,
             "ipc buffer: caps_or_badges at 976");
    CHECK_EQ(sizeof(ipcbuf.caps_or_badges) / sizeof(l4_word_t), 3, "ipc buffer: 3 caps_or_badges");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, receive_cnode), 1000,
             "ipc buffer: receive_cnode at 1000");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, receive_index), 1008,
             "ipc buffer: receive_index at 1008");
    CHECK_EQ(offsetof(struct l4_ipc_buffer, receive_depth), 1016,
             "ipc buffer: receive_depth at 1016");
    CHECK_EQ(L4_IPC_BUFFER_OFFSET_CAPS_OR_BADGES, 976, "ipc buffer: offset macro for assembly");
    CHECK_EQ(L4_MSG_REGISTERS, 4, "four message registers in CPU registers");
}

static void test_numbers_and_tables(void)
{
    CHECK_EQ(L4_SYS_CALL, 1, "syscall: Call = 1");
    CHECK_EQ(L4_SYS_REPLY_RECV, 2, "syscall: ReplyRecv = 2");
    CHECK_EQ(L4_SYS_YIELD, 7, "syscall: Yield = 7");
    CHECK_EQ(L4_SYS_DEBUG_CAP_IDENTIFY, 18, "syscall: DebugCapIdentify = 18");
    CHECK_EQ(L4_ERROR_COUNT, 12, "errors: 12 codes");
    CHECK_EQ(L4_CANCELLED, 11, "errors: Cancelled = 11");
    CHECK_EQ(L4_NOT_ENOUGH_MEMORY, 10, "errors: NotEnoughMemory = 10");
    CHECK_EQ(strcmp(l4_error_name(L4_REVOKE_FIRST), "RevokeFirst"), 0, "errors: names");
    CHECK_EQ(l4_error_detail_words(L4_RANGE_ERROR), 2, "errors: RangeError has min and max");
    CHECK_EQ(L4_CAP_NULL, 0, "cap types: Null = 0");
    CHECK_EQ(strcmp(l4_cap_type_name(L4_CAP_CNODE), "CNode"), 0, "cap types: names");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_TCB, 0), 11, "object size: TCB 2 KiB");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_ENDPOINT, 0), 4, "object size: Endpoint 16 B");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_CNODE, 4), 9,
             "object size: CNode radix 4 = 16 slots of 32 B");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_CNODE, 0), 0, "object size: CNode radix 0 is invalid");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_CNODE, 29), 0, "object size: CNode radix 29 is invalid");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_UNTYPED, 47), 47, "object size: Untyped up to 2^47");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_UNTYPED, 3), 0,
             "object size: Untyped below 2^4 is invalid");
    CHECK_EQ(l4_object_size_bits(L4_OBJECT_FRAME_2M, 0), 21, "object size: Frame2M 2 MiB");
    CHECK_EQ(l4_object_size_bits(L4_CAP_IRQ_CONTROL, 0), 0,
             "object size: IRQControl is not retypable");

    CHECK_EQ(L4_LABEL_INVALID, 0, "labels: 0 is invalid");
    CHECK_EQ(L4_LABEL_UNTYPED_RETYPE, 1, "labels: Untyped Retype is 1");
    CHECK_EQ(L4_LABEL_TCB_WRITE_FPU, L4_LABEL_COUNT - 1, "labels: the last label is COUNT - 1");
    CHECK_EQ(l4_label_min_length(L4_LABEL_CNODE_COPY), 5, "labels: CNode Copy has 5 words");
    CHECK_EQ(l4_label_extra_caps(L4_LABEL_CNODE_COPY), 1, "labels: CNode Copy has 1 extra cap");
    CHECK_EQ(l4_label_extra_caps(L4_LABEL_TCB_CONFIGURE), 3, "labels: TCB Configure has 3 caps");
    CHECK_EQ(l4_label_min_length(0), 0, "labels: label 0 has no shape");
    CHECK_EQ(l4_label_applies_to(L4_LABEL_PAGE_TABLE_MAP, L4_CAP_PD), 1,
             "labels: PageTableMap applies to PD");
    CHECK_EQ(l4_label_applies_to(L4_LABEL_PAGE_TABLE_MAP, L4_CAP_PML4), 0,
             "labels: PageTableMap does not apply to PML4");
    CHECK_EQ(l4_label_applies_to(L4_LABEL_FRAME_MAP, L4_CAP_FRAME_2M), 1,
             "labels: FrameMap applies to Frame2M");
    CHECK_EQ(strcmp(l4_label_name(L4_LABEL_TCB_SET_MC_PRIORITY), "TCBSetMCPriority"), 0,
             "labels: names");
    CHECK_EQ(L4_MR_CNODE_COPY_SRC_INDEX, 2, "args: CNode Copy src_index is MR2 (caps take no MR)");
    CHECK_EQ(L4_XCAP_CNODE_COPY_SRC_ROOT, 0, "args: CNode Copy src_root is extra cap 0");
    CHECK_EQ(L4_ARG_CNODE_COPY_SRC_INDEX, 3, "args: CNode Copy src_index is argument 3");
}

/* --- stubs --------------------------------------------------------------------- */

static void test_stub_packing(void)
{
    l4_error_t e;

    reset();
    e = l4_cnode_copy(10, 20, 8, 30, 40, 50, L4_CAP_RIGHTS_READ);
    CHECK_EQ(e, L4_NO_ERROR, "cnode_copy: returns the status");
    CHECK_EQ(seen.sysno, L4_SYS_CALL, "cnode_copy: uses Call");
    CHECK_EQ(seen.cptr, 10, "cnode_copy: invoked cptr in the cptr register");
    CHECK_EQ(l4_msginfo_get_label(seen.info), L4_LABEL_CNODE_COPY, "cnode_copy: label");
    CHECK_EQ(l4_msginfo_get_length(seen.info), 5, "cnode_copy: 5 message words");
    CHECK_EQ(l4_msginfo_get_extra_caps(seen.info), 1, "cnode_copy: 1 extra cap");
    CHECK_EQ(seen.mr[0], 20, "cnode_copy: dest_index in MR0");
    CHECK_EQ(seen.mr[1], 8, "cnode_copy: dest_depth in MR1");
    CHECK_EQ(seen.mr[2], 40, "cnode_copy: src_index in MR2");
    CHECK_EQ(seen.mr[3], 50, "cnode_copy: src_depth in MR3");
    CHECK_EQ(seen.buf.msg[4], L4_CAP_RIGHTS_READ, "cnode_copy: rights in MR4 (IPC buffer)");
    CHECK_EQ(seen.buf.caps_or_badges[0], 30, "cnode_copy: src_root is extra cap 0");
    CHECK_EQ(seen.reply, L4_CPTR_NULL, "cnode_copy: no reply cptr");

    reset();
    l4_untyped_retype(1, L4_OBJECT_CNODE, 6, 2, 0x40, 7, 100, 16);
    CHECK_EQ(seen.mr[0], L4_OBJECT_CNODE, "untyped_retype: type in MR0");
    CHECK_EQ(seen.mr[1], 6, "untyped_retype: size_bits in MR1");
    CHECK_EQ(seen.mr[2], 0x40, "untyped_retype: node_index in MR2");
    CHECK_EQ(seen.mr[3], 7, "untyped_retype: node_depth in MR3");
    CHECK_EQ(seen.buf.msg[4], 100, "untyped_retype: node_offset in MR4");
    CHECK_EQ(seen.buf.msg[5], 16, "untyped_retype: num_objects in MR5");
    CHECK_EQ(seen.buf.caps_or_badges[0], 2, "untyped_retype: root is extra cap 0");
    CHECK_EQ(l4_msginfo_get_length(seen.info), 6, "untyped_retype: 6 words");

    reset();
    l4_tcb_configure(3, 11, 12, l4_cnode_guard_new(0, 4), 13, 0x7000, 14);
    CHECK_EQ(seen.mr[0], 11, "tcb_configure: fault_ep in MR0");
    CHECK_EQ(seen.mr[1], 4, "tcb_configure: cspace_root_data in MR1");
    CHECK_EQ(seen.mr[2], 0x7000, "tcb_configure: ipc_buffer_addr in MR2");
    CHECK_EQ(seen.buf.caps_or_badges[0], 12, "tcb_configure: cspace_root is extra cap 0");
    CHECK_EQ(seen.buf.caps_or_badges[1], 13, "tcb_configure: vspace_root is extra cap 1");
    CHECK_EQ(seen.buf.caps_or_badges[2], 14, "tcb_configure: ipc_buffer_frame is extra cap 2");
    CHECK_EQ(l4_msginfo_get_extra_caps(seen.info), 3, "tcb_configure: 3 extra caps");

    reset();
    l4_io_port_out8(9, 0x3f8, 0x41);
    CHECK_EQ(seen.mr[0], 0x3f8, "io_port_out8: port in MR0");
    CHECK_EQ(seen.mr[1], 0x41, "io_port_out8: value in MR1");
    CHECK_EQ(l4_msginfo_get_label(seen.info), L4_LABEL_IO_PORT_OUT8, "io_port_out8: label");
}

static void test_stub_replies(void)
{
    l4_word_t paddr = 0xdead;
    uint8_t byte = 0;
    l4_error_t e;

    reset();
    answer.mr[0] = 0x1234000;
    e = l4_frame_get_address(5, &paddr);
    CHECK_EQ(e, L4_NO_ERROR, "frame_get_address: NoError");
    CHECK_EQ(paddr, 0x1234000, "frame_get_address: paddr from reply MR0");
    CHECK_EQ(l4_msginfo_get_length(seen.info), 0, "frame_get_address: empty request");

    reset();
    paddr = 0xdead;
    answer.status = L4_INVALID_CAPABILITY;
    answer.mr[0] = 0x1234000;
    e = l4_frame_get_address(5, &paddr);
    CHECK_EQ(e, L4_INVALID_CAPABILITY, "frame_get_address: error returned");
    CHECK_EQ(paddr, 0xdead, "frame_get_address: out-value untouched on error");

    reset();
    answer.status = L4_RANGE_ERROR;
    answer.mr[0] = 1;
    answer.mr[1] = 64;
    e = l4_cnode_delete(2, 0x10, 0);
    CHECK_EQ(e, L4_RANGE_ERROR, "cnode_delete: RangeError returned");
    CHECK_EQ(l4_get_mr(0), 1, "error detail: MR0 (min) readable with l4_get_mr");
    CHECK_EQ(l4_get_mr(1), 64, "error detail: MR1 (max) readable with l4_get_mr");

    reset();
    answer.mr[0] = 0x1ff;
    l4_io_port_in8(9, 0x60, &byte);
    CHECK_EQ(byte, 0xff, "io_port_in8: value is a byte");
}

static void test_stub_registers(void)
{
    struct l4_user_context ctx, back;
    unsigned i;

    for (i = 0; i < L4_USER_CONTEXT_WORDS; i++)
        l4_user_context_set_word(&ctx, i, 0x100 + i);
    CHECK_EQ(ctx.rip, 0x100, "user context: word 0 is rip");
    CHECK_EQ(ctx.gs_base, 0x100 + 19, "user context: word 19 is gs_base");

    reset();
    l4_tcb_write_registers(4, true, L4_USER_CONTEXT_WORDS, &ctx);
    CHECK_EQ(l4_msginfo_get_length(seen.info), 2 + L4_USER_CONTEXT_WORDS,
             "write_registers: 2 + count words");
    CHECK_EQ(seen.mr[0], 1, "write_registers: resume_target in MR0");
    CHECK_EQ(seen.mr[1], L4_USER_CONTEXT_WORDS, "write_registers: count in MR1");
    CHECK_EQ(seen.mr[2], ctx.rip, "write_registers: rip in MR2");
    CHECK_EQ(seen.mr[3], ctx.rsp, "write_registers: rsp in MR3");
    CHECK_EQ(seen.buf.msg[4], ctx.rflags, "write_registers: rflags in MR4");
    CHECK_EQ(seen.buf.msg[21], ctx.gs_base, "write_registers: gs_base in MR21");

    reset();
    l4_tcb_write_registers(4, false, 100, &ctx);
    CHECK_EQ(l4_msginfo_get_length(seen.info), 2 + L4_USER_CONTEXT_WORDS,
             "write_registers: words sent are capped at the context size");
    CHECK_EQ(seen.mr[1], 100, "write_registers: count is passed as given");

    reset();
    answer.info = l4_msginfo_new(0, 0, 0, L4_USER_CONTEXT_WORDS);
    answer.write_msg = 1;
    for (i = 0; i < L4_USER_CONTEXT_WORDS; i++) {
        if (i < L4_MSG_REGISTERS)
            answer.mr[i] = 0x200 + i;
        else
            answer.msg[i] = 0x200 + i;
    }
    memset(&back, 0, sizeof(back));
    l4_tcb_read_registers(4, false, L4_USER_CONTEXT_WORDS, &back);
    CHECK_EQ(seen.mr[1], L4_USER_CONTEXT_WORDS, "read_registers: count in MR1");
    CHECK_EQ(back.rip, 0x200, "read_registers: rip from reply MR0");
    CHECK_EQ(back.r10, 0x200 + 12, "read_registers: r10 from reply MR12 (IPC buffer)");
    CHECK_EQ(back.gs_base, 0x200 + 19, "read_registers: gs_base from reply MR19");

    reset();
    answer.info = l4_msginfo_new(0, 0, 0, 2);
    answer.mr[0] = 0x77;
    answer.mr[1] = 0x88;
    memset(&back, 0, sizeof(back));
    l4_tcb_read_registers(4, false, 2, &back);
    CHECK_EQ(back.rsp, 0x88, "read_registers: short reply fills the first words");
    CHECK_EQ(back.rflags, 0, "read_registers: short reply leaves the rest");
}

static void test_syscall_wrappers(void)
{
    l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {1, 2, 3, 4};
    l4_msginfo_t info = 0;
    l4_error_t e;

    reset();
    l4_signal(7);
    CHECK_EQ(seen.sysno, L4_SYS_SEND, "signal: is Send");
    CHECK_EQ(seen.cptr, 7, "signal: notification cptr");
    CHECK_EQ(seen.info, 0, "signal: empty message");

    reset();
    answer.cptr = 0x55;
    l4_wait(8, &badge);
    CHECK_EQ(seen.sysno, L4_SYS_RECV, "wait: is Recv");
    CHECK_EQ(seen.reply, L4_CPTR_NULL, "wait: no reply object");
    CHECK_EQ(badge, 0x55, "wait: badge from the cptr register");

    reset();
    l4_poll(8, NULL);
    CHECK_EQ(seen.sysno, L4_SYS_NBRECV, "poll: is NBRecv");

    reset();
    ipcbuf.msg[0] = 0xa0;
    ipcbuf.msg[3] = 0xa3;
    answer.info = 0x5001;
    answer.mr[0] = 0xb0;
    answer.mr[3] = 0xb3;
    e = l4_call(6, l4_msginfo_new(5, 0, 0, 4), &info);
    CHECK_EQ(e, L4_NO_ERROR, "call: status");
    CHECK_EQ(seen.mr[0], 0xa0, "call: MR0 loaded from the IPC buffer");
    CHECK_EQ(seen.mr[3], 0xa3, "call: MR3 loaded from the IPC buffer");
    CHECK_EQ(ipcbuf.msg[0], 0xb0, "call: reply MR0 stored in the IPC buffer");
    CHECK_EQ(ipcbuf.msg[3], 0xb3, "call: reply MR3 stored in the IPC buffer");
    CHECK_EQ(info, 0x5001, "call: reply message info");

    reset();
    answer.cptr = 0x99;
    answer.mr[2] = 0xc2;
    l4_reply_recv_mrs(6, 0, 21, &badge, &info, mrs);
    CHECK_EQ(seen.sysno, L4_SYS_REPLY_RECV, "reply_recv_mrs: is ReplyRecv");
    CHECK_EQ(seen.reply, 21, "reply_recv_mrs: reply cptr in the reply register");
    CHECK_EQ(seen.mr[1], 2, "reply_recv_mrs: MR1 from mrs[]");
    CHECK_EQ(mrs[2], 0xc2, "reply_recv_mrs: received MR2 into mrs[]");
    CHECK_EQ(badge, 0x99, "reply_recv_mrs: badge");

    reset();
    answer.status = L4_CAP_TCB;
    CHECK_EQ(l4_debug_cap_identify(3), L4_CAP_TCB,
             "debug_cap_identify: type in the status register");
    CHECK_EQ(seen.sysno, L4_SYS_DEBUG_CAP_IDENTIFY, "debug_cap_identify: number");

    reset();
    l4_debug_name_thread(2, "pager");
    CHECK_EQ(strcmp((const char *)seen.buf.msg, "pager"), 0, "debug_name_thread: name in msg");
}

int main(void)
{
    printf("TAP version 13\n");
    test_msginfo();
    test_rights_and_guard();
    test_ipc_buffer_layout();
    test_numbers_and_tables();
    test_stub_packing();
    test_stub_replies();
    test_stub_registers();
    test_syscall_wrappers();
    printf("1..%d\n", checks);
    return failures ? 1 : 0;
}
