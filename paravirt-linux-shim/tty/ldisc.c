/* SPDX-License-Identifier: MIT */
/*
 * The line discipline (see <shim/tty.h>), after Linux's drivers/tty/n_tty.c.
 *
 * One buffer holds both what may be read and, in canonical mode, the line
 * still being edited after it: erase works on buf[committed, len) only,
 * and a line end moves committed up to len. A committed line's last byte
 * carries F_DELIM; an EOF (^D) on an empty line is a placeholder byte with
 * F_EOF that a read consumes to return 0. The buffer never overflows: a
 * byte that does not fit is dropped (and IMAXBEL rings the bell), keeping
 * one byte free for the line end so that a full line can still be ended.
 */
#include <string.h>
#include <shim/tty.h>

#define F_DELIM 1
#define F_EOF   2

#define CTRL(c) ((c)&0x1f)

void shim_tty_init(struct shim_tty *tty)
{
    static const uint8_t cc[LINUX_NCCS] = {
        [LINUX_VINTR] = CTRL('C'),
        [LINUX_VQUIT] = CTRL('\\'),
        [LINUX_VERASE] = 0x7f,
        [LINUX_VKILL] = CTRL('U'),
        [LINUX_VEOF] = CTRL('D'),
        [LINUX_VTIME] = 0,
        [LINUX_VMIN] = 1,
        [LINUX_VSTART] = CTRL('Q'),
        [LINUX_VSTOP] = CTRL('S'),
        [LINUX_VSUSP] = CTRL('Z'),
        [LINUX_VREPRINT] = CTRL('R'),
        [LINUX_VDISCARD] = CTRL('O'),
        [LINUX_VWERASE] = CTRL('W'),
        [LINUX_VLNEXT] = CTRL('V'),
    };
    memset(tty, 0, sizeof *tty);
    tty->t.c_iflag = LINUX_ICRNL | LINUX_IXON;
    tty->t.c_oflag = LINUX_OPOST | LINUX_ONLCR;
    tty->t.c_cflag = LINUX_B38400 | LINUX_CS8 | LINUX_CREAD | LINUX_HUPCL;
    tty->t.c_lflag = LINUX_ISIG | LINUX_ICANON | LINUX_ECHO | LINUX_ECHOE | LINUX_ECHOK |
                     LINUX_ECHOCTL | LINUX_ECHOKE | LINUX_IEXTEN;
    memcpy(tty->t.c_cc, cc, sizeof cc);
    tty->ws.ws_row = 24;
    tty->ws.ws_col = 80;
}

/* ---- Output -------------------------------------------------------------- */

/* n_tty's do_output_char(): one byte with OPOST, the column kept. */
size_t shim_tty_output(struct shim_tty *tty, const void *src, size_t n, uint8_t *dst, size_t cap,
                       size_t *consumed)
{
    const uint8_t *s = src;
    size_t i = 0, o = 0;
    uint32_t of = tty->t.c_oflag;
    int utf8 = (tty->t.c_iflag & LINUX_IUTF8) != 0;
    for (; i < n; i++) {
        uint8_t c = s[i];
        if (!(of & LINUX_OPOST)) {
            if (o == cap)
                break;
            dst[o++] = c;
            continue;
        }
        if (c == '\n') {
            if (of & LINUX_ONLRET)
                tty->column = 0;
            if (of & LINUX_ONLCR) {
                if (cap - o < 2)
                    break;
                dst[o++] = '\r';
                dst[o++] = '\n';
                tty->column = tty->canon_column = 0;
                continue;
            }
            tty->canon_column = tty->column;
        } else if (c == '\r') {
            if (of & LINUX_OCRNL) {
                c = '\n';
                if (of & LINUX_ONLRET)
                    tty->column = tty->canon_column = 0;
            } else {
                tty->column = tty->canon_column = 0;
            }
        } else if (c == '\t') {
            tty->column += 8 - (tty->column & 7);
        } else if (c == '\b') {
            if (tty->column)
                tty->column--;
        } else if (c >= 0x20 && c != 0x7f && !(utf8 && (c & 0xc0) == 0x80)) {
            tty->column++;
        }
        if (o == cap)
            break;
        dst[o++] = c;
    }
    *consumed = i;
    return o;
}

/* Echo goes through output processing too, as on Linux. Bytes that do not
 * fit in the caller's echo buffer are lost (the echo only). */
static void echo_bytes(struct shim_tty *tty, struct shim_tty_events *ev, const void *b, size_t n)
{
    size_t used;
    ev->echo_len +=
        shim_tty_output(tty, b, n, ev->echo + ev->echo_len, ev->echo_cap - ev->echo_len, &used);
}

/* What echo_char() shows as ^X with ECHOCTL: controls but the tab. */
static int is_ctrl_echo(uint8_t c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* One typed character as the user sees it: ^X for controls (ECHOCTL). */
static void echo_char(struct shim_tty *tty, struct shim_tty_events *ev, uint8_t c)
{
    if (!(tty->t.c_lflag & LINUX_ECHO))
        return;
    if ((tty->t.c_lflag & LINUX_ECHOCTL) && is_ctrl_echo(c)) {
        uint8_t two[2] = {'^', (uint8_t)(c ^ 0x40)};
        echo_bytes(tty, ev, two, 2);
    } else {
        echo_bytes(tty, ev, &c, 1);
    }
}

/* ---- Input --------------------------------------------------------------- */

static int room(const struct shim_tty *tty, int line_end)
{
    /* one byte stays free for a line end in canonical mode */
    size_t reserve = (tty->t.c_lflag & LINUX_ICANON) && !line_end ? 1 : 0;
    return tty->len + reserve < SHIM_TTY_BUF;
}

static void put(struct shim_tty *tty, uint8_t c, uint8_t flags)
{
    tty->buf[tty->len] = c;
    tty->flags[tty->len] = flags;
    tty->len++;
}

static void commit(struct shim_tty *tty)
{
    tty->committed = tty->len;
}

/* A tab just taken off the line: back to where it started, as n_tty's
 * ECHO_OP_ERASE_TAB computes it from the columns of what precedes it (up
 * to an earlier tab, or the start of the line and its column). */
static void erase_tab(struct shim_tty *tty, struct shim_tty_events *ev)
{
    unsigned cols = 0;
    int after_tab = 0;
    for (size_t i = tty->len; i > tty->committed; i--) {
        uint8_t c = tty->buf[i - 1];
        if (c == '\t') {
            after_tab = 1;
            break;
        }
        if (c < 0x20 || c == 0x7f)
            cols += (tty->t.c_lflag & LINUX_ECHOCTL) ? 2 : 0;
        else if (!((tty->t.c_iflag & LINUX_IUTF8) && (c & 0xc0) == 0x80))
            cols++;
    }
    if (!after_tab)
        cols += tty->canon_column;
    unsigned back = 8 - (cols & 7);
    if (back > tty->column)
        back = tty->column;
    tty->column -= back;
    /* raw backspaces, past output processing, as n_tty writes them */
    while (back-- && ev->echo_len < ev->echo_cap)
        ev->echo[ev->echo_len++] = '\b';
}

/* Erases the last character of the line being edited, on screen too. */
static void erase_one(struct shim_tty *tty, struct shim_tty_events *ev)
{
    int utf8 = (tty->t.c_iflag & LINUX_IUTF8) != 0;
    while (tty->len > tty->committed) {
        uint8_t c = tty->buf[--tty->len];
        /* a UTF-8 character goes whole: its continuation bytes, then its lead */
        if (utf8 && (c & 0xc0) == 0x80 && tty->len > tty->committed)
            continue;
        if ((tty->t.c_lflag & (LINUX_ECHO | LINUX_ECHOE)) == (LINUX_ECHO | LINUX_ECHOE) &&
            c == '\t') {
            erase_tab(tty, ev);
        } else if ((tty->t.c_lflag & (LINUX_ECHO | LINUX_ECHOE)) == (LINUX_ECHO | LINUX_ECHOE)) {
            /* ^X takes two columns; a control echoed raw, none */
            int cols = !is_ctrl_echo(c) ? 1 : (tty->t.c_lflag & LINUX_ECHOCTL) ? 2 : 0;
            while (cols--)
                echo_bytes(tty, ev, "\b \b", 3);
        } else if (tty->t.c_lflag & LINUX_ECHO) {
            echo_char(tty, ev, tty->t.c_cc[LINUX_VERASE]);
        }
        return;
    }
}

static int is_word(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c >= 0x80;
}

/* ^W: what n_tty's eraser does: the non-word characters at the end, then
 * the word before them. */
static void erase_word(struct shim_tty *tty, struct shim_tty_events *ev)
{
    int seen_word = 0;
    while (tty->len > tty->committed) {
        uint8_t c = tty->buf[tty->len - 1];
        if (is_word(c))
            seen_word = 1;
        else if (seen_word)
            break;
        erase_one(tty, ev);
    }
}

static void kill_line(struct shim_tty *tty, struct shim_tty_events *ev)
{
    uint32_t lf = tty->t.c_lflag;
    if ((lf & LINUX_ECHO) && !(lf & LINUX_ECHOKE) && (lf & LINUX_ECHOK)) {
        /* the kill character and a newline; the line is gone */
        echo_char(tty, ev, tty->t.c_cc[LINUX_VKILL]);
        echo_bytes(tty, ev, "\n", 1);
        tty->len = tty->committed;
        return;
    }
    while (tty->len > tty->committed)
        erase_one(tty, ev);
}

static void signal_char(struct shim_tty *tty, struct shim_tty_events *ev, uint8_t c, int sig)
{
    ev->signals |= UINT64_C(1) << (sig - 1);
    /* The flush takes the input and the output not yet written: the echo
     * of this call so far (n_tty resets its echo buffer and flushes the
     * driver's queue). */
    if (!(tty->t.c_lflag & LINUX_NOFLSH)) {
        shim_tty_flush_input(tty);
        ev->echo_len = 0;
    }
    tty->stopped = 0; /* n_tty restarts output on a signal character */
    echo_char(tty, ev, c);
}

static void input_canonical(struct shim_tty *tty, struct shim_tty_events *ev, uint8_t c,
                            int literal)
{
    const uint8_t *cc = tty->t.c_cc;
    uint32_t lf = tty->t.c_lflag;
    int iexten = (lf & LINUX_IEXTEN) != 0;
    if (!literal) {
        if ((cc[LINUX_VERASE] && c == cc[LINUX_VERASE]) || c == '\b') {
            erase_one(tty, ev);
            return;
        }
        if (cc[LINUX_VKILL] && c == cc[LINUX_VKILL]) {
            kill_line(tty, ev);
            return;
        }
        if (iexten && cc[LINUX_VWERASE] && c == cc[LINUX_VWERASE]) {
            erase_word(tty, ev);
            return;
        }
        if (iexten && cc[LINUX_VREPRINT] && c == cc[LINUX_VREPRINT]) {
            echo_char(tty, ev, c);
            if (lf & LINUX_ECHO) {
                echo_bytes(tty, ev, "\n", 1);
                echo_bytes(tty, ev, tty->buf + tty->committed, tty->len - tty->committed);
            }
            return;
        }
        if (cc[LINUX_VEOF] && c == cc[LINUX_VEOF]) {
            if (tty->len > tty->committed) {
                tty->flags[tty->len - 1] |= F_DELIM; /* the line so far, no newline */
            } else {
                if (!room(tty, 1))
                    return;
                put(tty, 0, F_DELIM | F_EOF);
            }
            commit(tty);
            return;
        }
        if (c == '\n' || (cc[LINUX_VEOL] && c == cc[LINUX_VEOL]) ||
            (iexten && cc[LINUX_VEOL2] && c == cc[LINUX_VEOL2])) {
            if (!room(tty, 1))
                return;
            put(tty, c, F_DELIM);
            commit(tty);
            if ((lf & LINUX_ECHO) || (c == '\n' && (lf & LINUX_ECHONL)))
                echo_bytes(tty, ev, &c, 1);
            return;
        }
    }
    if (!room(tty, 0)) {
        if (tty->t.c_iflag & LINUX_IMAXBEL)
            echo_bytes(tty, ev, "\a", 1);
        return;
    }
    if (tty->len == tty->committed && (tty->t.c_lflag & LINUX_ECHO))
        tty->canon_column = tty->column; /* the line starts here on screen */
    put(tty, c, 0);
    echo_char(tty, ev, c);
}

void shim_tty_input(struct shim_tty *tty, const void *bytes, size_t n, struct shim_tty_events *ev)
{
    const uint8_t *in = bytes;
    const uint8_t *cc = tty->t.c_cc;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[i];
        uint32_t inf = tty->t.c_iflag, lf = tty->t.c_lflag;
        if (inf & LINUX_ISTRIP)
            c &= 0x7f;
        int literal = tty->lnext;
        tty->lnext = 0;
        /* n_tty's "special" characters in raw mode include a CR it
         * translates and an NL it translates; those echo a newline raw,
         * any other NL echoes as ^J. */
        int translated = (c == '\r' && (inf & (LINUX_ICRNL | LINUX_IGNCR))) ||
                         (c == '\n' && (inf & LINUX_INLCR));
        if (!literal) {
            if (c == '\r') {
                if (inf & LINUX_IGNCR)
                    continue;
                if (inf & LINUX_ICRNL)
                    c = '\n';
            } else if (c == '\n' && (inf & LINUX_INLCR)) {
                c = '\r';
            }
            if ((lf & LINUX_ICANON) && (lf & LINUX_IEXTEN) && cc[LINUX_VLNEXT] &&
                c == cc[LINUX_VLNEXT]) {
                tty->lnext = 1;
                if (lf & LINUX_ECHO)
                    echo_bytes(tty, ev, "^\b", 2);
                continue;
            }
            if (inf & LINUX_IXON) {
                if (cc[LINUX_VSTOP] && c == cc[LINUX_VSTOP]) {
                    tty->stopped = 1;
                    continue;
                }
                if (cc[LINUX_VSTART] && c == cc[LINUX_VSTART]) {
                    tty->stopped = 0;
                    continue;
                }
            }
            if (lf & LINUX_ISIG) {
                if (cc[LINUX_VINTR] && c == cc[LINUX_VINTR]) {
                    signal_char(tty, ev, c, LINUX_SIGINT);
                    continue;
                }
                if (cc[LINUX_VQUIT] && c == cc[LINUX_VQUIT]) {
                    signal_char(tty, ev, c, LINUX_SIGQUIT);
                    continue;
                }
                if (cc[LINUX_VSUSP] && c == cc[LINUX_VSUSP]) {
                    signal_char(tty, ev, c, LINUX_SIGTSTP);
                    continue;
                }
            }
        }
        if (lf & LINUX_ICANON) {
            input_canonical(tty, ev, c, literal);
        } else if (room(tty, 0)) {
            put(tty, c, 0);
            commit(tty);
            if (translated && c == '\n') {
                if (lf & LINUX_ECHO)
                    echo_bytes(tty, ev, "\n", 1);
            } else {
                echo_char(tty, ev, c);
            }
        }
    }
}

/* ---- Reading ------------------------------------------------------------- */

static void consume(struct shim_tty *tty, size_t n)
{
    memmove(tty->buf, tty->buf + n, tty->len - n);
    memmove(tty->flags, tty->flags + n, tty->len - n);
    tty->len -= n;
    tty->committed -= n;
}

static int canonical(const struct shim_tty *tty)
{
    return (tty->t.c_lflag & LINUX_ICANON) != 0;
}

int64_t shim_tty_read(struct shim_tty *tty, void *dst, size_t n, int timer_expired)
{
    uint8_t *out = dst;
    if (n == 0)
        return 0;
    if (canonical(tty)) {
        if (tty->committed == 0)
            return -LINUX_EAGAIN;
        if (tty->flags[0] & F_EOF) {
            consume(tty, 1);
            return 0;
        }
        /* up to and including the line end, at most n bytes */
        size_t i = 0;
        while (i < n && i < tty->committed && !(tty->flags[i] & F_EOF)) {
            out[i] = tty->buf[i];
            if (tty->flags[i++] & F_DELIM)
                break;
        }
        consume(tty, i);
        return (int64_t)i;
    }
    size_t vmin = tty->t.c_cc[LINUX_VMIN], vtime = tty->t.c_cc[LINUX_VTIME];
    size_t avail = tty->committed, need = vmin < n ? vmin : n;
    int ready = vmin == 0 ? (avail > 0 || vtime == 0 || timer_expired)
                          : (avail >= need || (vtime && timer_expired && avail > 0));
    if (!ready)
        return -LINUX_EAGAIN;
    size_t k = avail < n ? avail : n;
    memcpy(out, tty->buf, k);
    consume(tty, k);
    return (int64_t)k;
}

int shim_tty_readable(const struct shim_tty *tty)
{
    if (canonical(tty))
        return tty->committed > 0;
    size_t vmin = tty->t.c_cc[LINUX_VMIN];
    return tty->committed >= (vmin ? vmin : 1);
}

unsigned shim_tty_vtime_ms(const struct shim_tty *tty)
{
    return canonical(tty) ? 0 : tty->t.c_cc[LINUX_VTIME] * 100u;
}

size_t shim_tty_available(const struct shim_tty *tty)
{
    size_t n = 0;
    for (size_t i = 0; i < tty->committed; i++)
        n += !(tty->flags[i] & F_EOF);
    return n;
}

void shim_tty_flush_input(struct shim_tty *tty)
{
    tty->len = tty->committed = 0;
    tty->lnext = 0;
}

int shim_tty_set_termios(struct shim_tty *tty, unsigned how, const struct shim_termios *t)
{
    if (how != LINUX_TCSETS && how != LINUX_TCSETSW && how != LINUX_TCSETSF)
        return -LINUX_EINVAL;
    int was_canon = canonical(tty);
    tty->t = *t;
    if (how == LINUX_TCSETSF)
        shim_tty_flush_input(tty);
    if (was_canon && !canonical(tty)) {
        /* the line being edited becomes readable; EOF marks vanish */
        size_t o = 0;
        for (size_t i = 0; i < tty->len; i++) {
            if (tty->flags[i] & F_EOF)
                continue;
            tty->buf[o] = tty->buf[i];
            tty->flags[o++] = 0;
        }
        tty->len = tty->committed = o;
    } else if (!was_canon && canonical(tty) && tty->len) {
        /* what raw mode left is one line, readable as it is */
        tty->flags[tty->len - 1] |= F_DELIM;
    }
    return 0;
}

void shim_tty_set_winsize(struct shim_tty *tty, const struct shim_winsize *ws,
                          struct shim_tty_events *ev)
{
    if (memcmp(&tty->ws, ws, sizeof *ws) != 0)
        ev->signals |= UINT64_C(1) << (LINUX_SIGWINCH - 1);
    tty->ws = *ws;
}
