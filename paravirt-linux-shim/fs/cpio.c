/* SPDX-License-Identifier: MIT */
/*
 * cpio newc reader (see <shim/cpio.h>).
 *
 * An entry is a 110-byte ASCII header (magic, then thirteen 8-digit hex
 * fields), the name with its NUL padded so that header + name is a multiple
 * of 4, then the data padded to 4. Sizes are checked against what is left
 * of the buffer before anything is read, in an order that cannot wrap: the
 * remaining length is computed once and only ever compared against.
 */
#include <string.h>
#include <shim/cpio.h>
#include <shim/linux_abi.h>

enum {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJOR,
    F_DEVMINOR,
    F_RDEVMAJOR,
    F_RDEVMINOR,
    F_NAMESIZE,
    F_CHECK,
    NFIELDS
};

void shim_cpio_init(struct shim_cpio *c, const void *buf, size_t size)
{
    c->buf = buf;
    c->size = size;
    c->pos = 0;
    c->in_archive = 0;
}

static int hex8(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned char ch = p[i];
        unsigned d;
        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static size_t pad4(size_t n)
{
    return (4 - (n & 3)) & 3;
}

static int valid_type(uint32_t mode)
{
    switch (mode & LINUX_S_IFMT) {
    case LINUX_S_IFREG:
    case LINUX_S_IFDIR:
    case LINUX_S_IFLNK:
    case LINUX_S_IFCHR:
    case LINUX_S_IFBLK:
    case LINUX_S_IFIFO:
    case LINUX_S_IFSOCK:
        return 1;
    }
    return 0;
}

int shim_cpio_next(struct shim_cpio *c, struct shim_cpio_entry *e)
{
    for (;;) {
        /* Between archives: skip zero padding, 4 bytes at a time. */
        if (!c->in_archive) {
            while (c->size - c->pos >= 4 && !memcmp(c->buf + c->pos, "\0\0\0\0", 4))
                c->pos += 4;
            if (c->pos == c->size)
                return 0;
        }
        size_t left = c->size - c->pos;
        if (left == 0)
            return -SHIM_CPIO_ENOTRAILER;
        if (left < SHIM_CPIO_HEADER_SIZE)
            return c->in_archive || left >= 6 ? -SHIM_CPIO_ETRUNC : -SHIM_CPIO_EMAGIC;
        const unsigned char *h = c->buf + c->pos;
        if (memcmp(h, "07070", 5) || (h[5] != '1' && h[5] != '2'))
            return -SHIM_CPIO_EMAGIC;
        uint32_t f[NFIELDS];
        for (int i = 0; i < NFIELDS; i++)
            if (hex8(h + 6 + 8 * i, &f[i]))
                return -SHIM_CPIO_EHEX;
        c->in_archive = 1;

        /* The name: at least one byte and its NUL, at most PATH_MAX. */
        size_t namesize = f[F_NAMESIZE];
        if (namesize < 2 || namesize > LINUX_PATH_MAX)
            return -SHIM_CPIO_ENAME;
        size_t name_total = namesize + pad4(SHIM_CPIO_HEADER_SIZE + namesize);
        left -= SHIM_CPIO_HEADER_SIZE;
        if (namesize > left)
            return -SHIM_CPIO_ETRUNC;
        const char *name = (const char *)h + SHIM_CPIO_HEADER_SIZE;
        if (name[namesize - 1] != '\0' || memchr(name, '\0', namesize - 1))
            return -SHIM_CPIO_ENAME;
        /* The last entry's padding may be cut off by the buffer's end. */
        if (name_total > left)
            name_total = left;
        left -= name_total;

        /* The data. */
        size_t size = f[F_FILESIZE];
        if (size > left)
            return -SHIM_CPIO_ETRUNC;
        size_t data_total = size + pad4(size);
        if (data_total > left)
            data_total = left;
        int trailer = namesize == sizeof SHIM_CPIO_TRAILER &&
                      !memcmp(name, SHIM_CPIO_TRAILER, sizeof SHIM_CPIO_TRAILER);
        if (!trailer) {
            if (!valid_type(f[F_MODE]))
                return -SHIM_CPIO_EMODE;
            uint32_t type = f[F_MODE] & LINUX_S_IFMT;
            if (type == LINUX_S_IFLNK && (size == 0 || size >= LINUX_PATH_MAX))
                return -SHIM_CPIO_ESIZE;
            if (type != LINUX_S_IFREG && type != LINUX_S_IFLNK && size != 0)
                return -SHIM_CPIO_ESIZE;
        }
        size_t data_pos = c->pos + SHIM_CPIO_HEADER_SIZE + name_total;
        c->pos = data_pos + data_total;
        if (trailer) {
            c->in_archive = 0;
            continue;
        }
        *e = (struct shim_cpio_entry){
            .name = name,
            .namelen = namesize - 1,
            .ino = f[F_INO],
            .mode = f[F_MODE],
            .uid = f[F_UID],
            .gid = f[F_GID],
            .nlink = f[F_NLINK],
            .mtime = f[F_MTIME],
            .devmajor = f[F_DEVMAJOR],
            .devminor = f[F_DEVMINOR],
            .rdevmajor = f[F_RDEVMAJOR],
            .rdevminor = f[F_RDEVMINOR],
            .data = c->buf + data_pos,
            .size = size,
        };
        return 1;
    }
}

const char *shim_cpio_strerror(int err)
{
    switch (err < 0 ? -err : err) {
    case SHIM_CPIO_EMAGIC:
        return "not a cpio newc archive (bad magic)";
    case SHIM_CPIO_ETRUNC:
        return "archive truncated";
    case SHIM_CPIO_EHEX:
        return "header field is not hexadecimal";
    case SHIM_CPIO_ENAME:
        return "bad file name (empty, unterminated or too long)";
    case SHIM_CPIO_EMODE:
        return "unknown file type";
    case SHIM_CPIO_ESIZE:
        return "size impossible for the file type";
    case SHIM_CPIO_ENOTRAILER:
        return "archive ends without its trailer";
    }
    return "unknown error";
}
