/* SPDX-License-Identifier: MIT */
/*
 * The CMOS real-time clock's registers as a Unix time (pure, host-tested
 * in tests/unit/test_irq_rtc.c).
 *
 * The RTC (MC146818 and its descendants, what QEMU's q35 and pc emulate)
 * keeps the date in registers 0 (seconds), 2 (minutes), 4 (hours), 7
 * (day of the month), 8 (month), 9 (year of the century) and, by the
 * ACPI convention, 0x32 (century). Status register B says how: bit 2 set
 * means binary, clear means BCD; bit 1 set means 24-hour, clear means
 * 12-hour with bit 7 of the hour register for PM. Status register A's
 * bit 7 (update in progress) says the registers are about to change.
 *
 * Interface:
 *   irq_rtc_decode()     the registers as seconds since the Unix epoch,
 *                        or false for a date that is not one
 *   irq_rtc_days()       days from 1970-01-01 to a proleptic Gregorian date
 */
#ifndef IRQ_RTC_TIME_H
#define IRQ_RTC_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_RTC_SECONDS  0x00
#define IRQ_RTC_MINUTES  0x02
#define IRQ_RTC_HOURS    0x04
#define IRQ_RTC_DAY      0x07
#define IRQ_RTC_MONTH    0x08
#define IRQ_RTC_YEAR     0x09
#define IRQ_RTC_STATUS_A 0x0a
#define IRQ_RTC_STATUS_B 0x0b
#define IRQ_RTC_CENTURY  0x32

#define IRQ_RTC_A_UIP    0x80 /* an update is in progress */
#define IRQ_RTC_B_24H    0x02
#define IRQ_RTC_B_BINARY 0x04
#define IRQ_RTC_HOUR_PM  0x80 /* 12-hour mode: afternoon */

/* One reading of the date registers, as read (BCD or binary). */
struct irq_rtc_regs {
    uint8_t sec, min, hour, day, month, year, century, status_b;
};

/* Days since 1970-01-01 of year-month-day (month 1..12), negative before. */
int64_t irq_rtc_days(int64_t year, unsigned month, unsigned day);

/* *unix_s = the registers' date as seconds since the Unix epoch (UTC, as
 * QEMU's RTC keeps it unless told -rtc base=localtime). A century
 * register outside 19..99 (absent, or garbage) counts as 20 for years
 * below 70 and 19 above. False for a field out of range (a month 13, a
 * BCD digit above 9, February 30th...). */
bool irq_rtc_decode(const struct irq_rtc_regs *r, uint64_t *unix_s);

#endif
