/* SPDX-License-Identifier: MIT */
/*
 * Credentials and the set*id rules of Linux's kernel/sys.c (cred.h,
 * docs/linux/cred.md). Interface: shim_cred_init(), shim_cred_set*().
 */
#include <string.h>
#include <shim/cred.h>
#include <shim/linux_abi.h>

void shim_cred_init(struct shim_creds *c)
{
    memset(c, 0, sizeof *c);
}

static bool cap_setuid(const struct shim_creds *c)
{
    return c->euid == 0;
}

/* One of the three ids: what an unprivileged process may switch to. */
static bool one_of(uint32_t id, uint32_t a, uint32_t b, uint32_t d)
{
    return id == a || id == b || id == d;
}

int shim_cred_setuid(struct shim_creds *c, uint32_t uid)
{
    if (uid == SHIM_ID_KEEP)
        return -LINUX_EINVAL;
    if (cap_setuid(c)) {
        c->uid = c->suid = uid;
    } else if (uid != c->uid && uid != c->suid) {
        return -LINUX_EPERM;
    }
    c->euid = c->fsuid = uid;
    return 0;
}

int shim_cred_setgid(struct shim_creds *c, uint32_t gid)
{
    if (gid == SHIM_ID_KEEP)
        return -LINUX_EINVAL;
    if (cap_setuid(c)) {
        c->gid = c->sgid = gid;
    } else if (gid != c->gid && gid != c->sgid) {
        return -LINUX_EPERM;
    }
    c->egid = c->fsgid = gid;
    return 0;
}

int shim_cred_setreuid(struct shim_creds *c, uint32_t ruid, uint32_t euid)
{
    bool cap = cap_setuid(c);
    if (ruid != SHIM_ID_KEEP && !cap && ruid != c->uid && ruid != c->euid)
        return -LINUX_EPERM;
    if (euid != SHIM_ID_KEEP && !cap && !one_of(euid, c->uid, c->euid, c->suid))
        return -LINUX_EPERM;
    uint32_t old_ruid = c->uid;
    if (ruid != SHIM_ID_KEEP)
        c->uid = ruid;
    if (euid != SHIM_ID_KEEP)
        c->euid = euid;
    if (ruid != SHIM_ID_KEEP || (euid != SHIM_ID_KEEP && euid != old_ruid))
        c->suid = c->euid;
    c->fsuid = c->euid;
    return 0;
}

int shim_cred_setregid(struct shim_creds *c, uint32_t rgid, uint32_t egid)
{
    bool cap = cap_setuid(c);
    if (rgid != SHIM_ID_KEEP && !cap && rgid != c->gid && rgid != c->egid)
        return -LINUX_EPERM;
    if (egid != SHIM_ID_KEEP && !cap && !one_of(egid, c->gid, c->egid, c->sgid))
        return -LINUX_EPERM;
    uint32_t old_rgid = c->gid;
    if (rgid != SHIM_ID_KEEP)
        c->gid = rgid;
    if (egid != SHIM_ID_KEEP)
        c->egid = egid;
    if (rgid != SHIM_ID_KEEP || (egid != SHIM_ID_KEEP && egid != old_rgid))
        c->sgid = c->egid;
    c->fsgid = c->egid;
    return 0;
}

int shim_cred_setresuid(struct shim_creds *c, uint32_t ruid, uint32_t euid, uint32_t suid)
{
    if (!cap_setuid(c)) {
        const uint32_t ids[3] = {ruid, euid, suid};
        for (int i = 0; i < 3; i++)
            if (ids[i] != SHIM_ID_KEEP && !one_of(ids[i], c->uid, c->euid, c->suid))
                return -LINUX_EPERM;
    }
    if (ruid != SHIM_ID_KEEP)
        c->uid = ruid;
    if (euid != SHIM_ID_KEEP)
        c->euid = euid;
    if (suid != SHIM_ID_KEEP)
        c->suid = suid;
    c->fsuid = c->euid;
    return 0;
}

int shim_cred_setresgid(struct shim_creds *c, uint32_t rgid, uint32_t egid, uint32_t sgid)
{
    if (!cap_setuid(c)) {
        const uint32_t ids[3] = {rgid, egid, sgid};
        for (int i = 0; i < 3; i++)
            if (ids[i] != SHIM_ID_KEEP && !one_of(ids[i], c->gid, c->egid, c->sgid))
                return -LINUX_EPERM;
    }
    if (rgid != SHIM_ID_KEEP)
        c->gid = rgid;
    if (egid != SHIM_ID_KEEP)
        c->egid = egid;
    if (sgid != SHIM_ID_KEEP)
        c->sgid = sgid;
    c->fsgid = c->egid;
    return 0;
}

uint32_t shim_cred_setfsuid(struct shim_creds *c, uint32_t fsuid)
{
    uint32_t old = c->fsuid;
    if (fsuid != SHIM_ID_KEEP &&
        (one_of(fsuid, c->uid, c->euid, c->suid) || fsuid == c->fsuid || cap_setuid(c)))
        c->fsuid = fsuid;
    return old;
}

uint32_t shim_cred_setfsgid(struct shim_creds *c, uint32_t fsgid)
{
    uint32_t old = c->fsgid;
    if (fsgid != SHIM_ID_KEEP &&
        (one_of(fsgid, c->gid, c->egid, c->sgid) || fsgid == c->fsgid || cap_setuid(c)))
        c->fsgid = fsgid;
    return old;
}

int shim_cred_setgroups(struct shim_creds *c, uint64_t n, const uint32_t *groups)
{
    if (n > SHIM_NGROUPS_MAX)
        return -LINUX_EINVAL;
    if (!cap_setuid(c))
        return -LINUX_EPERM;
    if (n > SHIM_GROUPS)
        return -LINUX_ENOMEM;
    memcpy(c->groups, groups, n * sizeof *groups);
    c->ngroups = (uint32_t)n;
    return 0;
}

bool shim_cred_in_group(const struct shim_creds *c, uint32_t gid)
{
    if (gid == c->fsgid)
        return true;
    for (uint32_t i = 0; i < c->ngroups; i++)
        if (c->groups[i] == gid)
            return true;
    return false;
}
