/* SPDX-License-Identifier: MIT */
/*
 * The wall clock: the CMOS RTC (ports 0x70 index, 0x71 data), read once
 * at start-up, gives the Unix time at the PV clock's 0 that every page
 * publishes (wall_ns in struct l4_pv_clock).
 *
 * A reading: wait while status A says an update is in progress, read the
 * date registers, and read them again until two readings agree (an update
 * between them changes a field), at most a few rounds. The RTC counts
 * whole seconds, so the wall clock is behind the true time by less than a
 * second; the decoding (BCD or binary, 12 or 24 hours, the century) is
 * rtc_time.c's. Without the "rtc" capability, or with a date that does
 * not decode, the wall clock stays 0 (none): guests then count from 1970.
 */
#include <l4/debug.h>
#include <l4/stubs_gen.h>
#include "irq.h"
#include "rtc_time.h"

#define RTC_INDEX  0x70
#define RTC_DATA   0x71
#define UIP_POLLS  100000u
#define RTC_ROUNDS 8u

static uint8_t rtc_in(const struct irq_server *s, uint8_t reg)
{
    uint8_t v = 0;
    if (l4_io_port_out8(s->rtc, RTC_INDEX, reg) != L4_NO_ERROR ||
        l4_io_port_in8(s->rtc, RTC_DATA, &v) != L4_NO_ERROR)
        return 0xff;
    return v;
}

static void rtc_read(const struct irq_server *s, struct irq_rtc_regs *r)
{
    for (unsigned i = 0; i < UIP_POLLS && (rtc_in(s, IRQ_RTC_STATUS_A) & IRQ_RTC_A_UIP); i++)
        ;
    r->sec = rtc_in(s, IRQ_RTC_SECONDS);
    r->min = rtc_in(s, IRQ_RTC_MINUTES);
    r->hour = rtc_in(s, IRQ_RTC_HOURS);
    r->day = rtc_in(s, IRQ_RTC_DAY);
    r->month = rtc_in(s, IRQ_RTC_MONTH);
    r->year = rtc_in(s, IRQ_RTC_YEAR);
    r->century = rtc_in(s, IRQ_RTC_CENTURY);
    r->status_b = rtc_in(s, IRQ_RTC_STATUS_B);
}

void irq_rtc_init(struct irq_server *s)
{
    s->wall_ns = 0;
    if (!s->rtc)
        return;
    struct irq_rtc_regs a, b;
    rtc_read(s, &a);
    uint64_t now = irq_now(s);
    for (unsigned round = 0; round < RTC_ROUNDS; round++) {
        rtc_read(s, &b);
        if (__builtin_memcmp(&a, &b, sizeof a) == 0)
            break;
        a = b;
        now = irq_now(s);
    }
    uint64_t unix_s;
    if (!irq_rtc_decode(&a, &unix_s)) {
        l4_printf("irq: the RTC's date does not decode (status B %#x)\n", a.status_b);
        return;
    }
    uint64_t unix_ns = unix_s * 1000000000u;
    s->wall_ns = unix_ns > now ? unix_ns - now : 1;
    l4_printf("irq: wall clock from the RTC: %lu s since 1970\n", (unsigned long)unix_s);
}
