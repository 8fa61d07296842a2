/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86-64 user ABI facts the shim speaks, each written once.
 *
 * Every value here is what a Linux process sees: the numbers come from the
 * kernel's uapi headers (asm-generic/errno-base.h, asm-generic/errno.h,
 * linux/auxvec.h, asm/auxvec.h, elf.h, asm-generic/signal.h, asm/signal.h,
 * asm-generic/siginfo.h, asm-generic/fcntl.h, linux/stat.h,
 * asm-generic/termbits.h, asm-generic/ioctls.h). Names carry a LINUX_
 * prefix so that this header can sit beside a host libc's in the unit tests
 * without clashing, and so that shim code says plainly which ABI a value
 * belongs to.
 */
#ifndef SHIM_LINUX_ABI_H
#define SHIM_LINUX_ABI_H

#include <stdint.h>

/* ---- Error numbers (returned negated in rax) ---------------------------- */
#define LINUX_EPERM        1
#define LINUX_ENOENT       2
#define LINUX_ESRCH        3
#define LINUX_EINTR        4
#define LINUX_EIO          5
#define LINUX_ENXIO        6
#define LINUX_E2BIG        7
#define LINUX_ENOEXEC      8
#define LINUX_EBADF        9
#define LINUX_ECHILD       10
#define LINUX_EAGAIN       11
#define LINUX_ENOMEM       12
#define LINUX_EACCES       13
#define LINUX_EFAULT       14
#define LINUX_EBUSY        16
#define LINUX_EEXIST       17
#define LINUX_EXDEV        18
#define LINUX_ENODEV       19
#define LINUX_ENOTDIR      20
#define LINUX_EISDIR       21
#define LINUX_EINVAL       22
#define LINUX_ENFILE       23
#define LINUX_EMFILE       24
#define LINUX_ENOTTY       25
#define LINUX_EFBIG        27
#define LINUX_ENOSPC       28
#define LINUX_ESPIPE       29
#define LINUX_EROFS        30
#define LINUX_EMLINK       31
#define LINUX_EPIPE        32
#define LINUX_ERANGE       34
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOSYS       38
#define LINUX_ENOTEMPTY    39
#define LINUX_ELOOP        40
#define LINUX_EOVERFLOW    75
#define LINUX_ELIBBAD      80
#define LINUX_EOPNOTSUPP   95
#define LINUX_ETIMEDOUT    110

/* ---- Memory ------------------------------------------------------------- */
#define LINUX_PAGE_SIZE  4096u
#define LINUX_TASK_SIZE  UINT64_C(0x7ffffffff000) /* end of user space: 2^47 - 4096 */
#define LINUX_PROT_NONE  0
#define LINUX_PROT_READ  1
#define LINUX_PROT_WRITE 2
#define LINUX_PROT_EXEC  4

/* ---- ELF (elf.h) beyond <l4/elf.h> -------------------------------------- */
#define LINUX_ELFCLASS64   2
#define LINUX_ELFDATA2LSB  1
#define LINUX_EV_CURRENT   1
#define LINUX_ET_EXEC      2
#define LINUX_ET_DYN       3
#define LINUX_EM_X86_64    62
#define LINUX_PT_LOAD      1
#define LINUX_PT_DYNAMIC   2
#define LINUX_PT_INTERP    3
#define LINUX_PT_PHDR      6
#define LINUX_PT_TLS       7
#define LINUX_PT_GNU_STACK 0x6474e551u
#define LINUX_PF_X         1
#define LINUX_PF_W         2
#define LINUX_PF_R         4
#define LINUX_ELF64_PHENT  56 /* sizeof(Elf64_Phdr), the AT_PHENT value */

/* ---- Auxiliary vector keys (linux/auxvec.h, asm/auxvec.h) -------------- */
#define LINUX_AT_NULL              0
#define LINUX_AT_IGNORE            1
#define LINUX_AT_EXECFD            2
#define LINUX_AT_PHDR              3
#define LINUX_AT_PHENT             4
#define LINUX_AT_PHNUM             5
#define LINUX_AT_PAGESZ            6
#define LINUX_AT_BASE              7
#define LINUX_AT_FLAGS             8
#define LINUX_AT_ENTRY             9
#define LINUX_AT_NOTELF            10
#define LINUX_AT_UID               11
#define LINUX_AT_EUID              12
#define LINUX_AT_GID               13
#define LINUX_AT_EGID              14
#define LINUX_AT_PLATFORM          15
#define LINUX_AT_HWCAP             16
#define LINUX_AT_CLKTCK            17
#define LINUX_AT_SECURE            23
#define LINUX_AT_BASE_PLATFORM     24
#define LINUX_AT_RANDOM            25
#define LINUX_AT_HWCAP2            26
#define LINUX_AT_RSEQ_FEATURE_SIZE 27
#define LINUX_AT_RSEQ_ALIGN        28
#define LINUX_AT_EXECFN            31
#define LINUX_AT_SYSINFO_EHDR      33
#define LINUX_AT_MINSIGSTKSZ       51
#define LINUX_CLOCKS_PER_SEC       100 /* AT_CLKTCK: USER_HZ */

/* ---- Files: types and permission bits (linux/stat.h) -------------------- */
#define LINUX_S_IFMT   0170000
#define LINUX_S_IFSOCK 0140000
#define LINUX_S_IFLNK  0120000
#define LINUX_S_IFREG  0100000
#define LINUX_S_IFBLK  0060000
#define LINUX_S_IFDIR  0040000
#define LINUX_S_IFCHR  0020000
#define LINUX_S_IFIFO  0010000
#define LINUX_S_ISUID  04000
#define LINUX_S_ISGID  02000
#define LINUX_S_ISVTX  01000
#define LINUX_PATH_MAX 4096 /* bytes of a path, with its NUL */
#define LINUX_NAME_MAX 255  /* bytes of one path component */

/* ---- open(2) and fcntl(2) flags (asm-generic/fcntl.h) ------------------- */
#define LINUX_O_ACCMODE     00000003
#define LINUX_O_RDONLY      00000000
#define LINUX_O_WRONLY      00000001
#define LINUX_O_RDWR        00000002
#define LINUX_O_CREAT       00000100
#define LINUX_O_EXCL        00000200
#define LINUX_O_NOCTTY      00000400
#define LINUX_O_TRUNC       00001000
#define LINUX_O_APPEND      00002000
#define LINUX_O_NONBLOCK    00004000
#define LINUX_O_DIRECTORY   00200000
#define LINUX_O_NOFOLLOW    00400000
#define LINUX_O_CLOEXEC     02000000
#define LINUX_FD_CLOEXEC    1
#define LINUX_PIPE_BUF      4096 /* writes up to this size are atomic */
#define LINUX_RLIMIT_NOFILE 7

/* ---- Signals (asm/signal.h for x86-64) ---------------------------------- */
#define LINUX_SIGHUP    1
#define LINUX_SIGINT    2
#define LINUX_SIGQUIT   3
#define LINUX_SIGILL    4
#define LINUX_SIGTRAP   5
#define LINUX_SIGABRT   6
#define LINUX_SIGBUS    7
#define LINUX_SIGFPE    8
#define LINUX_SIGKILL   9
#define LINUX_SIGUSR1   10
#define LINUX_SIGSEGV   11
#define LINUX_SIGUSR2   12
#define LINUX_SIGPIPE   13
#define LINUX_SIGALRM   14
#define LINUX_SIGTERM   15
#define LINUX_SIGSTKFLT 16
#define LINUX_SIGCHLD   17
#define LINUX_SIGCONT   18
#define LINUX_SIGSTOP   19
#define LINUX_SIGTSTP   20
#define LINUX_SIGTTIN   21
#define LINUX_SIGTTOU   22
#define LINUX_SIGURG    23
#define LINUX_SIGXCPU   24
#define LINUX_SIGXFSZ   25
#define LINUX_SIGVTALRM 26
#define LINUX_SIGPROF   27
#define LINUX_SIGWINCH  28
#define LINUX_SIGIO     29
#define LINUX_SIGPWR    30
#define LINUX_SIGSYS    31
#define LINUX_SIGRTMIN  32
#define LINUX_NSIG      64 /* signals 1..64; a sigset is one 64-bit word */

#define LINUX_SA_NOCLDSTOP 0x00000001u
#define LINUX_SA_NOCLDWAIT 0x00000002u
#define LINUX_SA_SIGINFO   0x00000004u
#define LINUX_SA_RESTORER  0x04000000u
#define LINUX_SA_ONSTACK   0x08000000u
#define LINUX_SA_RESTART   0x10000000u
#define LINUX_SA_NODEFER   0x40000000u
#define LINUX_SA_RESETHAND 0x80000000u

#define LINUX_SS_ONSTACK    1
#define LINUX_SS_DISABLE    2
#define LINUX_SS_AUTODISARM (1u << 31)

/* si_code values (asm-generic/siginfo.h) */
#define LINUX_SI_USER       0
#define LINUX_SI_KERNEL     0x80
#define LINUX_SI_QUEUE      (-1)
#define LINUX_SI_TKILL      (-6)
#define LINUX_SEGV_MAPERR   1
#define LINUX_SEGV_ACCERR   2
#define LINUX_CLD_EXITED    1
#define LINUX_CLD_KILLED    2
#define LINUX_CLD_DUMPED    3
#define LINUX_CLD_STOPPED   5
#define LINUX_CLD_CONTINUED 6

/* ---- Terminals (asm-generic/termbits.h, asm-generic/ioctls.h) ----------- */
/* c_iflag */
#define LINUX_IGNBRK  0000001
#define LINUX_BRKINT  0000002
#define LINUX_IGNPAR  0000004
#define LINUX_PARMRK  0000010
#define LINUX_INPCK   0000020
#define LINUX_ISTRIP  0000040
#define LINUX_INLCR   0000100
#define LINUX_IGNCR   0000200
#define LINUX_ICRNL   0000400
#define LINUX_IXON    0002000
#define LINUX_IXOFF   0010000
#define LINUX_IMAXBEL 0020000
#define LINUX_IUTF8   0040000
/* c_oflag */
#define LINUX_OPOST  0000001
#define LINUX_ONLCR  0000004
#define LINUX_OCRNL  0000010
#define LINUX_ONOCR  0000020
#define LINUX_ONLRET 0000040
/* c_cflag */
#define LINUX_B38400 0000017
#define LINUX_CS8    0000060
#define LINUX_CREAD  0000200
#define LINUX_HUPCL  0002000
/* c_lflag */
#define LINUX_ISIG    0000001
#define LINUX_ICANON  0000002
#define LINUX_ECHO    0000010
#define LINUX_ECHOE   0000020
#define LINUX_ECHOK   0000040
#define LINUX_ECHONL  0000100
#define LINUX_NOFLSH  0000200
#define LINUX_TOSTOP  0000400
#define LINUX_ECHOCTL 0001000
#define LINUX_ECHOKE  0004000
#define LINUX_IEXTEN  0100000
/* c_cc indices */
#define LINUX_VINTR    0
#define LINUX_VQUIT    1
#define LINUX_VERASE   2
#define LINUX_VKILL    3
#define LINUX_VEOF     4
#define LINUX_VTIME    5
#define LINUX_VMIN     6
#define LINUX_VSWTC    7
#define LINUX_VSTART   8
#define LINUX_VSTOP    9
#define LINUX_VSUSP    10
#define LINUX_VEOL     11
#define LINUX_VREPRINT 12
#define LINUX_VDISCARD 13
#define LINUX_VWERASE  14
#define LINUX_VLNEXT   15
#define LINUX_VEOL2    16
#define LINUX_NCCS     19 /* c_cc entries of the kernel's struct termios */
/* ioctl requests */
#define LINUX_TCGETS     0x5401
#define LINUX_TCSETS     0x5402
#define LINUX_TCSETSW    0x5403
#define LINUX_TCSETSF    0x5404
#define LINUX_TIOCGPGRP  0x540f
#define LINUX_TIOCSPGRP  0x5410
#define LINUX_TIOCGWINSZ 0x5413
#define LINUX_TIOCSWINSZ 0x5414
#define LINUX_FIONREAD   0x541b

#endif
