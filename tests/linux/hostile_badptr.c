/* SPDX-License-Identifier: MIT */
/*
 * hostile_badptr: bad pointers and bad instructions. 3000 syscalls from a
 * fixed seed, each handing one random address that is never mapped (the
 * low 64 KiB, the kernel half, non-canonical) to a call that reads or
 * writes through it: every one must fail with EFAULT and the process
 * carries on. Then children that jump into the void, execute data, run
 * privileged or undefined instructions, divide by zero or overflow their
 * stack: each dies of the signal Linux gives for it, and only it.
 */
#include "lt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

static uint64_t rng = 0xbadc0ffee;

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}

static uintptr_t bad_address(void)
{
    switch (rnd() % 3) {
    case 0:
        return rnd() % 0x10000; /* below mmap_min_addr */
    case 1:
        return 0xffff800000000000ul | rnd(); /* kernel half */
    default:
        return (0x0000800000000000ul | rnd()) & 0x7fffffffffffffffu; /* non-canonical */
    }
}

static void syscall_storm(void)
{
    int p[2];
    if (pipe(p) != 0)
        exit(2);
    int zero = open("/dev/zero", O_RDONLY);
    int wrong = 0;
    for (int i = 0; i < 3000; i++) {
        void *a = (void *)bad_address();
        long r;
        switch (i % 8) {
        case 0:
            r = syscall(SYS_read, zero, a, 1 + rnd() % 8192);
            break;
        case 1:
            r = syscall(SYS_write, p[1], a, 1 + rnd() % 8192);
            break;
        case 2:
            r = syscall(SYS_open, a, O_RDONLY);
            break;
        case 3:
            r = syscall(SYS_fstat, zero, a);
            break;
        case 4:
            r = syscall(SYS_clock_gettime, CLOCK_REALTIME, a);
            break;
        case 5:
            r = syscall(SYS_uname, a);
            break;
        case 6:
            r = syscall(SYS_pipe2, a, 0);
            break;
        default:
            r = syscall(SYS_rt_sigaction, SIGUSR1, a, NULL, 8);
            break;
        }
        if (r != -1 || errno != EFAULT) {
            if (wrong++ < 5)
                fprintf(stderr, "call %d (kind %d, %p): %ld %s\n", i, i % 8, a, r,
                        lt_errname(errno));
        }
    }
    printf("3000 syscalls with bad pointers: %d did not fail with EFAULT\n", wrong);
    CHECK("every one EFAULT", wrong == 0);
    close(zero);
    close(p[0]);
    close(p[1]);
}

typedef void (*victim_fn)(void);

static void jump_null(void)
{
    ((victim_fn)0x10)();
}
static void jump_kernel(void)
{
    ((victim_fn)0xffffffff81000000ul)();
}
static void jump_noncanonical(void)
{
    __asm__ volatile("mov $0x0000900000000000, %%rax\n\tjmp *%%rax" ::: "rax");
}
static void exec_data(void)
{
    static unsigned char code[16] = {0xc3}; /* ret, in a non-executable page */
    ((victim_fn)(uintptr_t)code)();
}
static void exec_heap_mapping(void)
{
    unsigned char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 0xc3;
    ((victim_fn)(uintptr_t)m)();
}
static void write_code(void)
{
    *(volatile unsigned char *)(uintptr_t)&write_code = 0xc3;
}
static void undefined(void)
{
    __asm__ volatile("ud2");
}
static void breakpoint(void)
{
    __asm__ volatile("int3");
}
static void divide(void)
{
    __asm__ volatile("xor %%edx, %%edx\n\txor %%ecx, %%ecx\n\tmov $1, %%eax\n\tdiv %%ecx" ::
                         : "rax", "rcx", "rdx");
}
static void halt(void)
{
    __asm__ volatile("hlt");
}
static void cli(void)
{
    __asm__ volatile("cli");
}
static void port_io(void)
{
    __asm__ volatile("mov $0x3f8, %%dx\n\tmov $65, %%al\n\toutb %%al, %%dx" ::: "rax", "rdx");
}
static void read_cr3(void)
{
    unsigned long v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
}
static void noncanonical_load(void)
{
    (void)*(volatile long *)0x0000800000000000ul;
}
static void kernel_load(void)
{
    (void)*(volatile long *)0xffffffff81000000ul;
}
static int recurse(int n)
{
    volatile char pad[4096];
    pad[0] = (char)n;
    if (n > 100000000) /* never reached: the stack ends long before */
        return 0;
    return recurse(n + 1) + pad[0];
}
static void stack_overflow(void)
{
    struct rlimit rl = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_STACK, &rl);
    recurse(0);
}
static void bad_stack(void)
{
    __asm__ volatile("mov $0x10, %%rsp\n\tpush %%rax" ::: "memory");
}

static void fault_children(void)
{
    static const struct {
        const char *name;
        victim_fn fn;
    } v[] = {{"jump to 0x10", jump_null},
             {"jump into the kernel half", jump_kernel},
             {"jump to a non-canonical address", jump_noncanonical},
             {"execute .data", exec_data},
             {"execute a read-write mapping", exec_heap_mapping},
             {"write to its own code", write_code},
             {"ud2", undefined},
             {"int3", breakpoint},
             {"divide by zero", divide},
             {"hlt", halt},
             {"cli", cli},
             {"outb to COM1", port_io},
             {"read cr3", read_cr3},
             {"load from a non-canonical address", noncanonical_load},
             {"load from the kernel half", kernel_load},
             {"stack overflow", stack_overflow},
             {"push with rsp = 0x10", bad_stack}};
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            struct rlimit rl = {0, 0};
            setrlimit(RLIMIT_CORE, &rl);
            v[i].fn();
            _exit(0);
        }
        int st;
        waitpid(pid, &st, 0);
        printf("%s: %s\n", v[i].name, lt_status(st));
    }
}

int main(void)
{
    lt_init();
    syscall_storm();
    fault_children();
    pid_t pid = fork();
    if (pid == 0)
        _exit(3);
    int st;
    CHECK("the parent still forks and waits", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3);
    return lt_done();
}
