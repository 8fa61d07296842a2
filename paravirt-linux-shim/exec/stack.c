/* SPDX-License-Identifier: MIT */
/*
 * The initial stack of a Linux x86-64 process (see <shim/exec.h>).
 *
 * The layout is Linux's (fs/exec.c and create_elf_tables() in
 * fs/binfmt_elf.c), with address randomisation off, from the top down:
 *
 *   stack_top - 8   8 zero bytes
 *                   the strings: argv[0..], envp[0..], execfn, each with
 *                   its NUL, argv[0] lowest
 *                   (rounded down to 16 bytes)
 *                   the platform string "x86_64\0"
 *                   16 random bytes (AT_RANDOM)
 *                   (gap of 0..15 bytes)
 *                   auxv: (key, value) pairs, AT_NULL last
 *                   envp[0..envc-1], NULL
 *                   argv[0..argc-1], NULL
 *   rsp ->          argc                        (rsp 16-byte aligned)
 *
 * The auxv entries come in Linux's order (ARCH_DLINFO first), so that a
 * program that walks its stack sees what it would see on Linux; the unit
 * test compares the whole image with the one the host's Linux builds.
 */
#include <string.h>
#include <shim/exec.h>
#include <shim/linux_abi.h>

/* Length with the NUL, or 0 when longer than MAX_ARG_STRLEN allows. */
static uint64_t arg_len(const char *s)
{
    uint64_t n = 0;
    while (n < SHIM_EXEC_MAX_ARG_STRLEN) {
        if (s[n++] == '\0')
            return n;
    }
    return 0;
}

struct writer {
    unsigned char *buf;
    uint64_t base; /* the process address of buf[0] */
};

static void put(struct writer *w, uint64_t addr, const void *src, uint64_t n)
{
    memcpy(w->buf + (addr - w->base), src, n);
}

static void put_word(struct writer *w, uint64_t addr, uint64_t v)
{
    put(w, addr, &v, sizeof v);
}

struct aux {
    uint64_t key, val;
};

int shim_exec_build_stack(const struct shim_exec_plan *plan, const struct shim_exec_args *args,
                          uint64_t stack_top, void *buf, size_t size, struct shim_exec_stack *out)
{
    static const char *const empty_argv[] = {""};
    if ((stack_top & 15) || size > stack_top || !args->execfn || !args->random ||
        (args->argc && !args->argv) || (args->envc && !args->envp))
        return -LINUX_EINVAL;
    /* Since Linux 5.18 a program started with no arguments gets one empty
     * argv[0], so that argv[0] is never NULL. */
    unsigned argc = args->argc;
    const char *const *argv = args->argv;
    if (argc == 0) {
        argc = 1;
        argv = empty_argv;
    }

    /* Sizes first: nothing is written unless everything fits. */
    uint64_t strbytes = 0, len;
    for (unsigned i = 0; i < argc; i++) {
        if (!(len = arg_len(argv[i])))
            return -LINUX_E2BIG;
        strbytes += len;
    }
    for (unsigned i = 0; i < args->envc; i++) {
        if (!(len = arg_len(args->envp[i])))
            return -LINUX_E2BIG;
        strbytes += len;
    }
    uint64_t execfn_len = arg_len(args->execfn);
    if (!execfn_len)
        return -LINUX_E2BIG;
    strbytes += execfn_len;
    uint64_t platform_len = args->platform ? arg_len(args->platform) : 0;
    if (args->platform && (!platform_len || platform_len > 64))
        return -LINUX_EINVAL;

    struct aux aux[32];
    unsigned n = 0;
    /* Bytes from the top down to the random bytes, at most: each string
     * is under 2^17 bytes and there are under 2^33 of them, so nothing
     * here or below wraps. */
    uint64_t p = 8 + strbytes + 15 + platform_len + 16;

    /* The addresses now (computed from the top; checked against size). */
    uint64_t strings = stack_top - 8 - strbytes;
    uint64_t q = strings & ~UINT64_C(15);
    uint64_t platform = 0;
    if (args->platform) {
        q -= platform_len;
        platform = q;
    }
    q -= 16;
    uint64_t random = q;
    uint64_t execfn = stack_top - 8 - execfn_len;

    /* ARCH_DLINFO (x86-64) first, then create_elf_tables()' own order. */
    if (args->sysinfo_ehdr)
        aux[n++] = (struct aux){LINUX_AT_SYSINFO_EHDR, args->sysinfo_ehdr};
    if (args->minsigstksz)
        aux[n++] = (struct aux){LINUX_AT_MINSIGSTKSZ, args->minsigstksz};
    aux[n++] = (struct aux){LINUX_AT_HWCAP, args->hwcap};
    aux[n++] = (struct aux){LINUX_AT_PAGESZ, LINUX_PAGE_SIZE};
    aux[n++] = (struct aux){LINUX_AT_CLKTCK, LINUX_CLOCKS_PER_SEC};
    aux[n++] = (struct aux){LINUX_AT_PHDR, plan->phdr};
    aux[n++] = (struct aux){LINUX_AT_PHENT, LINUX_ELF64_PHENT};
    aux[n++] = (struct aux){LINUX_AT_PHNUM, plan->phnum};
    aux[n++] = (struct aux){LINUX_AT_BASE, 0}; /* no interpreter */
    aux[n++] = (struct aux){LINUX_AT_FLAGS, 0};
    aux[n++] = (struct aux){LINUX_AT_ENTRY, plan->entry};
    aux[n++] = (struct aux){LINUX_AT_UID, args->uid};
    aux[n++] = (struct aux){LINUX_AT_EUID, args->euid};
    aux[n++] = (struct aux){LINUX_AT_GID, args->gid};
    aux[n++] = (struct aux){LINUX_AT_EGID, args->egid};
    aux[n++] = (struct aux){LINUX_AT_SECURE, args->secure ? 1 : 0};
    aux[n++] = (struct aux){LINUX_AT_RANDOM, random};
    if (args->has_hwcap2)
        aux[n++] = (struct aux){LINUX_AT_HWCAP2, args->hwcap2};
    aux[n++] = (struct aux){LINUX_AT_EXECFN, execfn};
    if (args->platform)
        aux[n++] = (struct aux){LINUX_AT_PLATFORM, platform};
    aux[n++] = (struct aux){LINUX_AT_NULL, 0};

    uint64_t items = (uint64_t)argc + 1 + (uint64_t)args->envc + 1 + 1;
    uint64_t need = p + n * sizeof(struct aux) + items * 8 + 15;
    /* Addresses were computed above only to be used once this holds. */
    if (need > size)
        return -LINUX_E2BIG;
    uint64_t rsp = (random - n * sizeof(struct aux) - items * 8) & ~UINT64_C(15);

    struct writer w = {buf, stack_top - size};
    /* The strings, and the pointers to them. */
    uint64_t s = strings, v = rsp + 8;
    put_word(&w, rsp, argc);
    for (unsigned i = 0; i < argc; i++, v += 8) {
        len = arg_len(argv[i]);
        put(&w, s, argv[i], len);
        put_word(&w, v, s);
        s += len;
    }
    put_word(&w, v, 0);
    v += 8;
    uint64_t envp = v;
    for (unsigned i = 0; i < args->envc; i++, v += 8) {
        len = arg_len(args->envp[i]);
        put(&w, s, args->envp[i], len);
        put_word(&w, v, s);
        s += len;
    }
    put_word(&w, v, 0);
    v += 8;
    put(&w, execfn, args->execfn, execfn_len);
    put_word(&w, stack_top - 8, 0);
    uint64_t auxv = v;
    put(&w, auxv, aux, n * sizeof(struct aux));
    /* The padding between auxv and the random bytes, zero as on Linux. */
    uint64_t pad = auxv + n * sizeof(struct aux);
    memset(w.buf + (pad - w.base), 0, random - pad);
    put(&w, random, args->random, 16);
    if (args->platform)
        put(&w, platform, args->platform, platform_len);
    /* The bytes between the platform string and the strings. */
    uint64_t gap = platform ? platform + platform_len : random + 16;
    memset(w.buf + (gap - w.base), 0, strings - gap);

    *out = (struct shim_exec_stack){
        .rsp = rsp,
        .argv = rsp + 8,
        .envp = envp,
        .auxv = auxv,
        .naux = n,
        .strings = strings,
        .execfn = execfn,
        .random = random,
        .platform = platform,
    };
    return 0;
}
