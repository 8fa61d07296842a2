/* SPDX-License-Identifier: MIT */
/*
 * Random instruction streams with interesting templates (fuzz_insn.h).
 *
 * A window is random bytes, then a few templates placed at random
 * offsets. Templates are built in a small buffer by the emit helpers and
 * copied in if they fit. Selectors are drawn from the GDT's (0x00-0x33,
 * every RPL), LDT selectors (TI set) and any 16-bit value; the 32-bit
 * user code segment's selectors (0x18-0x1b, a null descriptor now) only
 * with FZI_CLASS_COMPAT.
 */
#include "utest.h"
#include "fuzz_insn.h"

uint64_t fzi_template_count[FZI_T_COUNT];
const char *const fzi_template_name[FZI_T_COUNT] = {
    "syscall", "sysenter", "int80", "intN",   "int3/int1/into", "popf", "iretq",
    "lret",    "ljmp",     "lcall", "movseg", "popseg",         "priv", "xstate",
    "fpu",     "ac",       "div0",  "edge",   "compat"};

struct buf {
    uint8_t b[48];
    unsigned n;
};

static void e1(struct buf *b, uint8_t x)
{
    if (b->n < sizeof b->b)
        b->b[b->n++] = x;
}

static void en(struct buf *b, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        e1(b, (uint8_t)(v >> (8 * i)));
}

static void bytes(struct buf *b, const char *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        e1(b, (uint8_t)s[i]);
}

/* A selector: mostly GDT entries with any RPL, sometimes LDT or any value. */
static uint16_t selector(const struct fzi_opts *o)
{
    for (;;) {
        unsigned r = (unsigned)(ut_rnd() % 8);
        uint16_t s = r < 5   ? (uint16_t)(ut_rnd() % 0x40)
                     : r < 6 ? (uint16_t)((ut_rnd() % 0x40) | 4)
                             : (uint16_t)ut_rnd();
        if ((o->classes & FZI_CLASS_COMPAT) || (s & 0xfffc) != 0x18)
            return s;
    }
}

/* RFLAGS for popf/iretq: the bits that matter to the kernel, at random. */
static uint64_t rflags(void)
{
    static const uint64_t bits[] = {
        0x100 /* TF */,   0x200 /* IF */,   0x400 /* DF */,   0x3000 /* IOPL */, 0x4000 /* NT */,
        0x10000 /* RF */, 0x20000 /* VM */, 0x40000 /* AC */, 0x200000 /* ID */, 0x800 /* OF */};
    uint64_t f = 2;
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (ut_rnd() % 3 == 0)
            f |= bits[i];
    if (ut_rnd() % 8 == 0)
        f ^= ut_rnd();
    return f;
}

static void mov_rax(struct buf *b, uint64_t v)
{
    bytes(b, "\x48\xb8", 2);
    en(b, v, 8);
}

static void mov_rdi(struct buf *b, uint64_t v)
{
    bytes(b, "\x48\xbf", 2);
    en(b, v, 8);
}

/* A code address below 2 GiB (for push imm32): this window, or anywhere. */
static uint32_t near_target(const struct fzi_opts *o, unsigned here)
{
    return ut_rnd() % 4 ? (uint32_t)(o->self_va + here) : (uint32_t)ut_rnd();
}

/* 32-bit code after a far transfer to the compat code segment. */
static void compat_tail(struct buf *b, const struct fzi_opts *o)
{
    switch (ut_rnd() % 8) {
    case 0:
        if (o->classes & FZI_CLASS_COMPAT) {
            bytes(b, "\x0f\x05", 2); /* syscall from compat mode: MSR_CSTAR */
            break;
        }
        /* fall through */
    case 1:
        bytes(b, "\x0f\x34", 2); /* sysenter */
        break;
    case 2:
        bytes(b, "\xcd\x80", 2);
        break;
    case 3:
        e1(b, 0xcd), e1(b, (uint8_t)ut_rnd());
        break;
    case 4:
        bytes(b, "\xb0\x7f\x04\x01\xce", 5); /* OF set, then into */
        break;
    case 5:
        bytes(b, "\x62\x07", 2); /* bound eax, [edi] */
        break;
    case 6:
        e1(b, 0x8e), e1(b, (uint8_t)(0xc0 | (ut_rnd() % 6) << 3)); /* mov sreg, eax */
        break;
    default:
        bytes(b, "\xcf", 1); /* 32-bit iret */
        break;
    }
}

static enum fzi_template emit(struct buf *b, const struct fzi_opts *o, unsigned here, int first)
{
    static const char *const priv[] = {"\xfa",
                                       "\xfb",
                                       "\xf4",
                                       "\xec",
                                       "\xe4\x60",
                                       "\xee",
                                       "\xe6\x80",
                                       "\x6c",
                                       "\x0f\x30",
                                       "\x0f\x32",
                                       "\x0f\x33",
                                       "\x0f\x01\xf8",
                                       "\x0f\x01\x10",
                                       "\x0f\x01\x18",
                                       "\x0f\x00\x10",
                                       "\x0f\x00\x18",
                                       "\x0f\x06",
                                       "\x0f\x09",
                                       "\x0f\x22\xd8",
                                       "\x0f\x23\xf8",
                                       "\x0f\x01\xd1",
                                       "\x0f\x01\xca",
                                       "\x0f\x01\xcb",
                                       "\x0f\x35",
                                       "\x0f\x07",
                                       "\x0f\x01\xc1",
                                       "\x0f\x01\xd9",
                                       "\x0f\x01\xf9",
                                       "\x0f\xa2",
                                       "\x0f\x0b",
                                       "\xf3\x48\x0f\xae\xd0",
                                       "\xf3\x48\x0f\xae\xd8",
                                       "\x0f\x01\x00",
                                       "\x0f\x01\xc8",
                                       "\x0f\x20\xc0",
                                       "\x0f\x01\xd0",
                                       "\x0f\x01\xee",
                                       "\x0f\x01\xef",
                                       "\x0f\xaa"};
    enum fzi_template t = (enum fzi_template)(ut_rnd() % FZI_T_COUNT);
    if (o->only >= 0 && first)
        t = (enum fzi_template)(o->only % FZI_T_COUNT);
    switch (t) {
    case FZI_T_SYSCALL:
        if (ut_rnd() % 2)
            bytes(b, "\x66\x8c\xd0\x8e\xd0", 5); /* mov ss, ax (shadow) first */
        bytes(b, "\x0f\x05", 2);
        break;
    case FZI_T_SYSENTER:
        bytes(b, "\x0f\x34", 2);
        break;
    case FZI_T_INT80:
        bytes(b, "\xcd\x80", 2);
        break;
    case FZI_T_INTN:
        e1(b, 0xcd), e1(b, (uint8_t)ut_rnd());
        break;
    case FZI_T_BREAK:
        e1(b, ut_rnd() % 3 == 0 ? 0xcc : ut_rnd() % 2 ? 0xf1 : 0xce);
        break;
    case FZI_T_POPF:
        mov_rax(b, rflags());
        bytes(b, "\x50\x9d", 2);
        break;
    case FZI_T_IRETQ:
        /* ss, rsp, rflags, cs, rip */
        e1(b, 0x6a), e1(b, (uint8_t)selector(o));
        e1(b, 0x54);
        e1(b, 0x68), en(b, rflags(), 4);
        e1(b, 0x68), en(b, selector(o), 4);
        e1(b, 0x68), en(b, near_target(o, here), 4);
        bytes(b, "\x48\xcf", 2);
        break;
    case FZI_T_LRET:
        e1(b, 0x68), en(b, selector(o), 4);
        e1(b, 0x68), en(b, near_target(o, here), 4);
        if (ut_rnd() % 2)
            bytes(b, "\x48\xcb", 2);
        else
            e1(b, 0xca), en(b, ut_rnd() % 64, 2); /* lret imm16 */
        break;
    case FZI_T_LJMP:
    case FZI_T_LCALL:
        /* m16:32 at [rsp] */
        mov_rax(b, (uint64_t)selector(o) << 32 | near_target(o, here));
        bytes(b, "\x50\xff", 2);
        e1(b, t == FZI_T_LJMP ? 0x2c : 0x1c), e1(b, 0x24);
        break;
    case FZI_T_MOVSEG: {
        unsigned reg = (unsigned)(ut_rnd() % 6); /* es cs ss ds fs gs */
        if (!(o->classes & FZI_CLASS_FSGS) && (reg == 4 || reg == 5))
            reg = 3;
        uint16_t sel = selector(o);
        if ((reg == 4 || reg == 5) && ut_rnd() % 2) /* the loads that change the base */
            sel = ut_rnd() % 2 ? (uint16_t)(ut_rnd() % 4) : 0x23;
        e1(b, 0x66), e1(b, 0xb8), en(b, sel, 2);
        e1(b, 0x8e), e1(b, (uint8_t)(0xc0 | reg << 3));
        if ((reg == 4 || reg == 5) && ut_rnd() % 2)
            bytes(b, "\xeb\xfe", 2); /* spin: the timer switches threads meanwhile */
        else if (ut_rnd() % 2)
            bytes(b, "\x8b\x00", 2); /* and use it: mov eax, [rax] */
        break;
    }
    case FZI_T_POPSEG:
        e1(b, 0x6a), e1(b, (uint8_t)selector(o));
        if (o->classes & FZI_CLASS_FSGS)
            e1(b, 0x0f), e1(b, ut_rnd() % 2 ? 0xa1 : 0xa9); /* pop fs / pop gs */
        else
            e1(b, 0x17); /* pop ss: #UD in 64-bit mode */
        break;
    case FZI_T_PRIV: {
        const char *p = priv[ut_rnd() % (sizeof priv / sizeof priv[0])];
        mov_rax(b, ut_rnd() % 2 ? o->scratch : ut_rnd());
        while (*p)
            e1(b, (uint8_t)*p++);
        break;
    }
    case FZI_T_XSTATE: {
        static const char *const ops[] = {"\x0f\xae\x2f",    "\x48\x0f\xae\x2f", "\x0f\xae\x0f",
                                          "\x0f\xae\x27",    "\x0f\xae\x17",     "\x0f\xc7\x1f",
                                          "\x48\x0f\xae\x0f"};
        const char *p = ops[ut_rnd() % (sizeof ops / sizeof ops[0])];
        if (!(o->classes & FZI_CLASS_X87) &&
            (p[2] == 0x2f || p[2] == 0x0f || p[3] == 0x2f || p[3] == 0x0f))
            p = "\x0f\xae\x27"; /* xsave instead of a restore */
        mov_rdi(b, o->scratch + (ut_rnd() % 4 ? 0 : ut_rnd() % 4096));
        e1(b, 0xb8), en(b, ut_rnd() % 2 ? 7 : ut_rnd(), 4);
        e1(b, 0xba), en(b, ut_rnd() % 2 ? 0 : ut_rnd(), 4);
        while (*p)
            e1(b, (uint8_t)*p++);
        break;
    }
    case FZI_T_FPU:
        mov_rdi(b, o->scratch + 8 * (ut_rnd() % 64));
        if (ut_rnd() % 2 && (o->classes & FZI_CLASS_X87))
            bytes(b, "\xd9\x2f\xd9\xe8\xd9\xee\xde\xf9\x9b", 9); /* fldcw; 1/0; fwait */
        else
            bytes(b, "\x0f\xae\x17\x0f\x57\xc0\xf3\x0f\x5e\xc0", 10); /* ldmxcsr; 0/0 */
        break;
    case FZI_T_AC:
        mov_rdi(b, o->scratch);
        bytes(b, "\x9c\x48\x81\x0c\x24\x00\x00\x04\x00\x9d\x48\x8b\x47\x01", 14);
        break;
    case FZI_T_DIV0:
        bytes(b, "\x31\xc9\xf7\xf1", 4);
        break;
    case FZI_T_EDGE:
        mov_rax(b, o->nedges ? o->edges[ut_rnd() % o->nedges] : ut_rnd());
        bytes(b, ut_rnd() % 2 ? "\xff\xe0" : "\xff\xd0", 2); /* jmp/call rax */
        break;
    case FZI_T_COMPAT: {
        /* to the 32-bit user code segment, right after itself: a far jump
         * through memory (QEMU 7.2 pops a far return's or iretq's frame
         * with supervisor accesses, which SMAP refuses on a user stack) */
        uint64_t sel = o->classes & FZI_CLASS_COMPAT ? 0x1b : 0x2b;
        if (ut_rnd() % 4) {
            mov_rax(b, sel << 32 | (uint32_t)(o->self_va + here + 14));
            bytes(b, "\x50\xff\x2c\x24", 4); /* push rax; ljmp [rsp] */
        } else {
            e1(b, 0x6a), e1(b, (uint8_t)sel);
            e1(b, 0x68), en(b, o->self_va + here + 9, 4);
            bytes(b, "\x48\xcb", 2); /* lretq */
        }
        compat_tail(b, o);
        break;
    }
    default:
        break;
    }
    return t;
}

void fzi_gen_window(uint8_t *page, unsigned off, unsigned len, const struct fzi_opts *o)
{
    for (unsigned i = 0; i < len; i += 8) {
        uint64_t r = ut_rnd();
        for (unsigned k = 0; k < 8 && i + k < len; k++)
            page[off + i + k] = (uint8_t)(r >> (8 * k));
    }
    /* the entry is at off: often a template right there */
    unsigned n = 1 + (unsigned)(ut_rnd() % 4);
    for (unsigned i = 0; i < n; i++) {
        unsigned here =
            i == 0 && (ut_rnd() % 2 || o->only >= 0) ? off : off + (unsigned)(ut_rnd() % len);
        struct buf b = {.n = 0};
        enum fzi_template t = emit(&b, o, here, i == 0 && here == off);
        if (here + b.n <= off + len) {
            for (unsigned k = 0; k < b.n; k++)
                page[here + k] = b.b[k];
            fzi_template_count[t]++;
        }
    }
}

/* Opcodes of map 0f 3a whose QEMU 7.2 translation asserts that VEX.L is
 * clear, and so aborts QEMU when a stale VEX.L from an earlier instruction
 * is left (`gen_pinsr: Assertion 'vec_len == 16'`, `gen_VROUNDSD:
 * Assertion '!s->vex_l'`): pinsrb/d/q (20, 22), roundss/roundsd (0a, 0b). */
static int qemu_vex_l_abort(uint8_t op)
{
    return op == 0x20 || op == 0x22 || op == 0x0a || op == 0x0b;
}

unsigned fzi_scrub(uint8_t *page, unsigned off, unsigned len, const struct fzi_opts *o)
{
    /* patterns up to 4 bytes long may straddle the window's edges */
    unsigned changed = 0, start = off > 3 ? off - 3 : 0, end = off + len + 3;
    if (end > 4096)
        end = 4096;
    for (unsigned i = start; i + 1 < end; i++) {
        uint8_t a = page[i], c = page[i + 1];
        if (a == 0x0f && c == 0x05 && !o->syscall_ok)
            page[i + 1] = 0x0b, changed++; /* syscall -> ud2 */
        else if (!(o->classes & FZI_CLASS_FSGS) && a == 0x0f &&
                 (c == 0xa1 || c == 0xa9 || c == 0xb4 || c == 0xb5))
            page[i + 1] = 0x0b, changed++; /* pop fs/gs, lfs, lgs -> ud2 */
        else if (a == 0x0f &&
                 (c == 0xc4 || (c == 0x3a && i + 2 < end && qemu_vex_l_abort(page[i + 2]))))
            page[i + 1] = 0x0b, changed++; /* pinsrw/b/d/q, roundss/sd: can abort QEMU -> ud2 */
        else if (a == 0xc5 && i + 2 < end && page[i + 2] == 0xc4)
            page[i + 2] = 0x0b, changed++; /* VEX pinsrw: the same */
        else if (a == 0xc4 && i + 3 < end &&
                 (((c & 0x1f) == 1 && page[i + 3] == 0xc4) ||
                  ((c & 0x1f) == 3 && qemu_vex_l_abort(page[i + 3]))))
            page[i + 3] = 0x0b, changed++; /* VEX pinsrw/b/d/q, vroundss/sd: the same */
        else if (!(o->classes & FZI_CLASS_X87) &&
                 (((a == 0xd9 || a == 0xdd) && ((c >> 3) & 7) == 4) ||
                  (a == 0xd9 && ((c >> 3) & 7) == 5)))
            page[i] = 0x90, changed++; /* fldenv, frstor, fldcw -> nop */
        else if (!(o->classes & FZI_CLASS_X87) && a == 0x0f && c == 0xae && i + 2 < end &&
                 ((page[i + 2] >> 3) & 7) != 4 && ((page[i + 2] >> 3) & 7) % 4 == 1)
            page[i + 1] = 0x0b, changed++; /* fxrstor, xrstor -> ud2 */
        else if (!(o->classes & FZI_CLASS_FSGS) && a == 0x8e && ((c >> 3) & 7) >= 4 &&
                 ((c >> 3) & 7) <= 5)
            page[i] = 0x89, changed++; /* mov fs/gs, r/m -> mov r/m, r */
    }
    /* code pages can be neighbours in the task's space (the root task's
     * .bss, the last two user pages): an instruction that starts here and
     * ends on the next page escapes both pages' scrubs, so the last bytes
     * are int3, which no pattern above continues from */
    if (end == 4096)
        for (unsigned i = 4093; i < 4096; i++)
            if (page[i] != 0xcc && page[i] != 0x90)
                page[i] = 0xcc, changed++;
    return changed;
}
