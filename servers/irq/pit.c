/* SPDX-License-Identifier: MIT */
/*
 * The PIT: the TSC's calibration at start and the one-shot timer device.
 *
 * Channel 0 runs in mode 0 (interrupt on terminal count) for good: each
 * shot is a new count written low byte then high byte, which restarts the
 * counter with its output low; the output goes high (an edge on the
 * PIT's line, ISA IRQ 0, GSI 2 on q35/pc) when the count ends. One shot
 * lasts at most 0xffff ticks (about 55 ms): a deadline further away takes
 * several shots. Why one-shot and not a periodic tick: docs/servers/irq.md.
 *
 * The kernel masks the line from the interrupt until our Ack, and an edge
 * while it is masked is lost. So after every interrupt we Ack first and
 * only then write the next count; a count written while an interrupt
 * awaits Ack (by a TimerSet handled before that interrupt's message) is
 * written again after the Ack. The line therefore never stays quiet while
 * a deadline is queued.
 *
 * Every deadline is checked against the clock itself (the TSC through the
 * PV clock's scale) before its line is raised: a shot that ends early
 * (the PIT and the TSC disagree a little) only arms another.
 */
#include <l4/debug.h>
#include <l4/stubs_gen.h>
#include <stdlib.h>
#include <l4/platform.h>
#include <l4/rt.h>
#include "irq.h"

#define PIT_CH0           0x40
#define PIT_CMD           0x43
#define PIT_MODE0         0x30   /* channel 0, low then high byte, mode 0, binary */
#define PIT_LATCH0        0x00   /* counter latch of channel 0 */
#define PIT_READBACK0     0xe2   /* read-back: status of channel 0 only */
#define PIT_STATUS_OUT    0x80   /* status: the output pin */
#define CALIBRATION_TICKS 11932u /* 10 ms: with the ticks past zero, within 0.01 % */

uint64_t irq_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

uint64_t irq_now(const struct irq_server *s)
{
    return irq_clock_ns(&s->clock, irq_rdtsc());
}

static l4_error_t pit_out(const struct irq_server *s, l4_word_t port, uint8_t v)
{
    return l4_io_port_out8(s->pit, port, v);
}

static uint8_t pit_in(const struct irq_server *s, l4_word_t port)
{
    uint8_t v = 0;
    l4_io_port_in8(s->pit, port, &v);
    return v;
}

static void pit_count(const struct irq_server *s, uint16_t count)
{
    pit_out(s, PIT_CH0, (uint8_t)count);
    pit_out(s, PIT_CH0, (uint8_t)(count >> 8));
}

/* Whether channel 0's output is high (its count ended), by read-back. */
static bool pit_out_high(const struct irq_server *s)
{
    pit_out(s, PIT_CMD, PIT_READBACK0);
    return (pit_in(s, PIT_CH0) & PIT_STATUS_OUT) != 0;
}

/* One calibration: a 10 ms count, the TSC at its start, the interrupt,
 * then the counter (which runs on past zero) latched with the TSC around
 * it: ticks = the count + how far it ran past zero. A stale interrupt (the
 * edge of an earlier count, which QEMU raises from a host timer that may
 * run after the line was unmasked) is acknowledged first, and a wake-up
 * before the count's end (the output still low) is not taken for its end. */
static uint64_t calibrate_once(struct irq_server *s)
{
    l4_word_t word;
    l4_poll(s->ntfn, &word);
    l4_irq_handler_ack(s->pit_irq);
    pit_out(s, PIT_CH0, (uint8_t)CALIBRATION_TICKS);
    pit_out(s, PIT_CH0, (uint8_t)(CALIBRATION_TICKS >> 8));
    uint64_t t0 = irq_rdtsc();
    do {
        if (l4_wait(s->ntfn, &word) != L4_NO_ERROR)
            return 0;
        l4_irq_handler_ack(s->pit_irq);
    } while (!pit_out_high(s));
    uint64_t a = irq_rdtsc();
    pit_out(s, PIT_CMD, PIT_LATCH0);
    uint64_t b = irq_rdtsc();
    unsigned lo = pit_in(s, PIT_CH0), hi = pit_in(s, PIT_CH0);
    uint16_t past = (uint16_t)(0x10000u - (hi << 8 | lo));
    return irq_clock_calibrate(a / 2 + b / 2 - t0, CALIBRATION_TICKS + past);
}

int irq_pit_init(struct irq_server *s)
{
    /* Stop channel 0 while the line has no notification (masked): a count
     * of 1 ends at once, its edge is lost, the output stays high. Wait
     * for the output through the read-back status, bounded. */
    if (pit_out(s, PIT_CMD, PIT_MODE0) != L4_NO_ERROR)
        return -1;
    pit_count(s, 1);
    for (unsigned i = 0; i < 100000 && !pit_out_high(s); i++)
        ;
    if (l4_irq_handler_set_notification(s->pit_irq, s->ntfn) != L4_NO_ERROR)
        return -1;
    /* A count is 10 ms; a wake-up delayed past the counter's wrap (55 ms:
     * a loaded host) would undercount the ticks several times over, so a
     * figure more than 5 % from the kernel's own measure at boot is taken
     * again, and after 5 tries the kernel's is used. */
    const char *boot_env = l4_rt_getenv(L4_PLAT_ENV_BOOT_TSC_HZ);
    uint64_t boot_hz = boot_env ? strtoull(boot_env, NULL, 10) : 0;
    bool calibrated = false;
    for (unsigned i = 0; i < 5 && !calibrated; i++) {
        uint64_t hz = calibrate_once(s);
        if (boot_hz && (hz < boot_hz - boot_hz / 20 || hz > boot_hz + boot_hz / 20))
            continue;
        calibrated = irq_clock_init(&s->clock, hz);
    }
    if (!calibrated && boot_hz) {
        l4_printf("irq: the PIT calibration disagrees with the kernel's: its TSC figure used\n");
        calibrated = irq_clock_init(&s->clock, boot_hz);
    }
    if (!calibrated)
        return -1;
    if (l4_tcb_bind_notification(s->tcb, s->ntfn) != L4_NO_ERROR)
        return -1;
    l4_printf("irq: TSC at %lu kHz (against the PIT)\n", (unsigned long)(s->clock.hz / 1000));
    return 0;
}

void irq_timer_run(struct irq_server *s)
{
    for (;;) {
        uint64_t now = irq_now(s), next;
        unsigned id;
        while (irq_deadlines_pop_expired(&s->deadlines, now, &id))
            irq_raise(s, id, L4_PV_IRQ_LINE_TIMER);
        if (!irq_deadlines_next(&s->deadlines, &next, &id))
            return;
        if (s->armed && next >= s->armed_until)
            return; /* the shot in flight ends first; its interrupt re-arms */
        now = irq_now(s);
        if (next <= now)
            continue; /* expired meanwhile */
        uint16_t count = irq_pit_count(next - now);
        pit_count(s, count);
        s->armed = true;
        s->armed_until = now + (uint64_t)count * 1000000000u / IRQ_PIT_HZ;
        return;
    }
}

void irq_timer_interrupt(struct irq_server *s)
{
    s->interrupts++;
    l4_irq_handler_ack(s->pit_irq);
    s->armed = false;
    uint64_t next;
    unsigned id;
    if (irq_deadlines_next(&s->deadlines, &next, &id) && next > irq_now(s))
        s->early++;
    irq_timer_run(s);
}
