/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of I/O port capabilities (docs/kernel/interrupts.md,
 * "I/O ports").
 *
 * IOPortControlIssue makes an IOPort capability for a range that no other
 * issued capability covers, and never for the kernel's own ports (PICs,
 * the power-off port); the range is free again once the last copy is
 * deleted or IOPortControl revoked. Ports, values and depths are whole
 * words: beyond 0xffff, the access width or 64 they are RangeError, never
 * cut to their low bits. In and Out of each width reach the device only
 * when the whole access lies in the range (checked at both edges), on real
 * q35 devices: the CMOS RAM (0x70/0x71), the PCI configuration ports
 * (0xcf8-0xcff), whose host bridge has a known ID, and COM1 (0x3f8-0x3ff),
 * the kernel console's UART, which a user-level driver may now own: its
 * scratch register, its transmitter and its interrupt, IRQ 4.
 * User mode never executes IN or OUT itself: a thread that tries is
 * suspended at the instruction, capability or not. Every test revokes
 * IOPortControl first and last, so a failed test leaves nothing issued.
 */
#include "utest.h"

#define CTRL L4_ROOT_SLOT_IOPORT_CONTROL

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define CMOS_SCRATCH 0x5a /* a general-purpose CMOS RAM byte */
#define PCI_ADDR     0xcf8
#define PCI_DATA     0xcfc
#define PCI_LAST     0xcff
#define Q35_HOST_ID  0x29c08086u /* Intel Q35 host bridge: device << 16 | vendor */

/* --- Helpers ------------------------------------------------------------------ */

static void reset(void)
{
    l4_cnode_revoke(UT_CNODE, CTRL, UT_DEPTH);
}

/* An IOPort capability for first..last in a fresh slot; 0 on error. */
static l4_cptr_t issue(l4_word_t first, l4_word_t last)
{
    l4_cptr_t s = ut_slot();
    if (!s || l4_io_port_control_issue(CTRL, first, last, UT_CNODE, s, UT_DEPTH) != L4_NO_ERROR)
        return 0;
    return s;
}

static l4_error_t issue_at(l4_word_t first, l4_word_t last)
{
    l4_cptr_t s = ut_slot();
    l4_error_t e = l4_io_port_control_issue(CTRL, first, last, UT_CNODE, s, UT_DEPTH);
    if (e == L4_NO_ERROR)
        ut_delete(s);
    return e;
}

static uint8_t in8(l4_cptr_t p, l4_word_t port)
{
    uint8_t v = 0;
    return l4_io_port_in8(p, port, &v) == L4_NO_ERROR ? v : 0xee;
}

/* --- Issue ------------------------------------------------------------------- */

UTEST(ioport_issue_identify, "Issue puts an IOPort capability in an empty slot; Delete removes it")
{
    reset();
    l4_cptr_t p = issue(CMOS_INDEX, CMOS_DATA);
    UT_ASSERT(p);
    UT_EQ(ut_id(p), L4_CAP_IO_PORT);
    UT_OK(ut_delete(p));
    UT_EQ(ut_id(p), L4_CAP_NULL);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ioport_issue_last_below_first, "Issue with last_port below first_port is InvalidArgument "
                                     "(argument 1)")
{
    reset();
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_io_port_control_issue(CTRL, 0x71, 0x70, UT_CNODE, s, UT_DEPTH), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_IO_PORT_CONTROL_ISSUE_LAST_PORT);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(issue_at(0x70, 0x70)); /* a single port is a range */
}

UTEST(ioport_issue_overlap, "a range that shares any port with an issued one is RevokeFirst; "
                            "adjacent ranges are fine")
{
    reset();
    l4_cptr_t p = issue(0x70, 0x71);
    UT_ASSERT(p);
    UT_ERR(issue_at(0x70, 0x71), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0x71, 0x72), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0x6f, 0x70), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0x60, 0x80), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0x71, 0x71), L4_REVOKE_FIRST);
    l4_cptr_t below = issue(0x6f, 0x6f), above = issue(0x72, 0x72);
    UT_ASSERT(below && above);
    UT_OK(ut_delete(below));
    UT_OK(ut_delete(above));
    UT_OK(ut_delete(p));
    UT_OK(issue_at(0x60, 0x80)); /* all free again */
}

UTEST(ioport_issue_word_edges, "ranges meeting at a 64-port bitmap word boundary, and the very "
                               "first and last ports, are tracked exactly")
{
    reset();
    l4_cptr_t a = issue(0x13f, 0x140), b = issue(0xffff, 0xffff), c = issue(0x0, 0x1f);
    UT_ASSERT(a && b && c);
    UT_ERR(issue_at(0x100, 0x13f), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0x140, 0x17f), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0xff00, 0xffff), L4_REVOKE_FIRST);
    UT_ERR(issue_at(0x1f, 0x1f), L4_REVOKE_FIRST);
    UT_OK(issue_at(0x100, 0x13e));
    UT_OK(issue_at(0x141, 0x17f));
    UT_OK(issue_at(0xff00, 0xfffe));
    UT_OK(ut_delete(a));
    UT_OK(ut_delete(b));
    UT_OK(ut_delete(c));
    UT_OK(issue_at(0x100, 0x17f));
    UT_OK(issue_at(0xfff0, 0xffff));
}

UTEST(ioport_issue_kernel_ports, "the kernel's own ports (PICs, power-off) are never issued: "
                                 "RevokeFirst; COM1 is no longer among them")
{
    reset();
    static const uint16_t ranges[][2] = {
        {0x20, 0x20}, {0x21, 0x21},  {0xa0, 0xa1}, {0xf4, 0xf4},
        {0xf7, 0xf7}, {0x0, 0xffff}, {0xf0, 0xf4}, {0x1f, 0x20},
    };
    for (unsigned i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        UT_ERR(issue_at(ranges[i][0], ranges[i][1]), L4_REVOKE_FIRST);
    /* their neighbours are free, and so is COM1 */
    UT_OK(issue_at(0x3f0, 0x3f7));
    UT_OK(issue_at(0x400, 0x400));
    UT_OK(issue_at(0x22, 0x9f));
    UT_OK(issue_at(0xa2, 0xf3));
    UT_OK(issue_at(0xf8, 0x3ef));
    UT_OK(issue_at(0x3f8, 0x3ff));
    UT_OK(issue_at(0x3f0, 0x400));
}

UTEST(ioport_issue_wide_words, "Issue refuses a port above 0xffff (RangeError [0, 0xffff]) and a "
                               "depth above 64 however its low byte reads, instead of cutting "
                               "them to 16 or 8 bits; nothing is issued")
{
    reset();
    l4_cptr_t s = ut_slot();
    static const l4_word_t ranges[][2] = {
        {0x10070, 0x10071},    {0x70, 0x10071},
        {0x10000, 0x10000},    {UINT64_C(1) << 63 | 0x70, 0x71},
        {0x70, ~(l4_word_t)0},
    };
    for (unsigned i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        UT_ERR(l4_io_port_control_issue(CTRL, ranges[i][0], ranges[i][1], UT_CNODE, s, UT_DEPTH),
               L4_RANGE_ERROR);
        UT_EQ(l4_get_mr(0), 0);
        UT_EQ(l4_get_mr(1), 0xffff);
        UT_EQ(ut_id(s), L4_CAP_NULL);
    }
    /* 0x100 + UT_DEPTH has UT_DEPTH as its low byte */
    UT_ERR(l4_io_port_control_issue(CTRL, 0x70, 0x71, UT_CNODE, s, 0x100 + UT_DEPTH),
           L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), 64);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(issue_at(0x70, 0x71)); /* none of them marked 0x70-0x71 */
    UT_OK(issue_at(0x0, 0x0));
    UT_OK(issue_at(0xffff, 0xffff));
}

UTEST(ioport_issue_slot_errors, "Issue: depth 0 or 65 is RangeError [1, 64], an occupied slot "
                                "DeleteFirst, a guard mismatch FailedLookup, a root that is no "
                                "CNode InvalidCapability; nothing is issued")
{
    reset();
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_io_port_control_issue(CTRL, 0x70, 0x71, UT_CNODE, s, 0), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), 64);
    UT_ERR(l4_io_port_control_issue(CTRL, 0x70, 0x71, UT_CNODE, s, 65), L4_RANGE_ERROR);
    UT_ERR(l4_io_port_control_issue(CTRL, 0x70, 0x71, UT_CNODE, L4_ROOT_SLOT_TCB, UT_DEPTH),
           L4_DELETE_FIRST);
    UT_ERR(l4_io_port_control_issue(CTRL, 0x70, 0x71, UT_CNODE, UINT64_C(1) << 63 | s, UT_DEPTH),
           L4_FAILED_LOOKUP);
    UT_EQ(l4_get_mr(0), 0);
    UT_ERR(l4_io_port_control_issue(CTRL, 0x70, 0x71, L4_ROOT_SLOT_TCB, s, UT_DEPTH),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_IO_PORT_CONTROL_ISSUE_DEST_ROOT);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(issue_at(0x70, 0x71)); /* no failed Issue marked the range */
}

UTEST(ioport_wrong_labels, "IOPort labels on other capabilities, and other labels on IOPort "
                           "capabilities, are IllegalOperation; short messages TruncatedMessage")
{
    reset();
    l4_cptr_t p = issue(0x80, 0x80);
    UT_ASSERT(p);
    uint8_t v;
    UT_ERR(l4_io_port_in8(CTRL, 0x80, &v), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_io_port_in8(L4_ROOT_SLOT_TCB, 0x80, &v), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_io_port_control_issue(p, 0x90, 0x90, UT_CNODE, ut_slot(), UT_DEPTH),
           L4_ILLEGAL_OPERATION);
    UT_ERR(l4_irq_handler_ack(p), L4_ILLEGAL_OPERATION);
    UT_ERR(
        l4_cnode_copy(UT_CNODE, ut_slot(), UT_DEPTH, UT_CNODE, CTRL, UT_DEPTH, L4_CAP_RIGHTS_ALL),
        L4_ILLEGAL_OPERATION);                  /* IOPortControl exists once */
    UT_EQ(ut_mint(p, L4_CAP_RIGHTS_ALL, 5), 0); /* no badges on IOPort capabilities */
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x80};
    UT_ERR(l4_call_mrs(p, l4_msginfo_new(L4_LABEL_IO_PORT_OUT8, 0, 0, 1), NULL, mrs),
           L4_TRUNCATED_MESSAGE);
    l4_word_t mrs2[L4_MSG_REGISTERS] = {0};
    UT_ERR(l4_call_mrs(p, l4_msginfo_new(L4_LABEL_IO_PORT_IN8, 0, 0, 0), NULL, mrs2),
           L4_TRUNCATED_MESSAGE);
    UT_OK(ut_delete(p));
}

/* --- In and Out ---------------------------------------------------------------- */

UTEST(ioport_cmos_byte_io, "Out8 and In8 reach the device: a CMOS RAM byte written through the "
                           "index and data ports reads back")
{
    reset();
    l4_cptr_t p = issue(CMOS_INDEX, CMOS_DATA);
    UT_ASSERT(p);
    static const uint8_t values[] = {0xa5, 0x5a, 0x00, 0xff};
    for (unsigned i = 0; i < sizeof values; i++) {
        UT_OK(l4_io_port_out8(p, CMOS_INDEX, CMOS_SCRATCH));
        UT_OK(l4_io_port_out8(p, CMOS_DATA, values[i]));
        UT_OK(l4_io_port_out8(p, CMOS_INDEX, CMOS_SCRATCH));
        UT_EQ(in8(p, CMOS_DATA), values[i]);
    }
    UT_OK(ut_delete(p));
}

UTEST(ioport_pci_config_wide_io, "Out32 and In32/In16/In8 reach the PCI configuration ports: "
                                 "the q35 host bridge's vendor and device ID")
{
    reset();
    l4_cptr_t p = issue(PCI_ADDR, PCI_LAST);
    UT_ASSERT(p);
    uint32_t v32 = 0;
    uint16_t v16 = 0;
    UT_OK(l4_io_port_out32(p, PCI_ADDR, 0x80000000u)); /* bus 0, device 0, function 0, reg 0 */
    UT_OK(l4_io_port_in32(p, PCI_ADDR, &v32));
    UT_EQ(v32, 0x80000000u);
    UT_OK(l4_io_port_in32(p, PCI_DATA, &v32));
    UT_EQ(v32, Q35_HOST_ID);
    UT_OK(l4_io_port_in16(p, PCI_DATA, &v16));
    UT_EQ(v16, Q35_HOST_ID & 0xffff);
    UT_OK(l4_io_port_in16(p, PCI_DATA + 2, &v16));
    UT_EQ(v16, Q35_HOST_ID >> 16);
    UT_EQ(in8(p, PCI_DATA + 1), (Q35_HOST_ID >> 8) & 0xff);
    UT_EQ(in8(p, PCI_LAST), Q35_HOST_ID >> 24);
    UT_OK(ut_delete(p));
}

UTEST(ioport_in_range_edges, "In8/16/32 must lie wholly in the range: the last 1, 2 or 4 ports "
                             "are the edge, one past is InvalidArgument (argument 0)")
{
    reset();
    l4_cptr_t p = issue(PCI_ADDR, PCI_LAST);
    UT_ASSERT(p);
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    UT_OK(l4_io_port_in8(p, PCI_ADDR, &v8));
    UT_OK(l4_io_port_in8(p, PCI_LAST, &v8));
    UT_ERR(l4_io_port_in8(p, PCI_ADDR - 1, &v8), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_IO_PORT_IN8_PORT);
    UT_ERR(l4_io_port_in8(p, PCI_LAST + 1, &v8), L4_INVALID_ARGUMENT);
    UT_OK(l4_io_port_in16(p, PCI_ADDR, &v16));
    UT_OK(l4_io_port_in16(p, PCI_LAST - 1, &v16));
    UT_ERR(l4_io_port_in16(p, PCI_LAST, &v16), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_in16(p, PCI_ADDR - 1, &v16), L4_INVALID_ARGUMENT);
    UT_OK(l4_io_port_in32(p, PCI_ADDR, &v32));
    UT_OK(l4_io_port_in32(p, PCI_LAST - 3, &v32));
    UT_ERR(l4_io_port_in32(p, PCI_LAST - 2, &v32), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_in32(p, PCI_LAST, &v32), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_in32(p, PCI_ADDR - 1, &v32), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_in32(p, PCI_ADDR - 3, &v32), L4_INVALID_ARGUMENT);
    UT_OK(ut_delete(p));
}

UTEST(ioport_out_range_edges, "Out8/16/32 must lie wholly in the range; a refused Out has no "
                              "effect on the device")
{
    reset();
    l4_cptr_t p = issue(PCI_ADDR, PCI_LAST);
    UT_ASSERT(p);
    uint32_t v32 = 0;
    UT_OK(l4_io_port_out32(p, PCI_ADDR, 0x80000000u));
    UT_ERR(l4_io_port_out8(p, PCI_ADDR - 1, 1), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_IO_PORT_OUT8_PORT);
    UT_ERR(l4_io_port_out8(p, PCI_LAST + 1, 1), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_out16(p, PCI_LAST, 1), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_out16(p, PCI_ADDR - 1, 1), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_out32(p, PCI_LAST - 2, 1), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_out32(p, PCI_ADDR - 2, 0x80000800u), L4_INVALID_ARGUMENT);
    UT_OK(l4_io_port_in32(p, PCI_ADDR, &v32));
    UT_EQ(v32, 0x80000000u);                     /* untouched */
    UT_OK(l4_io_port_out32(p, PCI_LAST - 3, 0)); /* the last four ports: allowed */
    UT_OK(ut_delete(p));

    l4_cptr_t one = issue(CMOS_INDEX, CMOS_INDEX); /* a single port */
    UT_ASSERT(one);
    UT_OK(l4_io_port_out8(one, CMOS_INDEX, CMOS_SCRATCH));
    UT_ERR(l4_io_port_out16(one, CMOS_INDEX, 0), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_out32(one, CMOS_INDEX, 0), L4_INVALID_ARGUMENT);
    uint16_t v16;
    UT_ERR(l4_io_port_in16(one, CMOS_INDEX, &v16), L4_INVALID_ARGUMENT);
    UT_ERR(l4_io_port_out8(one, CMOS_DATA, 0), L4_INVALID_ARGUMENT);
    UT_OK(ut_delete(one));
}

UTEST(ioport_in_out_wide_words, "In and Out refuse a port above 0xffff whose low 16 bits lie in "
                                "the range, and an Out value wider than the access: "
                                "RangeError, and the device is not touched")
{
    reset();
    l4_cptr_t p = issue(CMOS_INDEX, CMOS_DATA);
    UT_ASSERT(p);
    UT_OK(l4_io_port_out8(p, CMOS_INDEX, CMOS_SCRATCH));
    UT_OK(l4_io_port_out8(p, CMOS_DATA, 0x11));
    uint8_t v8;
    uint16_t v16;
    UT_ERR(l4_io_port_in8(p, 0x10000 | CMOS_DATA, &v8), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(l4_get_mr(1), 0xffff);
    UT_ERR(l4_io_port_in16(p, UINT64_C(0xffffffff00000000) | CMOS_INDEX, &v16), L4_RANGE_ERROR);
    UT_ERR(l4_io_port_out8(p, 0x10000 | CMOS_DATA, 0x22), L4_RANGE_ERROR);
    UT_ERR(l4_io_port_out8(p, CMOS_DATA, 0x122), L4_RANGE_ERROR); /* low byte 0x22 */
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(l4_get_mr(1), 0xff);
    UT_ERR(l4_io_port_out16(p, CMOS_INDEX, 0x10000 | CMOS_SCRATCH), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 0xffff);
    UT_OK(l4_io_port_out8(p, CMOS_INDEX, CMOS_SCRATCH));
    UT_EQ(in8(p, CMOS_DATA), 0x11); /* no refused Out reached the device */
    UT_OK(ut_delete(p));

    l4_cptr_t pci = issue(PCI_ADDR, PCI_LAST);
    UT_ASSERT(pci);
    UT_ERR(l4_io_port_out32(pci, PCI_ADDR, UINT64_C(0x180000000)), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 0xffffffff);
    UT_OK(l4_io_port_out32(pci, PCI_ADDR, 0xffffffffu));
    UT_OK(ut_delete(pci));
}

/* --- COM1: the console UART at user level ------------------------------------------ */

#define COM1         0x3f8
#define COM1_IER     (COM1 + 1)
#define COM1_IIR     (COM1 + 2)
#define COM1_MCR     (COM1 + 4)
#define COM1_LSR     (COM1 + 5)
#define COM1_SCRATCH (COM1 + 7)
#define COM1_IRQ     4
#define LSR_THRE     0x20

/* Send s through COM1's transmitter by IOPort Out8, polling LSR. */
static l4_error_t com1_write(l4_cptr_t p, const char *s)
{
    for (; *s; s++) {
        for (unsigned i = 0; i < 100000 && !(in8(p, COM1_LSR) & LSR_THRE); i++)
            ;
        l4_error_t e = l4_io_port_out8(p, COM1, (uint8_t)*s);
        if (e != L4_NO_ERROR)
            return e;
    }
    return L4_NO_ERROR;
}

UTEST(ioport_com1_driver, "COM1's ports are issued to user level: the scratch register reads "
                          "back what Out8 wrote, bytes sent through the transmitter reach the "
                          "serial line, and deleting the capability frees the range")
{
    reset();
    l4_cptr_t p = issue(COM1, COM1 + 7);
    UT_ASSERT(p);
    UT_EQ(ut_id(p), L4_CAP_IO_PORT);
    static const uint8_t values[] = {0x5a, 0xa5, 0x00, 0xff};
    for (unsigned i = 0; i < sizeof values; i++) {
        UT_OK(l4_io_port_out8(p, COM1_SCRATCH, values[i]));
        UT_EQ(in8(p, COM1_SCRATCH), values[i]);
    }
    UT_ASSERT(in8(p, COM1_LSR) != 0xee);
    /* a TAP comment, written by the driver, between the runner's lines */
    UT_OK(com1_write(p, "# ioport_com1_driver: written through an IOPort capability\r\n"));
    UT_ERR(issue_at(COM1_SCRATCH, COM1_SCRATCH), L4_REVOKE_FIRST);
    UT_OK(ut_delete(p));
    UT_OK(issue_at(COM1, COM1 + 7));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ioport_com1_irq4, "IRQ 4, COM1's interrupt, is obtainable through IRQControl: with the "
                        "transmitter-empty interrupt enabled through the IOPort capability, "
                        "the UART's interrupt signals the handler's notification")
{
    reset();
    l4_cnode_revoke(UT_CNODE, L4_ROOT_SLOT_IRQ_CONTROL, UT_DEPTH);
    l4_cptr_t p = issue(COM1, COM1 + 7), h = ut_slot(), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(p && h && n);
    l4_cptr_t nb = ut_mint(n, L4_CAP_RIGHTS_ALL, 0x40);
    UT_ASSERT(nb);
    UT_OK(l4_irq_control_get(L4_ROOT_SLOT_IRQ_CONTROL, COM1_IRQ, UT_CNODE, h, UT_DEPTH));
    UT_EQ(ut_id(h), L4_CAP_IRQ_HANDLER);
    UT_OK(l4_irq_handler_set_notification(h, nb));
    UT_EQ(ut_poll_word(n), 0);
    /* OUT2 gates the UART's interrupt on PCs; THRE fires at once when the
     * transmitter is empty */
    UT_OK(l4_io_port_out8(p, COM1_MCR, 0x0b));
    UT_OK(l4_io_port_out8(p, COM1_IER, 0x02));
    l4_word_t word = 0;
    for (unsigned i = 0; i < 200000 && !word; i++)
        word = ut_poll_word(n);
    uint8_t iir = in8(p, COM1_IIR); /* reading IIR clears a THRE interrupt */
    UT_OK(l4_io_port_out8(p, COM1_IER, 0x00));
    UT_OK(l4_io_port_out8(p, COM1_MCR, 0x03)); /* as serial_init() left it */
    UT_OK(l4_irq_handler_ack(h));
    UT_EQ(word, 0x40);
    UT_ASSERT((iir & 0x0f) == 0x02 || (iir & 0x0f) == 0x01); /* THRE, or none left */
    UT_OK(l4_irq_handler_clear(h));
    UT_OK(ut_delete(h));
    UT_OK(ut_delete(nb));
    UT_OK(ut_delete(p));
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- Copies and revocation ----------------------------------------------------------- */

UTEST(ioport_copy_shares_range, "copies of an IOPort capability share its range, which is free "
                                "again only once the last copy is deleted")
{
    reset();
    l4_cptr_t p = issue(CMOS_INDEX, CMOS_DATA);
    UT_ASSERT(p);
    l4_cptr_t c = ut_copy(p, L4_CAP_RIGHTS_ALL), m = ut_slot();
    UT_ASSERT(c);
    UT_OK(l4_cnode_move(UT_CNODE, m, UT_DEPTH, UT_CNODE, c, UT_DEPTH));
    UT_OK(ut_delete(p));
    UT_ERR(issue_at(CMOS_INDEX, CMOS_INDEX), L4_REVOKE_FIRST);
    UT_OK(l4_io_port_out8(m, CMOS_INDEX, CMOS_SCRATCH)); /* the moved copy still works */
    UT_OK(l4_io_port_out8(m, CMOS_DATA, 0x3c));
    UT_OK(l4_io_port_out8(m, CMOS_INDEX, CMOS_SCRATCH));
    UT_EQ(in8(m, CMOS_DATA), 0x3c);
    UT_OK(ut_delete(m));
    UT_OK(issue_at(CMOS_INDEX, CMOS_DATA));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ioport_revoke_control, "revoking IOPortControl deletes every IOPort capability and its "
                             "copies, and frees their ranges")
{
    reset();
    l4_cptr_t a = issue(0x70, 0x71), b = issue(0xcf8, 0xcff);
    UT_ASSERT(a && b);
    l4_cptr_t ac = ut_copy(a, L4_CAP_RIGHTS_READ);
    UT_ASSERT(ac);
    UT_OK(l4_cnode_revoke(UT_CNODE, CTRL, UT_DEPTH));
    UT_EQ(ut_id(a), L4_CAP_NULL);
    UT_EQ(ut_id(b), L4_CAP_NULL);
    UT_EQ(ut_id(ac), L4_CAP_NULL);
    UT_EQ(ut_id(CTRL), L4_CAP_IO_PORT_CONTROL);
    UT_OK(issue_at(0x70, 0x71));
    UT_OK(issue_at(0xcf8, 0xcff));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ioport_revoke_original, "revoking an issued IOPort capability deletes its copies but keeps "
                              "it and its range")
{
    reset();
    l4_cptr_t p = issue(0x80, 0x80);
    UT_ASSERT(p);
    l4_cptr_t c1 = ut_copy(p, L4_CAP_RIGHTS_ALL), c2 = ut_copy(p, L4_CAP_RIGHTS_ALL);
    UT_ASSERT(c1 && c2);
    UT_OK(l4_cnode_revoke(UT_CNODE, p, UT_DEPTH));
    UT_EQ(ut_id(c1), L4_CAP_NULL);
    UT_EQ(ut_id(c2), L4_CAP_NULL);
    UT_EQ(ut_id(p), L4_CAP_IO_PORT);
    UT_ERR(issue_at(0x80, 0x80), L4_REVOKE_FIRST);
    UT_OK(ut_delete(p));
    UT_OK(issue_at(0x80, 0x80));
}

/* --- No direct port access from user mode ---------------------------------------- */

/* Thread bodies that execute IN or OUT themselves, each as its first
 * instruction, so the fault's RIP is the function's address. */
void ut_ioport_inb_probe(l4_word_t arg);
void ut_ioport_outb_probe(l4_word_t arg);
void ut_ioport_inl_dx_probe(l4_word_t arg);
__asm__(".pushsection .text\n"
        ".globl ut_ioport_inb_probe\n"
        "ut_ioport_inb_probe:\n"
        "    inb $0x80, %al\n"
        "    ud2\n"
        ".globl ut_ioport_outb_probe\n"
        "ut_ioport_outb_probe:\n"
        "    outb %al, $0x80\n"
        "    ud2\n"
        ".globl ut_ioport_inl_dx_probe\n"
        "ut_ioport_inl_dx_probe:\n"
        "    inl %dx, %eax\n"
        "    ud2\n"
        ".popsection\n");

static l4_word_t rip_of(l4_cptr_t t)
{
    struct l4_user_context ctx = {0};
    return l4_tcb_read_registers(t, 0, 1, &ctx) == L4_NO_ERROR ? ctx.rip : 0;
}

UTEST(ioport_user_in_out_faults, "IN and OUT executed in user mode fault, even with an IOPort "
                                 "capability for the port: the thread is suspended at the "
                                 "instruction")
{
    reset();
    l4_cptr_t p = issue(0x80, 0x80); /* held, but it grants no direct access */
    UT_ASSERT(p && ut_settle_init());
    l4_cptr_t t1 = ut_thread(ut_ioport_inb_probe, 0, 100);
    l4_cptr_t t2 = ut_thread(ut_ioport_outb_probe, 0, 100);
    l4_cptr_t t3 = ut_thread(ut_ioport_inl_dx_probe, 0, 100);
    UT_ASSERT(t1 && t2 && t3);
    UT_OK(ut_settle());
    UT_EQ(rip_of(t1), (l4_word_t)ut_ioport_inb_probe);
    UT_EQ(rip_of(t2), (l4_word_t)ut_ioport_outb_probe);
    UT_EQ(rip_of(t3), (l4_word_t)ut_ioport_inl_dx_probe);
    /* Resume executes the instruction again, which faults again */
    UT_OK(l4_tcb_resume(t1));
    UT_OK(ut_settle());
    UT_EQ(rip_of(t1), (l4_word_t)ut_ioport_inb_probe);
    UT_OK(ut_delete(p));
    UT_EQ(l4_debug_check_invariants(), 0);
}
