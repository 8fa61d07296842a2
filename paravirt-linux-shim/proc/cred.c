/* SPDX-License-Identifier: MIT */
/*
 * Credentials and the set*id rules of Linux's kernel/sys.c (cred.h,
 * docs/linux/cred.md). The user and the group calls follow the same
 * rules, so each is one function over a struct shim_ids and whether the
 * caller is privileged (effective uid 0: CAP_SETUID, CAP_SETGID).
 * Interface: shim_cred_init(), shim_cred_set*().
 */
#include <string.h>
#include <shim/cred.h>
#include <shim/linux_abi.h>

#define KEEP SHIM_ID_KEEP

void shim_cred_init(struct shim_creds *c)
{
    memset(c, 0, sizeof *c);
}

static bool capable(const struct shim_creds *c)
{
    return c->u.eff == 0;
}

/* One of real, effective, saved: what an unprivileged process may take. */
static bool held(const struct shim_ids *i, uint32_t id)
{
    return id == i->real || id == i->eff || id == i->saved;
}

static int set_id(struct shim_ids *i, bool cap, uint32_t id)
{
    if (id == KEEP)
        return -LINUX_EINVAL;
    if (cap)
        i->real = i->saved = id;
    else if (id != i->real && id != i->saved)
        return -LINUX_EPERM;
    i->eff = i->fs = id;
    return 0;
}

static int set_re(struct shim_ids *i, bool cap, uint32_t r, uint32_t e)
{
    if (r != KEEP && !cap && r != i->real && r != i->eff)
        return -LINUX_EPERM;
    if (e != KEEP && !cap && !held(i, e))
        return -LINUX_EPERM;
    uint32_t old_real = i->real;
    if (r != KEEP)
        i->real = r;
    if (e != KEEP)
        i->eff = e;
    if (r != KEEP || (e != KEEP && e != old_real))
        i->saved = i->eff;
    i->fs = i->eff;
    return 0;
}

static int set_res(struct shim_ids *i, bool cap, uint32_t r, uint32_t e, uint32_t s)
{
    /* a change to nothing returns at once, fs id untouched (Linux 5.19+) */
    if ((r == KEEP || r == i->real) && (e == KEEP || (e == i->eff && e == i->fs)) &&
        (s == KEEP || s == i->saved))
        return 0;
    if (!cap &&
        ((r != KEEP && !held(i, r)) || (e != KEEP && !held(i, e)) || (s != KEEP && !held(i, s))))
        return -LINUX_EPERM;
    if (r != KEEP)
        i->real = r;
    if (e != KEEP)
        i->eff = e;
    if (s != KEEP)
        i->saved = s;
    i->fs = i->eff;
    return 0;
}

static uint32_t set_fs(struct shim_ids *i, bool cap, uint32_t id)
{
    uint32_t old = i->fs;
    if (id != KEEP && (held(i, id) || id == i->fs || cap))
        i->fs = id;
    return old;
}

int shim_cred_setuid(struct shim_creds *c, uint32_t uid)
{
    return set_id(&c->u, capable(c), uid);
}

int shim_cred_setgid(struct shim_creds *c, uint32_t gid)
{
    return set_id(&c->g, capable(c), gid);
}

int shim_cred_setreuid(struct shim_creds *c, uint32_t ruid, uint32_t euid)
{
    return set_re(&c->u, capable(c), ruid, euid);
}

int shim_cred_setregid(struct shim_creds *c, uint32_t rgid, uint32_t egid)
{
    return set_re(&c->g, capable(c), rgid, egid);
}

int shim_cred_setresuid(struct shim_creds *c, uint32_t ruid, uint32_t euid, uint32_t suid)
{
    return set_res(&c->u, capable(c), ruid, euid, suid);
}

int shim_cred_setresgid(struct shim_creds *c, uint32_t rgid, uint32_t egid, uint32_t sgid)
{
    return set_res(&c->g, capable(c), rgid, egid, sgid);
}

uint32_t shim_cred_setfsuid(struct shim_creds *c, uint32_t fsuid)
{
    return set_fs(&c->u, capable(c), fsuid);
}

uint32_t shim_cred_setfsgid(struct shim_creds *c, uint32_t fsgid)
{
    return set_fs(&c->g, capable(c), fsgid);
}

int shim_cred_setgroups(struct shim_creds *c, uint64_t n, const uint32_t *groups)
{
    if (n > SHIM_NGROUPS_MAX)
        return -LINUX_EINVAL;
    if (!capable(c))
        return -LINUX_EPERM;
    if (n > SHIM_GROUPS)
        return -LINUX_ENOMEM;
    memcpy(c->groups, groups, n * sizeof *groups);
    c->ngroups = (uint32_t)n;
    return 0;
}

bool shim_cred_in_group(const struct shim_creds *c, uint32_t gid)
{
    if (gid == c->g.fs)
        return true;
    for (uint32_t i = 0; i < c->ngroups; i++)
        if (c->groups[i] == gid)
            return true;
    return false;
}
