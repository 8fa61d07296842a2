/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the scheduler.
 *
 * The policy of docs/kernel/threads-and-scheduling.md, observed by test
 * threads that log what they do: a thread made runnable (Resume, a
 * signal, SetPriority) with a higher priority than the running one
 * preempts it before the kernel returns to it, and the preempted thread
 * keeps its place at the head of its queue; a lower-priority thread never
 * runs while a higher one is runnable; Yield and the end of a time slice
 * rotate threads of equal priority, and leave a thread alone at its
 * priority running; equal-priority waiters on endpoints and notifications
 * are served and woken in FIFO order. The test itself runs at 255, so
 * every scenario is played by threads below it while the test waits; the
 * busy-looping scenarios are bounded by the TSC.
 */
#include <l4/rt.h>
#include "utest.h"

#define ALL L4_CAP_RIGHTS_ALL

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* TSC ticks in ms milliseconds. */
static uint64_t tsc_ms(unsigned ms)
{
    uint64_t hz = ut_boot_info()->tsc_hz ? ut_boot_info()->tsc_hz : UINT64_C(1000000000);
    return hz / 1000 * ms;
}

/* --- the event log ---------------------------------------------------------------- */

#define LOG_MAX 128

static volatile char events[LOG_MAX + 1];
static volatile unsigned nevents;

static void log_reset(void)
{
    nevents = 0;
    for (unsigned i = 0; i <= LOG_MAX; i++)
        events[i] = 0;
}

static void ev(char c)
{
    unsigned i = nevents;
    if (i < LOG_MAX) {
        events[i] = c;
        nevents = i + 1;
    }
}

/* Whether the log is exactly s; on a mismatch the test shows the log. */
static int log_is(const char *s)
{
    unsigned i = 0;
    for (; s[i] && i < nevents; i++)
        if (events[i] != s[i])
            break;
    if (s[i] == '\0' && i == nevents)
        return 1;
    l4_printf("# event log \"%s\", expected \"%s\"\n", (const char *)events, s);
    return 0;
}

/* Thread bodies: a letter (UT_ARG_I) logged around one action. */

/* Log the letter; the thread then ends. */
static void just_log(l4_word_t arg)
{
    ev((char)UT_ARG_I(arg));
}

/* Log lowercase, Resume TCB A, log uppercase; signal B. */
static void log_resume_log(l4_word_t arg)
{
    char c = (char)UT_ARG_I(arg);
    ev(c);
    l4_tcb_resume(UT_ARG_A(arg));
    ev((char)(c - 'a' + 'A'));
    if (UT_ARG_B(arg))
        l4_signal(UT_ARG_B(arg));
}

/* Log lowercase, set TCB A (0: itself) to priority B, log uppercase. */
static void log_prio_log(l4_word_t arg)
{
    char c = (char)UT_ARG_I(arg);
    l4_cptr_t t = UT_ARG_A(arg) ? UT_ARG_A(arg) : l4_rt_tls()->tcb;
    ev(c);
    l4_tcb_set_priority(t, L4_ROOT_SLOT_TCB, (uint8_t)UT_ARG_B(arg));
    ev((char)(c - 'a' + 'A'));
}

/* Log lowercase, signal A, log uppercase. */
static void log_signal_log(l4_word_t arg)
{
    char c = (char)UT_ARG_I(arg);
    ev(c);
    l4_signal(UT_ARG_A(arg));
    ev((char)(c - 'a' + 'A'));
}

/* Wait on A, then log the letter. */
static void wait_log(l4_word_t arg)
{
    l4_wait(UT_ARG_A(arg), 0);
    ev((char)UT_ARG_I(arg));
}

/* --- preemption ------------------------------------------------------------------- */

UTEST(sched_resume_preempts, "a higher-priority thread made runnable by Resume runs before "
                             "Resume returns to the lower-priority caller")
{
    l4_cptr_t done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(done);
    log_reset();
    l4_cptr_t h = ut_thread(just_log, 'H', 150);
    UT_ASSERT(h);
    UT_OK(l4_tcb_suspend(h)); /* configured, never ran */
    UT_ASSERT(ut_thread(log_resume_log, UT_ARG('l', h, done), 50));
    UT_OK(l4_wait(done, 0));
    UT_ASSERT(log_is("lHL"));
}

UTEST(sched_resume_lower_no_preempt, "Resume of a lower-priority thread returns first; the "
                                     "resumed thread runs once the caller blocks")
{
    l4_cptr_t done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(done && ut_settle_init());
    log_reset();
    l4_cptr_t low = ut_thread(just_log, 'W', 50);
    UT_ASSERT(low);
    UT_OK(l4_tcb_suspend(low));
    UT_ASSERT(ut_thread(log_resume_log, UT_ARG('h', low, done), 150));
    UT_OK(l4_wait(done, 0));
    UT_ASSERT(log_is("hH"));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("hHW"));
}

UTEST(sched_set_priority_preempts, "raising a ready thread above the caller makes it run before "
                                   "SetPriority returns")
{
    UT_ASSERT(ut_settle_init());
    log_reset();
    l4_cptr_t m = ut_thread(just_log, 'M', 40);
    UT_ASSERT(m);
    UT_ASSERT(ut_thread(log_prio_log, UT_ARG('l', m, 120), 50));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("lML"));
}

UTEST(sched_lower_own_priority, "a thread that lowers its own priority below a ready thread "
                                "gives it the CPU at once")
{
    UT_ASSERT(ut_settle_init());
    log_reset();
    UT_ASSERT(ut_thread(log_prio_log, UT_ARG('h', 0, 30), 100)); /* created first, runs first */
    UT_ASSERT(ut_thread(just_log, 'M', 50));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("hMH"));
}

UTEST(sched_signal_wakes_higher, "a signal that wakes a higher-priority waiter switches to it "
                                 "before Signal returns")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    log_reset();
    UT_ASSERT(ut_thread(wait_log, UT_ARG('H', n, 0), 150));
    UT_OK(ut_settle()); /* H waits */
    UT_ASSERT(ut_thread(log_signal_log, UT_ARG('l', n, 0), 50));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("lHL"));
}

UTEST(sched_signal_wakes_equal, "a signal that wakes an equal-priority waiter does not preempt: "
                                "the woken thread runs after the signaller")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    log_reset();
    UT_ASSERT(ut_thread(wait_log, UT_ARG('B', n, 0), 100));
    UT_OK(ut_settle());
    UT_ASSERT(ut_thread(log_signal_log, UT_ARG('a', n, 0), 100));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("aAB"));
}

UTEST(sched_preempted_keeps_head, "a thread preempted by a higher one resumes before the "
                                  "equal-priority threads queued behind it")
{
    UT_ASSERT(ut_settle_init());
    log_reset();
    l4_cptr_t h = ut_thread(just_log, 'H', 150);
    UT_ASSERT(h);
    UT_OK(l4_tcb_suspend(h));
    UT_ASSERT(ut_thread(log_resume_log, UT_ARG('a', h, 0), 100));
    UT_ASSERT(ut_thread(just_log, 'B', 100));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("aHAB"));
}

/* --- priorities ------------------------------------------------------------------- */

static volatile uint64_t low_count, low_seen_by_high, high_spins;
static volatile uint64_t high_elapsed;

/* Count while running, for the observer; ends when A reaches its limit. */
static void low_counter(l4_word_t arg)
{
    for (uint64_t i = 0; i < 1000; i++)
        low_count++;
    l4_signal(UT_ARG_A(arg));
}

/* Spin for UT_ARG_A milliseconds (TSC), watching low_count; then signal B. */
static void high_spinner(l4_word_t arg)
{
    uint64_t start = rdtsc(), limit = tsc_ms((unsigned)UT_ARG_A(arg));
    uint64_t spins = 0;
    while (rdtsc() - start < limit) {
        if (low_count != 0)
            low_seen_by_high = 1;
        spins++;
    }
    high_spins = spins;
    high_elapsed = rdtsc() - start;
    l4_signal(UT_ARG_B(arg));
}

UTEST(sched_lower_waits, "a lower-priority thread does not run while a higher one is runnable, "
                         "through several time slices")
{
    l4_cptr_t hdone = ut_new(L4_OBJECT_NOTIFICATION, 0), ldone = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(hdone && ldone);
    low_count = low_seen_by_high = high_spins = 0;
    /* the low one is made first, so it is not behind in any queue */
    UT_ASSERT(ut_thread(low_counter, UT_ARG(0, ldone, 0), 50));
    UT_ASSERT(ut_thread(high_spinner, UT_ARG(0, 120, hdone), 100)); /* 6 slices */
    UT_OK(l4_wait(hdone, 0));
    UT_EQ(low_seen_by_high, 0);
    UT_EQ(low_count, 0);
    UT_ASSERT(high_spins > 0);
    UT_ASSERT(high_elapsed >= tsc_ms(120));
    UT_OK(l4_wait(ldone, 0));
    UT_EQ(low_count, 1000);
}

/* --- Yield -------------------------------------------------------------------------- */

static volatile unsigned yields_done, low_at_yield;

/* Yield A times with nobody else at its priority, watching low_count. */
static void lonely_yielder(l4_word_t arg)
{
    for (unsigned i = 0; i < UT_ARG_A(arg); i++) {
        l4_yield();
        if (low_count)
            low_at_yield++;
        yields_done++;
    }
    l4_signal(UT_ARG_B(arg));
}

UTEST(sched_yield_alone_continues, "Yield with no other thread of the same priority ready "
                                   "continues the caller")
{
    l4_cptr_t done = ut_new(L4_OBJECT_NOTIFICATION, 0), ldone = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(done && ldone);
    low_count = 0;
    yields_done = low_at_yield = 0;
    UT_ASSERT(ut_thread(low_counter, UT_ARG(0, ldone, 0), 50));
    /* the test itself (255, alone) */
    for (unsigned i = 0; i < 20; i++)
        l4_yield();
    UT_EQ(low_count, 0);
    /* a test thread (100, alone at 100) */
    UT_ASSERT(ut_thread(lonely_yielder, UT_ARG(0, 50, done), 100));
    UT_OK(l4_wait(done, 0));
    UT_EQ(yields_done, 50);
    UT_EQ(low_at_yield, 0);
    UT_OK(l4_wait(ldone, 0));
    UT_EQ(low_count, 1000);
}

#define RR_ROUNDS 40

static volatile char rr_log[2 * RR_ROUNDS + 8];
static volatile unsigned rr_n, rr_rounds[2];

/* Log the letter and Yield, RR_ROUNDS times; signal A at the end. */
static void rr_yielder(l4_word_t arg)
{
    for (unsigned i = 0; i < RR_ROUNDS; i++) {
        unsigned k = rr_n;
        rr_log[k] = (char)UT_ARG_I(arg);
        rr_n = k + 1;
        rr_rounds[UT_ARG_I(arg) - 'a']++;
        l4_yield();
    }
    l4_signal(UT_ARG_A(arg));
}

UTEST(sched_yield_round_robin, "Yield alternates two threads of equal priority")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n);
    l4_cptr_t na = ut_mint(n, ALL, 1), nb = ut_mint(n, ALL, 2);
    UT_ASSERT(na && nb);
    rr_n = rr_rounds[0] = rr_rounds[1] = 0;
    UT_ASSERT(ut_thread(rr_yielder, UT_ARG('a', na, 0), 100));
    UT_ASSERT(ut_thread(rr_yielder, UT_ARG('b', nb, 0), 100));
    l4_word_t seen = 0;
    while (seen != 3) {
        l4_word_t w = 0;
        UT_OK(l4_wait(n, &w));
        seen |= w;
    }
    UT_EQ(rr_rounds[0], RR_ROUNDS);
    UT_EQ(rr_rounds[1], RR_ROUNDS);
    UT_EQ(rr_n, 2 * RR_ROUNDS);
    UT_EQ(rr_log[0], 'a'); /* FIFO: made first, runs first */
    /* strict alternation, but for a time slice that may end between a
     * thread's log entry and its Yield */
    unsigned repeats = 0;
    for (unsigned i = 1; i < 2 * RR_ROUNDS; i++)
        repeats += rr_log[i] == rr_log[i - 1];
    if (repeats > 2)
        l4_printf("# log %.*s\n", 2 * RR_ROUNDS, (const char *)rr_log);
    UT_ASSERT(repeats <= 2);
}

static volatile uint64_t spin_count[2], spin_switches[2];
static volatile unsigned spin_timed_out[2], spin_done[2];

/* Busy loop (no syscalls) until the other spinner has run 3 times in
 * between, or has finished, or UT_ARG_A ms passed; then signal B. */
static void rr_spinner(l4_word_t arg)
{
    unsigned me = UT_ARG_I(arg), other = 1 - me;
    uint64_t start = rdtsc(), limit = tsc_ms((unsigned)UT_ARG_A(arg));
    uint64_t last = spin_count[other];
    while (spin_switches[me] < 3 && !spin_done[other]) {
        spin_count[me]++;
        if (spin_count[other] != last) {
            last = spin_count[other];
            spin_switches[me]++;
        }
        if ((spin_count[me] & 0xff) == 0 && rdtsc() - start > limit) {
            spin_timed_out[me] = 1;
            break;
        }
    }
    spin_done[me] = 1;
    l4_signal(UT_ARG_B(arg));
}

UTEST(sched_timer_round_robin, "the time slice rotates two busy threads of equal priority that "
                               "never yield")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n);
    l4_cptr_t na = ut_mint(n, ALL, 1), nb = ut_mint(n, ALL, 2);
    UT_ASSERT(na && nb);
    for (unsigned i = 0; i < 2; i++)
        spin_count[i] = spin_switches[i] = spin_timed_out[i] = spin_done[i] = 0;
    UT_ASSERT(ut_thread(rr_spinner, UT_ARG(0, 3000, na), 100));
    UT_ASSERT(ut_thread(rr_spinner, UT_ARG(1, 3000, nb), 100));
    uint64_t start = rdtsc();
    l4_word_t seen = 0;
    while (seen != 3) {
        l4_word_t w = 0;
        UT_OK(l4_wait(n, &w));
        seen |= w;
    }
    uint64_t ms = (rdtsc() - start) / tsc_ms(1);
    l4_printf("# %lu ms; switches seen %lu and %lu, counts %lu and %lu\n", (unsigned long)ms,
              (unsigned long)spin_switches[0], (unsigned long)spin_switches[1],
              (unsigned long)spin_count[0], (unsigned long)spin_count[1]);
    UT_EQ(spin_timed_out[0], 0);
    UT_EQ(spin_timed_out[1], 0);
    UT_ASSERT(spin_switches[0] >= 3);
    UT_ASSERT(spin_switches[1] >= 2);
    UT_ASSERT(spin_count[0] > 0 && spin_count[1] > 0);
}

/* --- FIFO order of waiters --------------------------------------------------------------- */

static volatile l4_word_t fifo_got[4];

/* Receive once on endpoint A; log the letter and record MR0. */
static void recv_log(l4_word_t arg)
{
    l4_word_t mrs[L4_MSG_REGISTERS] = {0};
    l4_recv_mrs(UT_ARG_A(arg), L4_CPTR_NULL, 0, 0, mrs);
    fifo_got[UT_ARG_I(arg) - 'A'] = mrs[0];
    ev((char)UT_ARG_I(arg));
}

/* Send once on endpoint capability A with MR0 = the letter. */
static void send_once(l4_word_t arg)
{
    l4_word_t mrs[L4_MSG_REGISTERS] = {UT_ARG_I(arg)};
    l4_send_mrs(UT_ARG_A(arg), l4_msginfo_new(0, 0, 0, 1), mrs);
}

UTEST(sched_fifo_endpoint_receivers, "equal-priority receivers queued on an endpoint get the "
                                     "messages, and run, in the order they arrived")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && ut_settle_init());
    log_reset();
    for (unsigned i = 0; i < 3; i++) {
        fifo_got[i] = 0;
        UT_ASSERT(ut_thread(recv_log, UT_ARG('A' + i, ep, 0), 100));
        UT_OK(ut_settle()); /* queued in the order A, B, C */
    }
    for (unsigned i = 0; i < 3; i++) {
        l4_word_t mrs[L4_MSG_REGISTERS] = {0x10 + i};
        UT_OK(l4_send_mrs(ep, l4_msginfo_new(0, 0, 0, 1), mrs)); /* a receiver waits */
    }
    UT_ASSERT(log_is("")); /* below the test: nobody ran yet */
    UT_OK(ut_settle());
    UT_ASSERT(log_is("ABC"));
    UT_EQ(fifo_got[0], 0x10);
    UT_EQ(fifo_got[1], 0x11);
    UT_EQ(fifo_got[2], 0x12);
}

UTEST(sched_fifo_endpoint_senders, "senders queued on an endpoint are received in the order they "
                                   "arrived")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && ut_settle_init());
    static const char order[] = "CAB";
    for (unsigned i = 0; i < 3; i++) {
        l4_cptr_t b = ut_mint(ep, ALL, (l4_word_t)order[i]);
        UT_ASSERT(b);
        UT_ASSERT(ut_thread(send_once, UT_ARG(order[i], b, 0), 100));
        UT_OK(ut_settle());
    }
    for (unsigned i = 0; i < 3; i++) {
        l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
        l4_msginfo_t info = 0;
        UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, &badge, &info, mrs));
        UT_EQ(badge, (l4_word_t)order[i]);
        UT_EQ(mrs[0], (l4_word_t)order[i]);
        UT_EQ(l4_msginfo_get_length(info), 1);
    }
    l4_word_t badge = 1;
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, L4_CPTR_NULL, &badge, &info));
    UT_EQ(badge, 0); /* nobody left */
    UT_EQ(info, 0);
}

UTEST(sched_fifo_notification_waiters, "equal-priority waiters on a notification are woken one "
                                       "per signal in the order they arrived")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    log_reset();
    static const char order[] = "BCA";
    for (unsigned i = 0; i < 3; i++) {
        UT_ASSERT(ut_thread(wait_log, UT_ARG(order[i], n, 0), 100));
        UT_OK(ut_settle());
    }
    UT_OK(l4_signal(n));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("B"));
    UT_OK(l4_signal(n));
    UT_OK(l4_signal(n));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("BCA"));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(sched_ready_fifo, "threads of equal priority made runnable in turn run in that order")
{
    UT_ASSERT(ut_settle_init());
    log_reset();
    l4_cptr_t t[4];
    for (unsigned i = 0; i < 4; i++) {
        t[i] = ut_thread(just_log, 'P' + i, 100);
        UT_ASSERT(t[i]);
        UT_OK(l4_tcb_suspend(t[i]));
    }
    static const unsigned order[] = {2, 0, 3, 1};
    for (unsigned i = 0; i < 4; i++)
        UT_OK(l4_tcb_resume(t[order[i]]));
    UT_OK(ut_settle());
    UT_ASSERT(log_is("RPSQ"));
}
