/* SPDX-License-Identifier: MIT */
/*
 * pty: the line discipline, through a pseudo-terminal pair. Canonical
 * mode (a read returns one line; erase and kill edit it; echo reaches the
 * master), raw mode through termios (bytes as typed, VMIN), the window
 * size, the foreground process group, and ^C sending SIGINT to it. The
 * issue's console has the same line discipline; this program checks it
 * where Linux offers one to an unprivileged program.
 */
#include "lt.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

/* Reads what is available from the master within ~200 ms. */
static int drain(int m, char *buf, int len)
{
    int got = 0;
    for (int i = 0; i < 40 && got < len - 1; i++) {
        int avail = 0;
        ioctl(m, FIONREAD, &avail);
        if (avail > 0) {
            ssize_t n = read(m, buf + got, (size_t)(len - 1 - got));
            if (n > 0)
                got += (int)n;
        } else if (got > 0) {
            break;
        } else {
            usleep(5000);
        }
    }
    buf[got] = 0;
    return got;
}

static void show(const char *label, const char *s)
{
    printf("%s: \"", label);
    for (; *s; s++) {
        if (*s == '\r')
            printf("\\r");
        else if (*s == '\n')
            printf("\\n");
        else if ((unsigned char)*s < 32 || *s == 127)
            printf("^%c", *s == 127 ? '?' : *s + '@');
        else
            putchar(*s);
    }
    printf("\"\n");
}

int main(void)
{
    lt_init();
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (!CHECK("posix_openpt", m >= 0) || grantpt(m) != 0 || unlockpt(m) != 0)
        return lt_done();
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    CHECK("open the slave", s >= 0);
    CHECK("isatty(slave)", isatty(s) == 1);
    struct termios t;
    CHECK_OK("tcgetattr", tcgetattr(s, &t));
    CHECK("default: ICANON, ECHO, ISIG, ONLCR",
          (t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) && (t.c_oflag & ONLCR));

    /* Canonical: typed "abx<DEL>c\n" reads back as "abc\n"; echo shows it. */
    char buf[256];
    CHECK("type a line", write(m, "abx\177c\n", 6) == 6);
    ssize_t n = read(s, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    show("canonical read", buf);
    drain(m, buf, sizeof buf);
    show("echo", buf);
    /* Kill (^U) drops the line typed so far. */
    CHECK("type with a kill", write(m, "gone\025kept\n", 10) == 10);
    n = read(s, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    show("after ^U", buf);
    drain(m, buf, sizeof buf);
    /* Output: \n becomes \r\n on the master (ONLCR). */
    CHECK("write to the slave", write(s, "out\n", 4) == 4);
    drain(m, buf, sizeof buf);
    show("output", buf);
    /* ^D at the start of a line: read returns 0. */
    CHECK("type ^D", write(m, "\004", 1) == 1);
    CHECK("read returns 0 on ^D", read(s, buf, sizeof buf) == 0);

    /* Raw: no echo, no line editing; VMIN=3 waits for 3 bytes. */
    struct termios raw = t;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 3;
    raw.c_cc[VTIME] = 0;
    CHECK_OK("tcsetattr raw", tcsetattr(s, TCSANOW, &raw));
    struct termios back;
    tcgetattr(s, &back);
    CHECK("raw mode reads back", (back.c_lflag & (ICANON | ECHO)) == 0 && back.c_cc[VMIN] == 3);
    write(m, "q\177\n", 3);
    n = read(s, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    show("raw read", buf);
    CHECK("no echo in raw mode", drain(m, buf, sizeof buf) == 0);
    tcsetattr(s, TCSANOW, &t);

    /* Window size round trip. */
    struct winsize ws = {.ws_row = 33, .ws_col = 101}, ws2;
    CHECK_OK("TIOCSWINSZ", ioctl(m, TIOCSWINSZ, &ws));
    CHECK("TIOCGWINSZ on the slave",
          ioctl(s, TIOCGWINSZ, &ws2) == 0 && ws2.ws_row == 33 && ws2.ws_col == 101);

    /* ^C: SIGINT to the foreground group of the terminal's session. */
    int p[2];
    if (pipe(p) != 0)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int c = open(ptsname(m), O_RDWR); /* becomes the controlling tty */
        int ok = c >= 0 && tcgetpgrp(c) == getpid();
        char x = ok ? 'y' : 'n';
        if (write(p[1], &x, 1) != 1)
            _exit(1);
        char r[8];
        ssize_t k = read(c, r, sizeof r); /* killed here by ^C */
        _exit(k >= 0 ? 3 : 4);
    }
    char x = 0;
    CHECK("child took the terminal and is its foreground group",
          read(p[0], &x, 1) == 1 && x == 'y');
    CHECK("type ^C", write(m, "\003", 1) == 1);
    int st;
    waitpid(pid, &st, 0);
    printf("reader after ^C: %s\n", lt_status(st));
    close(p[0]);
    close(p[1]);
    close(s);
    close(m);
    return lt_done();
}
