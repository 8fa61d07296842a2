/* SPDX-License-Identifier: MIT */
/*
 * procdev: the small /proc and the /dev nodes the issue names. /proc/self
 * and its exe and fd entries, meminfo, uptime, cpuinfo, stat and mounts by the
 * fields programs parse (never by values); the device numbers and the
 * read/write behaviour of null, zero, full, random and urandom; tty and
 * console exist as character devices.
 */
#include "lt.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* Reads a whole small file into buf; returns the length or -1. */
static int slurp(const char *path, char *buf, int len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int got = 0;
    ssize_t n;
    while (got < len - 1 && (n = read(fd, buf + got, (size_t)(len - 1 - got))) > 0)
        got += (int)n;
    buf[got] = 0;
    close(fd);
    return got;
}

static void proc_tests(const char *argv0)
{
    char buf[8192], path[PATH_MAX];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK("/proc/self links to our pid", n > 0 && atoi(buf) == getpid());
    n = readlink("/proc/self/exe", path, sizeof path - 1);
    path[n > 0 ? n : 0] = 0;
    CHECK("/proc/self/exe is an absolute path", n > 0 && path[0] == '/');
    struct stat a, b;
    CHECK("/proc/self/exe is this program", stat(path, &a) == 0 && stat(argv0, &b) == 0 &&
                                                a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    int extra = open("/dev/null", O_RDONLY);
    DIR *d = opendir("/proc/self/fd");
    CHECK("opendir /proc/self/fd", d != NULL);
    int fds = 0, has_extra = 0, has012 = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        int fd = atoi(e->d_name);
        fds++;
        has_extra |= fd == extra;
        if (fd <= 2)
            has012++;
    }
    if (d)
        closedir(d);
    printf("/proc/self/fd: %d entries (0, 1, 2, /dev/null, the directory's own)\n", fds);
    CHECK("it lists 0, 1, 2 and the new fd", has012 == 3 && has_extra);
    snprintf(path, sizeof path, "/proc/self/fd/%d", extra);
    n = readlink(path, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    CHECK("/proc/self/fd/N names /dev/null", strcmp(buf, "/dev/null") == 0);
    close(extra);
    CHECK_ERR("the closed fd is gone", readlink(path, buf, sizeof buf), ENOENT);

    CHECK("/proc/meminfo has MemTotal, MemFree, MemAvailable",
          slurp("/proc/meminfo", buf, sizeof buf) > 0 && strstr(buf, "MemTotal:") &&
              strstr(buf, "MemFree:") && strstr(buf, "MemAvailable:"));
    unsigned long kb = 0;
    char *p = strstr(buf, "MemTotal:");
    CHECK("MemTotal is a number of kB", p && sscanf(p, "MemTotal: %lu kB", &kb) == 1 && kb > 0);
    double up = -1, idle = -1;
    CHECK("/proc/uptime holds two numbers", slurp("/proc/uptime", buf, sizeof buf) > 0 &&
                                                sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0 &&
                                                idle >= 0);
    CHECK("/proc/cpuinfo names a processor and flags",
          slurp("/proc/cpuinfo", buf, sizeof buf) > 0 && strncmp(buf, "processor", 9) == 0 &&
              strstr(buf, "flags"));
    CHECK("/proc/mounts has a line with 6 fields",
          slurp("/proc/mounts", buf, sizeof buf) > 0 && ({
              char f[6][128];
              sscanf(buf, "%127s %127s %127s %127s %127s %127s", f[0], f[1], f[2], f[3], f[4],
                     f[5]) == 6;
          }));
    unsigned long long t[4] = {0, 0, 0, 0}, t2[4] = {0, 0, 0, 0};
    CHECK("/proc/stat starts with a cpu line of 4 or more numbers",
          slurp("/proc/stat", buf, sizeof buf) > 0 &&
              sscanf(buf, "cpu %llu %llu %llu %llu", &t[0], &t[1], &t[2], &t[3]) == 4);
    for (volatile unsigned long spin = 0; spin < 20000000ul; spin++)
        ;
    CHECK("its counters never go back (top subtracts two readings)",
          slurp("/proc/stat", buf, sizeof buf) > 0 &&
              sscanf(buf, "cpu %llu %llu %llu %llu", &t2[0], &t2[1], &t2[2], &t2[3]) == 4 &&
              t2[0] >= t[0] && t2[3] >= t[3] && t2[0] + t2[3] >= t[0] + t[3]);
    struct stat root, proc;
    CHECK("/proc is a device of its own (df tells it from /)",
          stat("/", &root) == 0 && stat("/proc", &proc) == 0 && root.st_dev != proc.st_dev);
    CHECK("/proc/mounts names the root as a file system other than rootfs",
          slurp("/proc/mounts", buf, sizeof buf) > 0 && ({
              int found = 0;
              for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                  char dev[128], dir[128];
                  if (sscanf(l, "%127s %127s", dev, dir) == 2 && !strcmp(dir, "/") &&
                      strcmp(dev, "rootfs"))
                      found = 1;
              }
              found;
          }));
    CHECK_ERR("/proc/self/nonexistent", open("/proc/self/nonexistent", O_RDONLY), ENOENT);
}

static void dev_tests(void)
{
    static const struct {
        const char *path;
        unsigned maj, min;
    } devs[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
                {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
                {"/dev/console", 5, 1}};
    for (unsigned i = 0; i < sizeof devs / sizeof devs[0]; i++) {
        struct stat st;
        char name[80];
        snprintf(name, sizeof name, "%s is char device %u,%u", devs[i].path, devs[i].maj,
                 devs[i].min);
        CHECK(name, stat(devs[i].path, &st) == 0 && S_ISCHR(st.st_mode) &&
                        major(st.st_rdev) == devs[i].maj && minor(st.st_rdev) == devs[i].min);
    }
    char buf[4096];
    int fd = open("/dev/null", O_RDWR);
    CHECK("/dev/null reads end of file", read(fd, buf, sizeof buf) == 0);
    CHECK("/dev/null takes every byte", write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    close(fd);
    fd = open("/dev/zero", O_RDWR);
    memset(buf, 1, sizeof buf);
    CHECK("/dev/zero reads zeros", read(fd, buf, sizeof buf) == (ssize_t)sizeof buf &&
                                       buf[0] == 0 && buf[sizeof buf - 1] == 0);
    CHECK("/dev/zero takes writes", write(fd, buf, 10) == 10);
    close(fd);
    fd = open("/dev/full", O_RDWR);
    CHECK_ERR("write to /dev/full", write(fd, buf, 10), ENOSPC);
    CHECK("/dev/full reads zeros", read(fd, buf, 10) == 10 && buf[0] == 0);
    close(fd);
    CHECK_ERR("create a file in /proc", open("/proc/newfile", O_CREAT | O_WRONLY, 0644), ENOENT);
}

int main(int argc, char **argv)
{
    (void)argc;
    lt_init();
    proc_tests(argv[0]);
    dev_tests();
    return lt_done();
}
