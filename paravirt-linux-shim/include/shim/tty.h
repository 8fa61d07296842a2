/* SPDX-License-Identifier: MIT */
/*
 * The terminal line discipline (Linux's N_TTY) as a pure state machine:
 * bytes typed in, (echo bytes, readable bytes, signals) out.
 *
 * Interface:
 *  - shim_tty_init(): the settings of a fresh Linux terminal (canonical,
 *    echo, ICRNL, ONLCR, ISIG, the usual control characters), 24x80.
 *  - shim_tty_input() takes bytes from the console: in canonical mode it
 *    edits the current line (erase ^? and ^H, word erase ^W, kill ^U,
 *    reprint ^R, literal next ^V) and commits it on newline, EOL or EOF
 *    (^D); with ISIG, ^C, ^\ and ^Z become SIGINT, SIGQUIT and SIGTSTP for
 *    the foreground process group (and flush the input unless NOFLSH). It
 *    reports what to echo (already output-processed) and which signals to
 *    send; the shim writes the echo to the console and signals fg_pgrp.
 *  - shim_tty_read() gives a reader one line (canonical) or what VMIN and
 *    VTIME allow (raw); -LINUX_EAGAIN means block. In raw mode with VTIME
 *    the shim runs the timer (shim_tty_vtime_ms()) and calls again with
 *    timer_expired set.
 *  - shim_tty_output() applies OPOST processing (ONLCR, OCRNL) to what a
 *    program writes.
 *  - termios and window size are set as TCSETS, TCSETSW, TCSETSF and
 *    TIOCSWINSZ set them (a new size sends SIGWINCH).
 * Pure: no system call, no IPC, no clock. See docs/linux/tty.md.
 */
#ifndef SHIM_TTY_H
#define SHIM_TTY_H

#include <stddef.h>
#include <stdint.h>
#include <shim/linux_abi.h>

#define SHIM_TTY_BUF 4096 /* Linux N_TTY_BUF_SIZE */

/* The kernel's struct termios (TCGETS/TCSETS), 36 bytes. */
struct shim_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[LINUX_NCCS];
};
_Static_assert(sizeof(struct shim_termios) == 36, "struct termios of the x86-64 ABI");

struct shim_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

struct shim_tty {
    struct shim_termios t;
    struct shim_winsize ws;
    int32_t fg_pgrp;
    int stopped; /* output stopped by VSTOP (IXON) */
    /* The output column as n_tty tracks it (OPOST output and echo), and
     * where the current canonical line started: erasing a tab needs both. */
    unsigned column, canon_column;
    int lnext; /* the next byte is taken literally */
    /* buf[0, committed) is readable; buf[committed, len) is the line being
     * edited (canonical mode only). flags mark line ends and EOF. */
    size_t committed, len;
    uint8_t buf[SHIM_TTY_BUF];
    uint8_t flags[SHIM_TTY_BUF];
};

/* What shim_tty_input() (and set_winsize) produced. */
struct shim_tty_events {
    uint8_t *echo; /* caller's buffer */
    size_t echo_cap, echo_len;
    uint64_t signals; /* bit (sig - 1) for each signal to the foreground pgrp */
};

void shim_tty_init(struct shim_tty *tty);
void shim_tty_input(struct shim_tty *tty, const void *bytes, size_t n, struct shim_tty_events *ev);
int64_t shim_tty_read(struct shim_tty *tty, void *dst, size_t n, int timer_expired);
/* Whether a read would return now (poll's POLLIN). */
int shim_tty_readable(const struct shim_tty *tty);
/* The VTIME timer a blocked raw read needs, in ms (0: none). */
unsigned shim_tty_vtime_ms(const struct shim_tty *tty);
/* FIONREAD. */
size_t shim_tty_available(const struct shim_tty *tty);
/* Output processing of n bytes into dst (cap bytes, at least 2); returns
 * the bytes written to dst and sets *consumed. */
size_t shim_tty_output(struct shim_tty *tty, const void *src, size_t n, uint8_t *dst, size_t cap,
                       size_t *consumed);
/* TCSETS (how = LINUX_TCSETS/TCSETSW/TCSETSF; TCSETSF flushes input). */
int shim_tty_set_termios(struct shim_tty *tty, unsigned how, const struct shim_termios *t);
void shim_tty_set_winsize(struct shim_tty *tty, const struct shim_winsize *ws,
                          struct shim_tty_events *ev);
void shim_tty_flush_input(struct shim_tty *tty);

#endif
