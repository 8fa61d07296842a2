/* SPDX-License-Identifier: MIT */
/*
 * Packed system manifest: validation and decoding (<l4/manifest.h>).
 *
 * The module comes from the boot loader and was written by a build tool;
 * the root task treats it as hostile. l4_manifest_open() checks everything
 * the rest relies on (sizes, checksum, tables inside the module and apart,
 * every string offset and terminator, names, the one main compartment);
 * l4_manifest_server() and l4_manifest_compartment() then check one record's
 * values so a bad compartment is refused alone. Every read goes through
 * rd8/rd16/rd32/rd64 on an offset already checked against the size; field
 * offsets, record sizes and limits are the spec's (libl4/spec/structs.toml,
 * <l4/structs_gen.h>), the structures there are never cast to. Pure C,
 * no libc beyond the freestanding headers: it runs in the root task and in
 * the host unit tests (tests/unit/test_manifest.c).
 */
#include <l4/manifest.h>

static uint8_t rd8(const uint8_t *p, uint32_t off)
{
    return p[off];
}

static uint16_t rd16(const uint8_t *p, uint32_t off)
{
    return (uint16_t)(p[off] | (unsigned)p[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *p, uint32_t off)
{
    return (uint32_t)rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *p, uint32_t off)
{
    return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static int fail(struct l4_manifest_fault *why, enum l4_manifest_error e, const char *what,
                uint32_t offset, uint64_t value)
{
    if (why) {
        why->error = e;
        why->what = what;
        why->offset = offset;
        why->value = value;
    }
    return -1;
}

uint32_t l4_manifest_crc32(uint32_t crc, const void *data, size_t size)
{
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < size; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (UINT32_C(0xedb88320) & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int all_zero(const uint8_t *p, uint32_t off, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (p[off + i])
            return 0;
    return 1;
}

/* A table of count * size bytes at off: inside [header, total), 8-aligned.
 * count * size cannot overflow: both are 16-bit. */
static int region_ok(uint32_t off, uint32_t len, uint32_t total)
{
    return off >= L4_MANIFEST_HEADER_SIZE && off % 8 == 0 && off <= total && len <= total - off;
}

static int regions_apart(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return alen == 0 || blen == 0 || a + alen <= b || b + blen <= a;
}

/* String at table offset s: inside the table and terminated there. On
 * success *out points at it. `optional` accepts L4_MANIFEST_HEADER_NO_STRING. */
static int string_at(const struct l4_manifest *m, uint32_t s, int optional, const char **out)
{
    if (s == L4_MANIFEST_HEADER_NO_STRING && optional) {
        *out = 0;
        return 0;
    }
    if (s >= m->strings_size)
        return -1;
    const uint8_t *t = m->data + m->strings;
    for (uint32_t i = s; i < m->strings_size; i++)
        if (t[i] == 0) {
            *out = (const char *)t + s;
            return 0;
        }
    return -1; /* runs off the end of the table */
}

static int name_ok(const char *s)
{
    uint32_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok || n >= L4_MANIFEST_HEADER_NAME_MAX)
            return 0;
    }
    return n > 0 && s[0] >= 'a' && s[0] <= 'z';
}

static int names_equal(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Check the strings of one record (name first) and return its name. */
static int record_strings(const struct l4_manifest *m, uint32_t rec, const uint32_t *fields,
                          const int *optional, int n, const char **name,
                          struct l4_manifest_fault *why)
{
    for (int k = 0; k < n; k++) {
        uint32_t s = rd32(m->data, rec + fields[k]);
        const char *str;
        if (string_at(m, s, optional[k], &str) != 0)
            return fail(why, L4_MANIFEST_ERR_STRING,
                        "string offset outside the string table, or unterminated", rec + fields[k],
                        s);
        if (k == 0) {
            if (!name_ok(str))
                return fail(why, L4_MANIFEST_ERR_NAME,
                            "name empty, longer than 31, or not [a-z][a-z0-9_-]*", rec, s);
            *name = str;
        } else if (str && !str[0]) {
            return fail(why, L4_MANIFEST_ERR_STRING, "empty string", rec + fields[k], s);
        }
    }
    return 0;
}

static const uint32_t srv_strings[] = {L4_MANIFEST_SERVER_RECORD_OFFSET_NAME,
                                       L4_MANIFEST_SERVER_RECORD_OFFSET_IMAGE};
static const int srv_optional[] = {0, 1};
static const uint32_t cmp_strings[] = {
    L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_IMAGE,
    L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_INITRAMFS, L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_INIT};
static const int cmp_optional[] = {0, 0, 1, 1};

static uint32_t srv_at(const struct l4_manifest *m, uint32_t i)
{
    return m->servers + i * L4_MANIFEST_SERVER_RECORD_SIZE;
}

static uint32_t cmp_at(const struct l4_manifest *m, uint32_t i)
{
    return m->compartments + i * L4_MANIFEST_COMPARTMENT_RECORD_SIZE;
}

/* Header, sizes and checksum: everything before the tables are looked at. */
static int open_header(struct l4_manifest *m, const uint8_t *p, size_t size,
                       struct l4_manifest_fault *why)
{
    if (size < L4_MANIFEST_HEADER_SIZE)
        return fail(why, L4_MANIFEST_ERR_TRUNCATED, "module shorter than the header", 0, size);
    if (rd32(p, L4_MANIFEST_HEADER_OFFSET_MAGIC) != L4_MANIFEST_HEADER_MAGIC)
        return fail(why, L4_MANIFEST_ERR_MAGIC, "bad magic (not a manifest)", 0,
                    rd32(p, L4_MANIFEST_HEADER_OFFSET_MAGIC));
    if (rd16(p, L4_MANIFEST_HEADER_OFFSET_VERSION) != L4_MANIFEST_HEADER_VERSION)
        return fail(why, L4_MANIFEST_ERR_VERSION, "unknown version",
                    L4_MANIFEST_HEADER_OFFSET_VERSION, rd16(p, L4_MANIFEST_HEADER_OFFSET_VERSION));
    if (rd16(p, L4_MANIFEST_HEADER_OFFSET_HEADER_SIZE) != L4_MANIFEST_HEADER_SIZE)
        return fail(why, L4_MANIFEST_ERR_SIZE, "header size is not 64",
                    L4_MANIFEST_HEADER_OFFSET_HEADER_SIZE,
                    rd16(p, L4_MANIFEST_HEADER_OFFSET_HEADER_SIZE));
    uint32_t total = rd32(p, L4_MANIFEST_HEADER_OFFSET_TOTAL_SIZE);
    if (total > size)
        return fail(why, L4_MANIFEST_ERR_TRUNCATED, "module shorter than its total size",
                    L4_MANIFEST_HEADER_OFFSET_TOTAL_SIZE, total);
    if (total != size || total > L4_MANIFEST_HEADER_MAX_SIZE)
        return fail(why, L4_MANIFEST_ERR_SIZE, "total size is not the module's size",
                    L4_MANIFEST_HEADER_OFFSET_TOTAL_SIZE, total);
    static const uint8_t zero[4];
    uint32_t crc = l4_manifest_crc32(0, p, L4_MANIFEST_HEADER_OFFSET_CHECKSUM);
    crc = l4_manifest_crc32(crc, zero, sizeof zero);
    crc = l4_manifest_crc32(crc, p + L4_MANIFEST_HEADER_OFFSET_CHECKSUM + 4,
                            total - L4_MANIFEST_HEADER_OFFSET_CHECKSUM - 4);
    if (crc != rd32(p, L4_MANIFEST_HEADER_OFFSET_CHECKSUM))
        return fail(why, L4_MANIFEST_ERR_CHECKSUM, "bad checksum",
                    L4_MANIFEST_HEADER_OFFSET_CHECKSUM,
                    rd32(p, L4_MANIFEST_HEADER_OFFSET_CHECKSUM));
    if (!all_zero(p, L4_MANIFEST_HEADER_OFFSET_RESERVED,
                  L4_MANIFEST_HEADER_SIZE - L4_MANIFEST_HEADER_OFFSET_RESERVED))
        return fail(why, L4_MANIFEST_ERR_RESERVED, "reserved header bytes not zero",
                    L4_MANIFEST_HEADER_OFFSET_RESERVED, 0);
    if (rd16(p, L4_MANIFEST_HEADER_OFFSET_SERVER_SIZE) != L4_MANIFEST_SERVER_RECORD_SIZE)
        return fail(why, L4_MANIFEST_ERR_SIZE, "server record size is not 32",
                    L4_MANIFEST_HEADER_OFFSET_SERVER_SIZE,
                    rd16(p, L4_MANIFEST_HEADER_OFFSET_SERVER_SIZE));
    if (rd16(p, L4_MANIFEST_HEADER_OFFSET_COMPARTMENT_SIZE) != L4_MANIFEST_COMPARTMENT_RECORD_SIZE)
        return fail(why, L4_MANIFEST_ERR_SIZE, "compartment record size is not 64",
                    L4_MANIFEST_HEADER_OFFSET_COMPARTMENT_SIZE,
                    rd16(p, L4_MANIFEST_HEADER_OFFSET_COMPARTMENT_SIZE));
    m->data = p;
    m->size = total;
    m->memory = rd64(p, L4_MANIFEST_HEADER_OFFSET_MEMORY);
    m->num_servers = rd16(p, L4_MANIFEST_HEADER_OFFSET_NUM_SERVERS);
    m->num_compartments = rd16(p, L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS);
    m->servers = rd32(p, L4_MANIFEST_HEADER_OFFSET_SERVERS);
    m->compartments = rd32(p, L4_MANIFEST_HEADER_OFFSET_COMPARTMENTS);
    m->strings = rd32(p, L4_MANIFEST_HEADER_OFFSET_STRINGS);
    m->strings_size = rd32(p, L4_MANIFEST_HEADER_OFFSET_STRINGS_SIZE);
    m->main = rd32(p, L4_MANIFEST_HEADER_OFFSET_MAIN);
    if (m->memory == 0 || m->memory % L4_MANIFEST_HEADER_PAGE_SIZE)
        return fail(why, L4_MANIFEST_ERR_MEMORY, "machine memory zero or not page-aligned",
                    L4_MANIFEST_HEADER_OFFSET_MEMORY, m->memory);
    return 0;
}

/* The three tables: counts, bounds, alignment, apart from each other. */
static int open_regions(const struct l4_manifest *m, struct l4_manifest_fault *why)
{
    if (m->num_servers > L4_MANIFEST_HEADER_MAX_SERVERS)
        return fail(why, L4_MANIFEST_ERR_COUNT, "more than 16 servers",
                    L4_MANIFEST_HEADER_OFFSET_NUM_SERVERS, m->num_servers);
    if (m->num_compartments == 0 || m->num_compartments > L4_MANIFEST_HEADER_MAX_COMPARTMENTS)
        return fail(why, L4_MANIFEST_ERR_COUNT, "compartment count not in 1..64",
                    L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS, m->num_compartments);
    uint32_t slen = m->num_servers * L4_MANIFEST_SERVER_RECORD_SIZE;
    uint32_t clen = m->num_compartments * L4_MANIFEST_COMPARTMENT_RECORD_SIZE;
    if (!region_ok(m->servers, slen, m->size))
        return fail(why, L4_MANIFEST_ERR_REGION, "server table outside the module or misaligned",
                    L4_MANIFEST_HEADER_OFFSET_SERVERS, m->servers);
    if (!region_ok(m->compartments, clen, m->size))
        return fail(why, L4_MANIFEST_ERR_REGION,
                    "compartment table outside the module or misaligned",
                    L4_MANIFEST_HEADER_OFFSET_COMPARTMENTS, m->compartments);
    /* The string table needs no alignment but must not be empty: even a
     * name of one character takes two bytes. */
    if (m->strings < L4_MANIFEST_HEADER_SIZE || m->strings > m->size ||
        m->strings_size > m->size - m->strings || m->strings_size == 0)
        return fail(why, L4_MANIFEST_ERR_REGION, "string table outside the module",
                    L4_MANIFEST_HEADER_OFFSET_STRINGS, m->strings);
    if (!regions_apart(m->servers, slen, m->compartments, clen) ||
        !regions_apart(m->servers, slen, m->strings, m->strings_size) ||
        !regions_apart(m->compartments, clen, m->strings, m->strings_size))
        return fail(why, L4_MANIFEST_ERR_REGION, "tables overlap",
                    L4_MANIFEST_HEADER_OFFSET_SERVERS, 0);
    return 0;
}

/* Strings, names, duplicates, reserved bytes and the main compartment. */
static int open_records(const struct l4_manifest *m, struct l4_manifest_fault *why)
{
    const char *names[L4_MANIFEST_HEADER_MAX_SERVERS + L4_MANIFEST_HEADER_MAX_COMPARTMENTS];
    uint32_t n = 0, mains = 0, main_at = 0;
    for (uint32_t i = 0; i < m->num_servers; i++) {
        uint32_t r = srv_at(m, i);
        if (record_strings(m, r, srv_strings, srv_optional, 2, &names[n], why) != 0)
            return -1;
        if (!all_zero(m->data, r + L4_MANIFEST_SERVER_RECORD_OFFSET_RESERVED,
                      L4_MANIFEST_SERVER_RECORD_SIZE - L4_MANIFEST_SERVER_RECORD_OFFSET_RESERVED))
            return fail(why, L4_MANIFEST_ERR_RESERVED, "reserved server bytes not zero",
                        r + L4_MANIFEST_SERVER_RECORD_OFFSET_RESERVED, 0);
        n++;
    }
    for (uint32_t i = 0; i < m->num_compartments; i++) {
        uint32_t r = cmp_at(m, i);
        if (record_strings(m, r, cmp_strings, cmp_optional, 4, &names[n], why) != 0)
            return -1;
        uint32_t flags = rd32(m->data, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_FLAGS);
        if ((flags & ~L4_MANIFEST_COMPARTMENT_RECORD_FLAG_MAIN) ||
            rd8(m->data, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_RESERVED0) ||
            rd16(m->data, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_RESERVED1) ||
            !all_zero(m->data, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_RESERVED2,
                      L4_MANIFEST_COMPARTMENT_RECORD_SIZE -
                          L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_RESERVED2))
            return fail(why, L4_MANIFEST_ERR_RESERVED,
                        "unknown compartment flag or reserved bytes not zero", r, flags);
        if (flags & L4_MANIFEST_COMPARTMENT_RECORD_FLAG_MAIN)
            mains++, main_at = i;
        n++;
    }
    /* Names are unique across servers and compartments: they name the
     * console prefix and every line the root task prints. */
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; b < n; b++)
            if (names_equal(names[a], names[b]))
                return fail(why, L4_MANIFEST_ERR_DUPLICATE, "duplicate name",
                            b < m->num_servers ? srv_at(m, b) : cmp_at(m, b - m->num_servers), b);
    if (mains != 1 || main_at != m->main)
        return fail(why, L4_MANIFEST_ERR_MAIN,
                    "not exactly one main compartment, or main index wrong",
                    L4_MANIFEST_HEADER_OFFSET_MAIN, mains);
    return 0;
}

int l4_manifest_open(struct l4_manifest *m, const void *data, size_t size,
                     struct l4_manifest_fault *why)
{
    struct l4_manifest t;
    if (!data)
        return fail(why, L4_MANIFEST_ERR_TRUNCATED, "no module", 0, 0);
    if (open_header(&t, data, size, why) != 0 || open_regions(&t, why) != 0 ||
        open_records(&t, why) != 0)
        return -1;
    *m = t;
    return 0;
}

int l4_manifest_server(const struct l4_manifest *m, uint32_t i, struct l4_manifest_server *out,
                       struct l4_manifest_fault *why)
{
    if (i >= m->num_servers)
        return fail(why, L4_MANIFEST_ERR_COUNT, "no such server", 0, i);
    uint32_t r = srv_at(m, i);
    /* open() checked both strings; these calls cannot fail */
    out->name = out->image = 0;
    string_at(m, rd32(m->data, r + L4_MANIFEST_SERVER_RECORD_OFFSET_NAME), 0, &out->name);
    string_at(m, rd32(m->data, r + L4_MANIFEST_SERVER_RECORD_OFFSET_IMAGE), 1, &out->image);
    out->memory = rd64(m->data, r + L4_MANIFEST_SERVER_RECORD_OFFSET_MEMORY);
    out->priority = rd8(m->data, r + L4_MANIFEST_SERVER_RECORD_OFFSET_PRIORITY);
    if (out->memory % L4_MANIFEST_HEADER_PAGE_SIZE || out->memory > m->memory)
        return fail(why, L4_MANIFEST_ERR_QUOTA, "memory not page-aligned or larger than RAM",
                    r + L4_MANIFEST_SERVER_RECORD_OFFSET_MEMORY, out->memory);
    if (out->priority < L4_MANIFEST_SERVER_RECORD_PRIO_MIN ||
        out->priority > L4_MANIFEST_SERVER_RECORD_PRIO_MAX)
        return fail(why, L4_MANIFEST_ERR_PRIORITY, "server priority not in 200..254",
                    r + L4_MANIFEST_SERVER_RECORD_OFFSET_PRIORITY, out->priority);
    return 0;
}

int l4_manifest_compartment(const struct l4_manifest *m, uint32_t i,
                            struct l4_manifest_compartment *c, struct l4_manifest_fault *why)
{
    if (i >= m->num_compartments)
        return fail(why, L4_MANIFEST_ERR_COUNT, "no such compartment", 0, i);
    const uint8_t *p = m->data;
    uint32_t r = cmp_at(m, i);
    /* open() checked every string; these calls cannot fail */
    c->name = c->image = c->initramfs = c->init = 0;
    string_at(m, rd32(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME), 0, &c->name);
    string_at(m, rd32(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_IMAGE), 0, &c->image);
    string_at(m, rd32(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_INITRAMFS), 1, &c->initramfs);
    string_at(m, rd32(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_INIT), 1, &c->init);
    c->flags = rd32(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_FLAGS);
    c->quota = rd64(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA);
    c->priority = rd8(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_PRIORITY);
    c->console = rd8(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_CONSOLE);
    c->on_crash = rd8(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_ON_CRASH);
    c->max_restarts = rd16(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_RESTARTS);
    c->max_spaces = rd16(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_SPACES);
    c->max_threads = rd16(p, r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_THREADS);
    if (c->quota == 0 || c->quota % L4_MANIFEST_HEADER_PAGE_SIZE)
        return fail(why, L4_MANIFEST_ERR_QUOTA, "quota zero or not page-aligned",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, c->quota);
    if (c->quota > m->memory)
        return fail(why, L4_MANIFEST_ERR_QUOTA, "quota larger than RAM",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, c->quota);
    if (c->priority < L4_MANIFEST_COMPARTMENT_RECORD_PRIO_MIN ||
        c->priority > L4_MANIFEST_COMPARTMENT_RECORD_PRIO_MAX)
        return fail(why, L4_MANIFEST_ERR_PRIORITY, "priority not in 1..199",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_PRIORITY, c->priority);
    if (c->console >= L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_COUNT)
        return fail(why, L4_MANIFEST_ERR_CONSOLE, "unknown console",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_CONSOLE, c->console);
    if (c->on_crash >= L4_MANIFEST_COMPARTMENT_RECORD_CRASH_COUNT)
        return fail(why, L4_MANIFEST_ERR_RESTART, "unknown crash policy",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_ON_CRASH, c->on_crash);
    int restarts_ok =
        c->on_crash == L4_MANIFEST_COMPARTMENT_RECORD_CRASH_RESTART
            ? c->max_restarts >= 1 && c->max_restarts <= L4_MANIFEST_COMPARTMENT_RECORD_RESTARTS_MAX
            : c->max_restarts == 0;
    if (!restarts_ok)
        return fail(why, L4_MANIFEST_ERR_RESTART,
                    "restart count not in 1..100 with restart, or not 0 with stop",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_RESTARTS, c->max_restarts);
    if (c->max_spaces == 0 || c->max_spaces > L4_MANIFEST_HEADER_ASIDS_TOTAL)
        return fail(why, L4_MANIFEST_ERR_SPACES, "address spaces not in 1..4095",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_SPACES, c->max_spaces);
    if (c->max_threads == 0)
        return fail(why, L4_MANIFEST_ERR_THREADS, "threads zero",
                    r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_THREADS, 0);
    return 0;
}

int l4_manifest_budget_init(const struct l4_manifest *m, uint64_t memory_available,
                            struct l4_manifest_budget *b, struct l4_manifest_fault *why)
{
    uint64_t reserved = 0;
    for (uint32_t i = 0; i < m->num_servers; i++) {
        /* each at most RAM (checked below), 16 of them: no overflow */
        uint64_t mem = rd64(m->data, srv_at(m, i) + L4_MANIFEST_SERVER_RECORD_OFFSET_MEMORY);
        if (mem > m->memory)
            return fail(why, L4_MANIFEST_ERR_QUOTA, "server memory larger than RAM",
                        srv_at(m, i) + L4_MANIFEST_SERVER_RECORD_OFFSET_MEMORY, mem);
        reserved += mem;
    }
    if (reserved > memory_available)
        return fail(why, L4_MANIFEST_ERR_QUOTA, "servers' memory larger than what is available",
                    L4_MANIFEST_HEADER_OFFSET_SERVERS, reserved);
    b->memory_left = memory_available - reserved;
    b->spaces_left = L4_MANIFEST_HEADER_ASIDS_TOTAL - 1 - m->num_servers;
    return 0;
}

int l4_manifest_admit(struct l4_manifest_budget *b, const struct l4_manifest_compartment *c,
                      struct l4_manifest_fault *why)
{
    if (c->quota > b->memory_left)
        return fail(why, L4_MANIFEST_ERR_QUOTA, "quota larger than the memory left", 0,
                    b->memory_left);
    if (c->max_spaces > b->spaces_left)
        return fail(why, L4_MANIFEST_ERR_SPACES, "more address spaces than are left", 0,
                    b->spaces_left);
    b->memory_left -= c->quota;
    b->spaces_left -= c->max_spaces;
    return 0;
}

const char *l4_manifest_error_name(enum l4_manifest_error e)
{
    static const char *const names[L4_MANIFEST_ERR_COUNT_OF] = {
        [L4_MANIFEST_OK] = "ok",
        [L4_MANIFEST_ERR_TRUNCATED] = "truncated",
        [L4_MANIFEST_ERR_MAGIC] = "bad magic",
        [L4_MANIFEST_ERR_VERSION] = "unknown version",
        [L4_MANIFEST_ERR_SIZE] = "bad size",
        [L4_MANIFEST_ERR_CHECKSUM] = "bad checksum",
        [L4_MANIFEST_ERR_RESERVED] = "reserved field set",
        [L4_MANIFEST_ERR_COUNT] = "bad count",
        [L4_MANIFEST_ERR_REGION] = "bad table",
        [L4_MANIFEST_ERR_STRING] = "bad string",
        [L4_MANIFEST_ERR_NAME] = "bad name",
        [L4_MANIFEST_ERR_DUPLICATE] = "duplicate name",
        [L4_MANIFEST_ERR_MAIN] = "bad main compartment",
        [L4_MANIFEST_ERR_MEMORY] = "bad memory size",
        [L4_MANIFEST_ERR_QUOTA] = "bad quota",
        [L4_MANIFEST_ERR_PRIORITY] = "bad priority",
        [L4_MANIFEST_ERR_CONSOLE] = "bad console",
        [L4_MANIFEST_ERR_RESTART] = "bad restart policy",
        [L4_MANIFEST_ERR_SPACES] = "bad address-space count",
        [L4_MANIFEST_ERR_THREADS] = "bad thread count",
    };
    return (unsigned)e < L4_MANIFEST_ERR_COUNT_OF ? names[e] : "unknown error";
}
