/* SPDX-License-Identifier: MIT */
/*
 * The PV test guest's checks of the interrupt server (protocol irq.toml,
 * docs/servers/irq.md, docs/paravirt-abi.md): the PV page it fills, the
 * clock read with no call, the one-shot timer delivered through the
 * upcall notification, the virtual IF (an event raised while it is off is
 * delivered once, when it goes back on, never lost or doubled), events to
 * itself, and what a guest may not do.
 */
#include <stdlib.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/irq_client_gen.h>
#include <l4/pv/pvclock.h>
#include <l4/pv/virq.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "pvtest.h"

static struct l4_pv_page *pv;

static uint64_t now_ns(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return l4_pv_clock_read(&pv->clock, (uint64_t)hi << 32 | lo);
}

/* Run the upcall handler's loop once: the lines taken. */
static uint64_t take_all(void)
{
    uint64_t all = 0, lines;
    do {
        while ((lines = l4_pv_irq_take(&pv->irq)) != 0)
            all |= lines;
    } while (l4_pv_irq_upcall_done(&pv->irq));
    return all;
}

void pvtest_irq_checks(void)
{
    l4_cptr_t irq = l4_rt_cap(L4_PLAT_CAP_IRQ), upcall = l4_rt_cap(L4_PLAT_CAP_UPCALL);
    l4_word_t size = 0;
    pv = l4_rt_shared_page(L4_PLAT_PAGE_PV, &size);
    PVTEST_CHECK(irq != L4_CPTR_NULL, "given capability 'irq'");
    PVTEST_CHECK(pv && pv->magic == L4_PV_PAGE_MAGIC && pv->version == L4_PV_PAGE_VERSION,
                 "the interrupt server filled its PV page");
    if (!irq || !pv || pv->magic != L4_PV_PAGE_MAGIC)
        return;
    uint64_t t0 = now_ns(), t1 = now_ns();
    PVTEST_CHECK(t0 > 0 && t1 >= t0, "the clock reads from the page, with no call, monotonic");

    /* the virtual IF starts off and every line masked (as a CPU's IF and
     * an interrupt controller's masks at reset): unmask the timer and the
     * first event line, turn the IF on */
    PVTEST_CHECK(!l4_pv_irq_enabled(&pv->irq) && pv->irq.mask == ~UINT64_C(0),
                 "the virtual IF starts off, every line masked");
    (void)l4_pv_irq_unmask(&pv->irq, L4_PV_IRQ_LINE_TIMER);
    (void)l4_pv_irq_unmask(&pv->irq, L4_PV_IRQ_LINE_EVENT_FIRST);
    if (l4_pv_irq_enable(&pv->irq))
        (void)take_all();

    /* the timer, delivered as an upcall: not early */
    l4_word_t server_now = 0, badge = 0;
    (void)take_all();
    uint64_t before = now_ns(), deadline = before + 2000000; /* 2 ms */
    irq_status_t st = irq_timer_set(irq, deadline, &server_now);
    /* the server's clock is the page's: not behind what the guest read
     * (how far ahead depends on what else ran meanwhile) */
    PVTEST_CHECK(st == L4_NO_ERROR && server_now >= before, "TimerSet 2 ms ahead");
    /* wait for the upcall (bounded: a lost one fails the check, not the run) */
    uint64_t give_up = now_ns() + 2000000000u;
    bool signalled = false;
    while (!signalled && now_ns() < give_up) {
        badge = 0;
        signalled = l4_poll(upcall, &badge) == L4_NO_ERROR && badge != 0;
        if (!signalled)
            l4_yield();
    }
    uint64_t woke = now_ns();

    uint64_t lines = take_all();
    PVTEST_CHECK(signalled && (lines & (UINT64_C(1) << L4_PV_IRQ_LINE_TIMER)) && woke >= deadline,
                 "the timer line arrives through the upcall, not early (%lu ns after)",
                 (unsigned long)(woke - deadline));

    /* the virtual IF: a deadline passing while it is off gives no upcall;
     * turning it on delivers the line exactly once */
    l4_pv_irq_disable(&pv->irq);
    deadline = now_ns() + 1000000;
    st = irq_timer_set(irq, deadline, &server_now);
    /* wait until the server has raised it (bounded: a loaded host may
     * take a while to deliver the PIT's interrupt) */
    uint64_t limit = now_ns() + 2000000000u;
    while (!(__atomic_load_n(&pv->irq.pending, __ATOMIC_SEQ_CST) &
             (UINT64_C(1) << L4_PV_IRQ_LINE_TIMER)) &&
           now_ns() < limit)
        l4_yield();
    bool pending = pv->irq.pending & (UINT64_C(1) << L4_PV_IRQ_LINE_TIMER);
    bool run_handler = l4_pv_irq_enable(&pv->irq);
    lines = run_handler ? take_all() : 0;
    uint64_t again = take_all();
    PVTEST_CHECK(st == L4_NO_ERROR && pending && run_handler &&
                     (lines & (UINT64_C(1) << L4_PV_IRQ_LINE_TIMER)) && again == 0,
                 "with the virtual IF off the line waits; on, it is delivered once");
    /* no signal was sent meanwhile: the notification holds nothing */
    l4_word_t bits = 0;
    PVTEST_CHECK(l4_poll(upcall, &bits) == L4_NO_ERROR && bits == 0,
                 "no upcall was signalled while the IF was off");

    /* cancel */
    st = irq_timer_set(irq, now_ns() + 50000000, &server_now);
    l4_word_t was = 0;
    PVTEST_CHECK(st == L4_NO_ERROR && irq_timer_cancel(irq, &was) == L4_NO_ERROR && was == 1,
                 "TimerCancel of an armed timer");
    PVTEST_CHECK(irq_timer_cancel(irq, &was) == L4_NO_ERROR && was == 0,
                 "TimerCancel again: nothing armed");

    /* events: to itself only; the console line is the console server's */
    const char *id_text = l4_rt_getenv(L4_PLAT_ENV_ID);
    unsigned long id = id_text ? strtoul(id_text, 0, 10) : 0;
    if (id_text) {
        st = irq_event_send(irq, id, L4_PV_IRQ_LINE_EVENT_FIRST);
        lines = take_all();
        PVTEST_CHECK(st == L4_NO_ERROR && (lines & (UINT64_C(1) << L4_PV_IRQ_LINE_EVENT_FIRST)),
                     "EventSend to itself raises the line");
        PVTEST_CHECK(
            irq_event_send(irq, id + 1, L4_PV_IRQ_LINE_EVENT_FIRST) == IRQ_ERROR_NOT_PERMITTED ||
                irq_event_send(irq, id + 1, L4_PV_IRQ_LINE_EVENT_FIRST) == IRQ_ERROR_NO_COMPARTMENT,
            "EventSend to another compartment: refused");
        PVTEST_CHECK(irq_event_send(irq, id, 2) == IRQ_ERROR_BAD_LINE,
                     "EventSend on a line below the event lines: BadLine");
    }
    PVTEST_CHECK(irq_raise_line(irq, id, L4_PV_IRQ_LINE_CONSOLE) == L4_ILLEGAL_OPERATION,
                 "RaiseLine from a guest: IllegalOperation (the console server's)");
    PVTEST_CHECK(irq_compartment_remove(irq, id) == L4_ILLEGAL_OPERATION,
                 "admin messages from a guest: IllegalOperation");
    /* a guest scribbling on its own page hurts only itself: the server
     * still answers */
    pv->irq.mask = ~UINT64_C(0);
    pv->irq.mask = 0;
    PVTEST_CHECK(irq_timer_cancel(irq, &was) == L4_NO_ERROR,
                 "the server still answers after the guest scribbled on its mask");
}
