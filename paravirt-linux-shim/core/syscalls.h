/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86-64 system calls the shim knows, once: number, name and
 * what the shim does with it (docs/linux/syscalls.md is generated from the
 * same list by tools/linux_syscalls.py... for now read here). Status:
 *   DONE     implemented as Linux does it, for what the shim supports
 *   PARTIAL  implemented with limits written next to the handler
 *   NOSYS    answers -ENOSYS (logged once by name)
 * X(number, name, status)
 */
#ifndef SHIM_CORE_SYSCALLS_H
#define SHIM_CORE_SYSCALLS_H

#define SHIM_SYSCALLS(X)                                                                           \
    X(0, read, PARTIAL)                                                                            \
    X(1, write, PARTIAL)                                                                           \
    X(2, open, PARTIAL)                                                                            \
    X(3, close, DONE)                                                                              \
    X(4, stat, DONE)                                                                               \
    X(5, fstat, DONE)                                                                              \
    X(6, lstat, DONE)                                                                              \
    X(7, poll, PARTIAL)                                                                            \
    X(8, lseek, DONE)                                                                              \
    X(9, mmap, PARTIAL)                                                                            \
    X(10, mprotect, PARTIAL)                                                                       \
    X(11, munmap, DONE)                                                                            \
    X(12, brk, DONE)                                                                               \
    X(13, rt_sigaction, DONE)                                                                      \
    X(14, rt_sigprocmask, DONE)                                                                    \
    X(15, rt_sigreturn, DONE)                                                                      \
    X(16, ioctl, PARTIAL)                                                                          \
    X(17, pread64, DONE)                                                                           \
    X(18, pwrite64, DONE)                                                                          \
    X(19, readv, PARTIAL)                                                                          \
    X(20, writev, PARTIAL)                                                                         \
    X(21, access, PARTIAL)                                                                         \
    X(22, pipe, DONE)                                                                              \
    X(23, select, DONE)                                                                            \
    X(24, sched_yield, DONE)                                                                       \
    X(25, mremap, DONE)                                                                            \
    X(32, dup, DONE)                                                                               \
    X(33, dup2, DONE)                                                                              \
    X(34, pause, DONE)                                                                             \
    X(35, nanosleep, DONE)                                                                         \
    X(36, getitimer, PARTIAL)                                                                      \
    X(37, alarm, DONE)                                                                             \
    X(38, setitimer, PARTIAL)                                                                      \
    X(39, getpid, DONE)                                                                            \
    X(40, sendfile, PARTIAL)                                                                       \
    X(56, clone, PARTIAL)                                                                          \
    X(57, fork, DONE)                                                                              \
    X(58, vfork, PARTIAL)                                                                          \
    X(59, execve, PARTIAL)                                                                         \
    X(61, wait4, PARTIAL)                                                                          \
    X(62, kill, DONE)                                                                              \
    X(60, exit, PARTIAL)                                                                           \
    X(63, uname, DONE)                                                                             \
    X(72, fcntl, PARTIAL)                                                                          \
    X(76, truncate, DONE)                                                                          \
    X(77, ftruncate, DONE)                                                                         \
    X(79, getcwd, DONE)                                                                            \
    X(80, chdir, DONE)                                                                             \
    X(81, fchdir, DONE)                                                                            \
    X(82, rename, DONE)                                                                            \
    X(83, mkdir, DONE)                                                                             \
    X(84, rmdir, DONE)                                                                             \
    X(86, link, DONE)                                                                              \
    X(87, unlink, DONE)                                                                            \
    X(88, symlink, DONE)                                                                           \
    X(89, readlink, PARTIAL)                                                                       \
    X(90, chmod, DONE)                                                                             \
    X(91, fchmod, DONE)                                                                            \
    X(92, chown, DONE)                                                                             \
    X(93, fchown, DONE)                                                                            \
    X(94, lchown, DONE)                                                                            \
    X(95, umask, DONE)                                                                             \
    X(96, gettimeofday, DONE)                                                                      \
    X(97, getrlimit, DONE)                                                                         \
    X(99, sysinfo, PARTIAL)                                                                        \
    X(105, setuid, DONE)                                                                           \
    X(106, setgid, DONE)                                                                           \
    X(113, setreuid, DONE)                                                                         \
    X(114, setregid, DONE)                                                                         \
    X(115, getgroups, DONE)                                                                        \
    X(116, setgroups, DONE)                                                                        \
    X(117, setresuid, DONE)                                                                        \
    X(118, getresuid, DONE)                                                                        \
    X(119, setresgid, DONE)                                                                        \
    X(120, getresgid, DONE)                                                                        \
    X(122, setfsuid, PARTIAL)                                                                      \
    X(123, setfsgid, PARTIAL)                                                                      \
    X(160, setrlimit, DONE)                                                                        \
    X(164, settimeofday, PARTIAL)                                                                  \
    X(227, clock_settime, PARTIAL)                                                                 \
    X(98, getrusage, PARTIAL)                                                                      \
    X(100, times, PARTIAL)                                                                         \
    X(102, getuid, DONE)                                                                           \
    X(109, setpgid, DONE)                                                                          \
    X(111, getpgrp, DONE)                                                                          \
    X(112, setsid, DONE)                                                                           \
    X(121, getpgid, DONE)                                                                          \
    X(124, getsid, DONE)                                                                           \
    X(127, rt_sigpending, DONE)                                                                    \
    X(128, rt_sigtimedwait, DONE)                                                                  \
    X(129, rt_sigqueueinfo, DONE)                                                                  \
    X(130, rt_sigsuspend, DONE)                                                                    \
    X(131, sigaltstack, DONE)                                                                      \
    X(104, getgid, DONE)                                                                           \
    X(107, geteuid, DONE)                                                                          \
    X(108, getegid, DONE)                                                                          \
    X(110, getppid, DONE)                                                                          \
    X(137, statfs, PARTIAL)                                                                        \
    X(138, fstatfs, PARTIAL)                                                                       \
    X(158, arch_prctl, PARTIAL)                                                                    \
    X(186, gettid, DONE)                                                                           \
    X(217, getdents64, DONE)                                                                       \
    X(200, tkill, DONE)                                                                            \
    X(201, time, DONE)                                                                             \
    X(202, futex, PARTIAL)                                                                         \
    X(218, set_tid_address, DONE)                                                                  \
    X(228, clock_gettime, PARTIAL)                                                                 \
    X(229, clock_getres, DONE)                                                                     \
    X(230, clock_nanosleep, PARTIAL)                                                               \
    X(231, exit_group, DONE)                                                                       \
    X(234, tgkill, DONE)                                                                           \
    X(247, waitid, PARTIAL)                                                                        \
    X(297, rt_tgsigqueueinfo, DONE)                                                                \
    X(257, openat, PARTIAL)                                                                        \
    X(258, mkdirat, PARTIAL)                                                                       \
    X(262, newfstatat, PARTIAL)                                                                    \
    X(263, unlinkat, PARTIAL)                                                                      \
    X(264, renameat, PARTIAL)                                                                      \
    X(260, fchownat, DONE)                                                                         \
    X(265, linkat, PARTIAL)                                                                        \
    X(266, symlinkat, DONE)                                                                        \
    X(267, readlinkat, PARTIAL)                                                                    \
    X(268, fchmodat, DONE)                                                                         \
    X(270, pselect6, PARTIAL)                                                                      \
    X(269, faccessat, PARTIAL)                                                                     \
    X(271, ppoll, PARTIAL)                                                                         \
    X(273, set_robust_list, PARTIAL)                                                               \
    X(280, utimensat, PARTIAL)                                                                     \
    X(292, dup3, DONE)                                                                             \
    X(293, pipe2, DONE)                                                                            \
    X(302, prlimit64, DONE)                                                                        \
    X(318, getrandom, DONE)                                                                        \
    X(332, statx, PARTIAL)                                                                         \
    X(334, rseq, NOSYS)                                                                            \
    X(439, faccessat2, PARTIAL)                                                                    \
    X(26, msync, DONE)                                                                             \
    X(28, madvise, PARTIAL)                                                                        \
    X(73, flock, PARTIAL)                                                                          \
    X(74, fsync, DONE)                                                                             \
    X(75, fdatasync, DONE)                                                                         \
    X(135, personality, PARTIAL)                                                                   \
    X(140, getpriority, PARTIAL)                                                                   \
    X(141, setpriority, PARTIAL)                                                                   \
    X(143, sched_getparam, DONE)                                                                   \
    X(145, sched_getscheduler, DONE)                                                               \
    X(146, sched_get_priority_max, DONE)                                                           \
    X(147, sched_get_priority_min, DONE)                                                           \
    X(157, prctl, PARTIAL)                                                                         \
    X(162, sync, DONE)                                                                             \
    X(203, sched_setaffinity, DONE)                                                                \
    X(204, sched_getaffinity, DONE)                                                                \
    X(306, syncfs, DONE)                                                                           \
    X(309, getcpu, DONE)

#define SHIM_SYSCALL_ENUM(nr, name, status) SYS_##name = nr,
enum shim_sysno { SHIM_SYSCALLS(SHIM_SYSCALL_ENUM) };
#undef SHIM_SYSCALL_ENUM

/* The name of a known system call, or NULL. */
const char *shim_syscall_name(unsigned long nr);

#endif
