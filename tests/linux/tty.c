/* SPDX-License-Identifier: MIT */
/*
 * tty: terminal calls where no terminal is: isatty, tcgetattr, the window
 * size and the foreground group on a pipe, /dev/null and a regular file
 * all fail with ENOTTY; /dev/tty without a controlling terminal is ENXIO
 * (the runner starts every program in a new session, and so does
 * Tessera's run for a program whose stdin is not the terminal).
 */
#include "lt.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

static void not_a_tty(const char *what, int fd)
{
    struct termios t;
    struct winsize ws;
    pid_t pg;
    char name[96];
    errno = 0;
    int r = isatty(fd);
    snprintf(name, sizeof name, "isatty(%s) is 0 with ENOTTY", what);
    CHECK(name, r == 0 && errno == ENOTTY);
    snprintf(name, sizeof name, "tcgetattr(%s)", what);
    CHECK_ERR(name, tcgetattr(fd, &t), ENOTTY);
    snprintf(name, sizeof name, "TIOCGWINSZ on %s", what);
    CHECK_ERR(name, ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
    snprintf(name, sizeof name, "TIOCGPGRP on %s", what);
    CHECK_ERR(name, ioctl(fd, TIOCGPGRP, &pg), ENOTTY);
    snprintf(name, sizeof name, "tcsetattr(%s)", what);
    memset(&t, 0, sizeof t);
    CHECK_ERR(name, tcsetattr(fd, TCSANOW, &t), ENOTTY);
}

int main(void)
{
    lt_init();
    int p[2];
    if (pipe(p) != 0)
        return 2;
    not_a_tty("a pipe", p[0]);
    int fd = open("/dev/null", O_RDWR);
    not_a_tty("/dev/null", fd);
    close(fd);
    fd = open("/proc/self/exe", O_RDONLY);
    not_a_tty("a regular file", fd);
    close(fd);
    CHECK_ERR("isatty of a closed fd", isatty(77) ? 0 : -1, EBADF);
    CHECK_ERR("ioctl with an unknown request on a pipe", ioctl(p[0], 0x7fff1234, 0), ENOTTY);
    close(p[0]);
    close(p[1]);
    CHECK_ERR("open /dev/tty without a controlling terminal", open("/dev/tty", O_RDWR), ENXIO);
    CHECK("ttyname of a pipe is NULL", ttyname(0) == NULL || isatty(0));
    return lt_done();
}
