/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's line discipline (<shim/tty.h>): the defaults of
 * a Linux terminal, canonical editing (erase ^? and ^H, UTF-8 erase, ^W,
 * ^U, ^R, ^V), line reads and EOF (^D), ISIG (^C, ^\, ^Z with the flush and
 * NOFLSH), ICRNL/IGNCR/INLCR, ONLCR/OCRNL output and echo, raw mode's VMIN
 * and VTIME rules, mode switches, a full buffer, window size changes; and
 * the host's Linux line discipline as the oracle: the same typed bytes go
 * to a pseudo-terminal and to the shim's, the echo and the reads must be
 * the same.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <shim/linux_abi.h>
#include <shim/tty.h>
#include "suites.h"

static struct shim_tty tty;
static uint8_t echo[8192];
static struct shim_tty_events ev;

static void type(const char *s)
{
    ev = (struct shim_tty_events){echo, sizeof echo, 0, 0};
    shim_tty_input(&tty, s, strlen(s), &ev);
}

static void type_n(const void *s, size_t n)
{
    ev = (struct shim_tty_events){echo, sizeof echo, 0, 0};
    shim_tty_input(&tty, s, n, &ev);
}

#define ECHOED(str)                                                                                \
    do {                                                                                           \
        ck_assert_uint_eq(ev.echo_len, sizeof(str) - 1);                                           \
        ck_assert_mem_eq(echo, str, sizeof(str) - 1);                                              \
    } while (0)

static const char *read_str(size_t n)
{
    static char out[SHIM_TTY_BUF + 1];
    int64_t r = shim_tty_read(&tty, out, n, 0);
    ck_assert_int_ge(r, 0);
    out[r] = '\0';
    return out;
}

static void setup(void)
{
    shim_tty_init(&tty);
}

START_TEST(tty_defaults)
{
    ck_assert_uint_eq(tty.t.c_iflag, LINUX_ICRNL | LINUX_IXON);
    ck_assert_uint_eq(tty.t.c_oflag, LINUX_OPOST | LINUX_ONLCR);
    ck_assert_uint_eq(tty.t.c_lflag, 0105073); /* what stty shows a fresh Linux tty */
    ck_assert_uint_eq(tty.t.c_cflag, 02277);   /* B38400 CS8 CREAD HUPCL */
    ck_assert_uint_eq(tty.t.c_cc[LINUX_VINTR], 3);
    ck_assert_uint_eq(tty.t.c_cc[LINUX_VERASE], 0x7f);
    ck_assert_uint_eq(tty.t.c_cc[LINUX_VMIN], 1);
    ck_assert_uint_eq(tty.ws.ws_row, 24);
    ck_assert_uint_eq(tty.ws.ws_col, 80);
}
END_TEST

START_TEST(tty_canonical_lines)
{
    char buf[64];
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    type("echo hi\r");     /* the terminal sends CR; ICRNL makes it NL */
    ECHOED("echo hi\r\n"); /* and ONLCR echoes it as CR NL */
    ck_assert(shim_tty_readable(&tty));
    type("partial");
    ck_assert_uint_eq(shim_tty_available(&tty), 8);
    ck_assert_str_eq(read_str(64), "echo hi\n");
    /* the unfinished line is not readable */
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    ck_assert(!shim_tty_readable(&tty));
    /* a short read takes part of a line; the rest comes next */
    type(" line\n");
    ck_assert_str_eq(read_str(4), "part");
    ck_assert_str_eq(read_str(64), "ial line\n");
    /* one line per read, even when several wait */
    type("a\nb\n");
    ck_assert_str_eq(read_str(64), "a\n");
    ck_assert_str_eq(read_str(64), "b\n");
    ck_assert_int_eq(shim_tty_read(&tty, buf, 0, 0), 0);
}
END_TEST

START_TEST(tty_eof)
{
    char buf[16];
    type("\x04"); /* ^D on an empty line: end of file */
    ECHOED("");
    ck_assert(shim_tty_readable(&tty));
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), 0);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    /* ^D after text: the text, without a newline; then EOF */
    type("abc\x04\x04");
    ck_assert_uint_eq(shim_tty_available(&tty), 3);
    ck_assert_str_eq(read_str(16), "abc");
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), 0);
}
END_TEST

START_TEST(tty_editing)
{
    type("helo\x7f\x7flo"); /* ^? erases */
    ECHOED("helo\b \b\b \blo");
    type("\bp\n"); /* so does ^H */
    ck_assert_str_eq(read_str(64), "help\n");
    /* erase on an empty line does nothing */
    type("\x7f\x7f");
    ECHOED("");
    /* a control character echoes as ^X and erases as two columns */
    type("a\x01\x7f");
    ECHOED("a^A\b \b\b \b");
    type("\x15"); /* ^U: the whole line, erased on screen (ECHOKE) */
    ECHOED("\b \b");
    type("x\n");
    ck_assert_str_eq(read_str(64), "x\n");
    /* ^W: trailing blanks, then the word */
    type("ls -l foo_bar  \x17");
    ck_assert_uint_eq(tty.len - tty.committed, 6);
    type("\x17");
    ck_assert_uint_eq(tty.len - tty.committed, 4); /* "ls -" : '-' is no word */
    type("\x17\x17\n");
    ck_assert_str_eq(read_str(64), "\n");
    /* kill without ECHOKE: ^U and a newline */
    tty.t.c_lflag &= ~(uint32_t)LINUX_ECHOKE;
    type("abc\x15");
    ECHOED("abc^U\r\n");
    type("\n");
    ck_assert_str_eq(read_str(64), "\n");
    /* ^R reprints the line */
    type("re\x12");
    ECHOED("re^R\r\nre");
    /* ^V: the next byte literally, even ^C or ^?: no signal */
    type("\x16\x03\x16\x7f\n");
    ck_assert_uint_eq(ev.signals, 0);
    ck_assert_str_eq(read_str(64), "re\x03\x7f\n");
    /* UTF-8: with IUTF8 one erase takes a whole character */
    tty.t.c_iflag |= LINUX_IUTF8;
    type("a\xc3\xa9\xe2\x82\xac\x7f\x7f\n");
    ck_assert_str_eq(read_str(64), "a\n");
}
END_TEST

START_TEST(tty_signals)
{
    tty.fg_pgrp = 42;
    type("partial\x03");
    ck_assert_uint_eq(ev.signals, UINT64_C(1) << (LINUX_SIGINT - 1));
    ck_assert_mem_eq(echo + ev.echo_len - 2, "^C", 2);
    ck_assert_uint_eq(tty.len, 0); /* flushed */
    type("\x1c");
    ck_assert_uint_eq(ev.signals, UINT64_C(1) << (LINUX_SIGQUIT - 1));
    type("\x1a");
    ck_assert_uint_eq(ev.signals, UINT64_C(1) << (LINUX_SIGTSTP - 1));
    type("\x03\x1a");
    ck_assert_uint_eq(ev.signals,
                      (UINT64_C(1) << (LINUX_SIGINT - 1)) | (UINT64_C(1) << (LINUX_SIGTSTP - 1)));
    /* NOFLSH keeps the input */
    tty.t.c_lflag |= LINUX_NOFLSH;
    type("keep\n\x03");
    ck_assert_str_eq(read_str(64), "keep\n");
    /* without ISIG, ^C is a character */
    tty.t.c_lflag &= ~(uint32_t)LINUX_ISIG;
    type("\x03\n");
    ck_assert_uint_eq(ev.signals, 0);
    ck_assert_str_eq(read_str(64), "\x03\n");
    /* IXON: ^S stops output, ^Q restarts it; neither is input */
    type("\x13");
    ck_assert_int_eq(tty.stopped, 1);
    type("\x11z\n");
    ck_assert_int_eq(tty.stopped, 0);
    ck_assert_str_eq(read_str(64), "z\n");
}
END_TEST

START_TEST(tty_input_translation)
{
    tty.t.c_iflag |= LINUX_IGNCR;
    type("a\rb\n");
    ck_assert_str_eq(read_str(64), "ab\n");
    tty.t.c_iflag &= ~(uint32_t)(LINUX_IGNCR | LINUX_ICRNL);
    type("a\rb\n");
    ck_assert_str_eq(read_str(64), "a\rb\n");
    tty.t.c_iflag |= LINUX_INLCR;
    tty.t.c_lflag &= ~(uint32_t)LINUX_ICANON;
    type("\n");
    ck_assert_str_eq(read_str(64), "\r");
    tty.t.c_iflag |= LINUX_ISTRIP;
    type("\xc1");
    ck_assert_str_eq(read_str(64), "A");
    /* no echo */
    tty.t.c_lflag &= ~(uint32_t)LINUX_ECHO;
    tty.t.c_lflag |= LINUX_ICANON | LINUX_ECHONL;
    tty.t.c_iflag = 0;
    type("secret\n");
    ECHOED("\r\n"); /* ECHONL echoes the newline alone */
}
END_TEST

START_TEST(tty_output_processing)
{
    uint8_t out[64];
    size_t used;
    size_t n = shim_tty_output(&tty, "a\nb\r", 4, out, sizeof out, &used);
    ck_assert_uint_eq(used, 4);
    ck_assert_uint_eq(n, 5);
    ck_assert_mem_eq(out, "a\r\nb\r", 5);
    /* a CR NL pair that does not fit is not split */
    n = shim_tty_output(&tty, "ab\n", 3, out, 3, &used);
    ck_assert_uint_eq(used, 2);
    ck_assert_uint_eq(n, 2);
    tty.t.c_oflag |= LINUX_OCRNL;
    tty.t.c_oflag &= ~(uint32_t)LINUX_ONLCR;
    n = shim_tty_output(&tty, "a\r\n", 3, out, sizeof out, &used);
    ck_assert_mem_eq(out, "a\n\n", 3);
    tty.t.c_oflag = 0; /* no OPOST: bytes as they are */
    n = shim_tty_output(&tty, "\r\n", 2, out, sizeof out, &used);
    ck_assert_uint_eq(n, 2);
    ck_assert_mem_eq(out, "\r\n", 2);
    /* an echo that does not fit the caller's buffer is cut, input is not */
    shim_tty_init(&tty);
    ev = (struct shim_tty_events){echo, 3, 0, 0};
    shim_tty_input(&tty, "abcdef\n", 7, &ev);
    ck_assert_uint_eq(ev.echo_len, 3);
    ck_assert_str_eq(read_str(64), "abcdef\n");
}
END_TEST

START_TEST(tty_raw_vmin_vtime)
{
    struct shim_termios raw = tty.t;
    raw.c_lflag &= ~(uint32_t)(LINUX_ICANON | LINUX_ECHO | LINUX_ISIG);
    raw.c_iflag &= ~(uint32_t)LINUX_ICRNL;
    char buf[16];
    /* MIN 1, TIME 0: block until one byte; then all there is */
    raw.c_cc[LINUX_VMIN] = 1;
    raw.c_cc[LINUX_VTIME] = 0;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &raw), 0);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    type("\x03\x7f\r");
    ECHOED("");
    ck_assert_uint_eq(ev.signals, 0);
    ck_assert(shim_tty_readable(&tty));
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), 3);
    ck_assert_mem_eq(buf, "\x03\x7f\r", 3);
    /* MIN 3: two bytes are not enough, unless the reader asks for two */
    raw.c_cc[LINUX_VMIN] = 3;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETSW, &raw), 0);
    type("ab");
    ck_assert(!shim_tty_readable(&tty));
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    ck_assert_int_eq(shim_tty_read(&tty, buf, 2, 0), 2);
    /* MIN 3, TIME 5: the inter-byte timer returns what came */
    raw.c_cc[LINUX_VTIME] = 5;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &raw), 0);
    ck_assert_uint_eq(shim_tty_vtime_ms(&tty), 500);
    type("x");
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 1), 1);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 1), -LINUX_EAGAIN); /* none: wait on */
    /* MIN 0, TIME 0: never blocks */
    raw.c_cc[LINUX_VMIN] = 0;
    raw.c_cc[LINUX_VTIME] = 0;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &raw), 0);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), 0);
    /* MIN 0, TIME 2: blocks until a byte or the timer */
    raw.c_cc[LINUX_VTIME] = 2;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &raw), 0);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 1), 0);
    type("q");
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), 1);
    ck_assert_int_eq(shim_tty_set_termios(&tty, 0x9999, &raw), -LINUX_EINVAL);
}
END_TEST

START_TEST(tty_mode_switches)
{
    char buf[16];
    /* canonical -> raw: the line being edited becomes readable */
    type("abc");
    struct shim_termios raw = tty.t;
    raw.c_lflag &= ~(uint32_t)LINUX_ICANON;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &raw), 0);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), 3);
    /* raw -> canonical: what is there is one line */
    type("xy");
    struct shim_termios canon = tty.t;
    canon.c_lflag |= LINUX_ICANON;
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &canon), 0);
    ck_assert_str_eq(read_str(16), "xy");
    /* TCSETSF flushes */
    type("gone\n");
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETSF, &canon), 0);
    ck_assert_int_eq(shim_tty_read(&tty, buf, sizeof buf, 0), -LINUX_EAGAIN);
}
END_TEST

START_TEST(tty_full_buffer)
{
    static char big[SHIM_TTY_BUF + 100];
    memset(big, 'x', sizeof big);
    tty.t.c_iflag |= LINUX_IMAXBEL;
    type_n(big, sizeof big);
    ck_assert_uint_eq(tty.len, SHIM_TTY_BUF - 1); /* one byte kept for the line end */
    ck_assert_uint_eq(echo[ev.echo_len - 1], '\a');
    type("\n");
    ck_assert_uint_eq(tty.len, SHIM_TTY_BUF);
    const char *line = read_str(SHIM_TTY_BUF);
    ck_assert_uint_eq(strlen(line), SHIM_TTY_BUF);
    ck_assert_int_eq(line[SHIM_TTY_BUF - 1], '\n');
    /* full of committed lines: further bytes are dropped */
    for (int i = 0; i < SHIM_TTY_BUF / 2; i++)
        type("y\n");
    type("\n\x04zz");
    ck_assert_uint_eq(tty.len, SHIM_TTY_BUF);
    ck_assert_str_eq(read_str(16), "y\n");
}
END_TEST

START_TEST(tty_winsize)
{
    struct shim_winsize ws = {50, 132, 0, 0};
    ev = (struct shim_tty_events){echo, sizeof echo, 0, 0};
    shim_tty_set_winsize(&tty, &ws, &ev);
    ck_assert_uint_eq(ev.signals, UINT64_C(1) << (LINUX_SIGWINCH - 1));
    ck_assert_uint_eq(tty.ws.ws_col, 132);
    ev.signals = 0;
    shim_tty_set_winsize(&tty, &ws, &ev); /* no change, no signal */
    ck_assert_uint_eq(ev.signals, 0);
}
END_TEST

/* ---- The host's n_tty as the oracle ------------------------------------ */

struct pty_case {
    const char *name;
    const char *input;
    uint32_t lflag_clear, iflag_set, lflag_set, iflag_clear;
};

static const struct pty_case pty_cases[] = {
    {"line", "hello world\r", 0, 0, 0, 0},
    {"erase",
     "ab\x7f\x7f\x7f"
     "c\n",
     0, 0, 0, 0},
    {"werase", "one two  \x17\x17three_3 x\x17\n", 0, 0, 0, 0},
    {"werase punctuation", "ls -l foo/bar.c\x17\x17\x17\n", 0, 0, 0, 0},
    {"kill", "abc\x15xyz\n", 0, 0, 0, 0},
    {"kill echok", "abc\x15xyz\n", LINUX_ECHOKE, 0, 0, 0},
    {"kill no echoe",
     "abc\x7f\x15"
     "d\n",
     LINUX_ECHOKE | LINUX_ECHOE, 0, 0, 0},
    {"eof", "\x04", 0, 0, 0, 0},
    {"eof after text",
     "abc\x04"
     "def\n\x04",
     0, 0, 0, 0},
    {"control echo",
     "a\x01"
     "b\x7f\x7f\x7f\n",
     0, 0, 0, 0},
    {"no echoctl",
     "a\x01"
     "b\x7f\x7f\n",
     LINUX_ECHOCTL, 0, 0, 0},
    {"reprint", "line\x12more\n", 0, 0, 0, 0},
    {"lnext", "\x16\x03\x16\x7f\x16\x15z\n", 0, 0, 0, 0},
    {"interrupt",
     "abc\x03"
     "def\n",
     0, 0, 0, 0},
    {"quit",
     "abc\x1c"
     "def\n",
     0, 0, 0, 0},
    {"suspend",
     "abc\x1a"
     "def\n",
     0, 0, 0, 0},
    {"no isig", "a\x03\x1a\n", LINUX_ISIG, 0, 0, 0},
    {"noflsh",
     "ab\x03"
     "cd\n",
     0, 0, LINUX_NOFLSH, 0},
    {"no echo", "secret\n", LINUX_ECHO, 0, 0, 0},
    {"utf8 erase", "a\xc3\xa9\xe2\x82\xac\x7f\x7f\n", 0, LINUX_IUTF8, 0, 0},
    {"many lines", "a\nbb\n\nccc\n", 0, 0, 0, 0},
    {"raw", "ab\x7f\x03\r\n", LINUX_ICANON | LINUX_ISIG, 0, 0, 0},
    {"raw echo ctl", "a\x01\x7f", LINUX_ICANON, 0, 0, 0},
    {"raw no icrnl", "a\rb\n\t", LINUX_ICANON, 0, 0, LINUX_ICRNL},
    {"raw inlcr", "a\nb\r", LINUX_ICANON, LINUX_INLCR, 0, LINUX_ICRNL},
    {"igncr", "a\rb\n", 0, LINUX_IGNCR, 0, 0},
    {"no icrnl canonical", "a\rb\n", 0, 0, 0, LINUX_ICRNL},
    {"echonl",
     "ab\x7f"
     "c\n",
     LINUX_ECHO, 0, LINUX_ECHONL, 0},
    {"werase controls", "ab\x01\x02 \x17\x17\n", 0, 0, 0, 0},
    {"kill controls",
     "a\x01\x02"
     "b\x15\n",
     0, 0, 0, 0},
    {"lnext newline", "a\x16\nb\x7f\x7f\n", 0, 0, 0, 0},
    {"tab erase", "a\tb\x7f\x7f\n", 0, 0, 0, 0},
    {"tab erase alone", "\t\x7f\x7f\n", 0, 0, 0, 0},
    {"tabs", "ab\tc\td\x7f\x7f\x7f\x7f\x7f\n", 0, 0, 0, 0},
    {"tab after control", "x\x01\t\x7f\x7f\n", 0, 0, 0, 0},
    {"tab second line", "abc\nxyzw\tq\x7f\x7f\x7f\n", 0, 0, 0, 0},
    {"tab wide", "0123456789\t\x7f\t\x15\n", 0, 0, 0, 0},
    {"istrip", "\xe1\xe2\n", 0, LINUX_ISTRIP, 0, 0},
};

/* Everything the master side shows until it has been quiet for a while. */
static size_t drain(int fd, uint8_t *out, size_t cap)
{
    size_t n = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, 150) > 0 && n < cap) {
        ssize_t r = read(fd, out + n, cap - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    return n;
}

/* The reads a program would do: each result, then EAGAIN; as a string with
 * '|' after each read ("0|" for end of file). */
static void reads_native(int fd, char *log, size_t cap)
{
    char buf[256];
    log[0] = '\0';
    for (int i = 0; i < 16; i++) {
        ssize_t r = read(fd, buf, sizeof buf - 1);
        if (r < 0) {
            ck_assert_int_eq(errno, EAGAIN);
            return;
        }
        buf[r] = '\0';
        strncat(log, r ? buf : "0", cap - strlen(log) - 2);
        strcat(log, "|");
    }
}

static void reads_shim(char *log, size_t cap)
{
    char buf[256];
    log[0] = '\0';
    for (int i = 0; i < 16; i++) {
        int64_t r = shim_tty_read(&tty, buf, sizeof buf - 1, 0);
        if (r < 0) {
            ck_assert_int_eq(r, -LINUX_EAGAIN);
            return;
        }
        buf[r] = '\0';
        strncat(log, r ? buf : "0", cap - strlen(log) - 2);
        strcat(log, "|");
    }
}

START_TEST(tty_matches_linux_pty)
{
    const struct pty_case *c = &pty_cases[_i];
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0)
        return; /* no pseudo-terminals here: nothing to compare with */
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_NONBLOCK);
    ck_assert_int_ge(slave, 0);
    /* a fresh terminal is what shim_tty_init() gives (a pty has no HUPCL) */
    struct shim_termios t;
    ck_assert_int_eq(ioctl(slave, LINUX_TCGETS, &t), 0);
    ck_assert_uint_eq(t.c_iflag, tty.t.c_iflag);
    ck_assert_uint_eq(t.c_oflag, tty.t.c_oflag);
    ck_assert_uint_eq(t.c_lflag, tty.t.c_lflag);
    ck_assert_uint_eq(t.c_cflag | LINUX_HUPCL, tty.t.c_cflag);
    ck_assert_mem_eq(t.c_cc, tty.t.c_cc, LINUX_VEOL2 + 1);
    /* the case's settings on both, through the kernel's own struct */
    t.c_lflag = (t.c_lflag & ~c->lflag_clear) | c->lflag_set;
    t.c_iflag = (t.c_iflag & ~c->iflag_clear) | c->iflag_set;
    ck_assert_int_eq(ioctl(slave, LINUX_TCSETS, &t), 0);
    ck_assert_int_eq(shim_tty_set_termios(&tty, LINUX_TCSETS, &t), 0);

    size_t len = strlen(c->input);
    ck_assert_int_eq(write(master, c->input, len), (ssize_t)len);
    uint8_t native_echo[4096];
    size_t native_len = drain(master, native_echo, sizeof native_echo);
    char native_reads[1024], shim_reads[1024];
    reads_native(slave, native_reads, sizeof native_reads);

    type_n(c->input, len);
    reads_shim(shim_reads, sizeof shim_reads);
    if (ev.echo_len != native_len || memcmp(echo, native_echo, native_len)) {
        char a[512] = "", b[512] = "";
        for (size_t i = 0; i < ev.echo_len && i < 100; i++)
            snprintf(a + strlen(a), sizeof a - strlen(a), "%02x ", echo[i]);
        for (size_t i = 0; i < native_len && i < 100; i++)
            snprintf(b + strlen(b), sizeof b - strlen(b), "%02x ", native_echo[i]);
        ck_abort_msg("%s: echo differs: shim [%s], Linux [%s]", c->name, a, b);
    }
    ck_assert_msg(!strcmp(shim_reads, native_reads), "%s: reads differ: shim '%s', Linux '%s'",
                  c->name, shim_reads, native_reads);
    close(slave);
    close(master);
}
END_TEST

Suite *shim_tty_suite(void)
{
    Suite *s = suite_create("shim_tty");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, tty_defaults);
    tcase_add_test(tc, tty_canonical_lines);
    tcase_add_test(tc, tty_eof);
    tcase_add_test(tc, tty_editing);
    tcase_add_test(tc, tty_signals);
    tcase_add_test(tc, tty_input_translation);
    tcase_add_test(tc, tty_output_processing);
    tcase_add_test(tc, tty_raw_vmin_vtime);
    tcase_add_test(tc, tty_mode_switches);
    tcase_add_test(tc, tty_full_buffer);
    tcase_add_test(tc, tty_winsize);
    tcase_add_loop_test(tc, tty_matches_linux_pty, 0, sizeof pty_cases / sizeof pty_cases[0]);
    suite_add_tcase(s, tc);
    return s;
}
