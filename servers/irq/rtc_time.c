/* SPDX-License-Identifier: MIT */
/*
 * The CMOS real-time clock's registers as a Unix time (rtc_time.h).
 */
#include "rtc_time.h"

int64_t irq_rtc_days(int64_t year, unsigned month, unsigned day)
{
    /* Howard Hinnant's days_from_civil: years from March, so the leap
     * day is the last day of its year */
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t yoe = year - era * 400;
    int64_t doy = (153 * (int64_t)(month > 2 ? month - 3 : month + 9) + 2) / 5 + (int64_t)day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* A register's value: BCD (two digits, each at most 9) or binary; false
 * for a BCD byte with a digit above 9. */
static bool field(uint8_t v, bool binary, unsigned *out)
{
    if (binary) {
        *out = v;
        return true;
    }
    if ((v & 0x0f) > 9 || (v >> 4) > 9)
        return false;
    *out = (unsigned)(v >> 4) * 10 + (v & 0x0f);
    return true;
}

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool irq_rtc_decode(const struct irq_rtc_regs *r, uint64_t *unix_s)
{
    static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool binary = (r->status_b & IRQ_RTC_B_BINARY) != 0;
    bool h24 = (r->status_b & IRQ_RTC_B_24H) != 0;
    unsigned sec, min, hour, day, month, year, century;
    bool pm = !h24 && (r->hour & IRQ_RTC_HOUR_PM);
    if (!field(r->sec, binary, &sec) || !field(r->min, binary, &min) ||
        !field(h24 ? r->hour : (uint8_t)(r->hour & ~IRQ_RTC_HOUR_PM), binary, &hour) ||
        !field(r->day, binary, &day) || !field(r->month, binary, &month) ||
        !field(r->year, binary, &year))
        return false;
    if (!h24) { /* 12-hour: 12 AM is midnight, 12 PM noon */
        if (hour < 1 || hour > 12)
            return false;
        hour = hour % 12 + (pm ? 12 : 0);
    }
    if (!field(r->century, binary, &century) || century < 19 || century > 99)
        century = year < 70 ? 20 : 19;
    year += century * 100;
    if (sec > 59 || min > 59 || hour > 23 || month < 1 || month > 12 || day < 1 || year < 1970)
        return false;
    if (day > mdays[month - 1] + (unsigned)(month == 2 && leap(year)))
        return false;
    int64_t days = irq_rtc_days(year, month, day);
    *unix_s = (uint64_t)days * 86400u + hour * 3600u + min * 60u + sec;
    return true;
}
