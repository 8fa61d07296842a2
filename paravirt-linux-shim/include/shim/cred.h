/* SPDX-License-Identifier: MIT */
/*
 * A process's credentials (docs/linux/cred.md): real, effective, saved and
 * file-system user and group ids and the supplementary groups, with the
 * rules of Linux's set*id calls (kernel/sys.c). Privilege is modelled as
 * Linux's capabilities follow the ids by default: CAP_SETUID and
 * CAP_SETGID with effective uid 0, the file capabilities (DAC override)
 * with fsuid 0. Every call returns 0 or a negated LINUX_E*, and a refused
 * call changes nothing.
 */
#ifndef SHIM_CRED_H
#define SHIM_CRED_H

#include <stdbool.h>
#include <stdint.h>

#define SHIM_NGROUPS_MAX 65536u     /* Linux's NGROUPS_MAX: the EINVAL bound */
#define SHIM_GROUPS      32u        /* what a credential holds; more is ENOMEM */
#define SHIM_ID_KEEP     UINT32_MAX /* (uid_t)-1: leave this id alone */

/* One kind of id (user or group): real, effective, saved, file system. */
struct shim_ids {
    uint32_t real, eff, saved, fs;
};

struct shim_creds {
    struct shim_ids u, g;
    uint32_t ngroups;
    uint32_t groups[SHIM_GROUPS];
};

/* Root's: every id 0, no supplementary group. */
void shim_cred_init(struct shim_creds *c);
int shim_cred_setuid(struct shim_creds *c, uint32_t uid);
int shim_cred_setgid(struct shim_creds *c, uint32_t gid);
int shim_cred_setreuid(struct shim_creds *c, uint32_t ruid, uint32_t euid);
int shim_cred_setregid(struct shim_creds *c, uint32_t rgid, uint32_t egid);
int shim_cred_setresuid(struct shim_creds *c, uint32_t ruid, uint32_t euid, uint32_t suid);
int shim_cred_setresgid(struct shim_creds *c, uint32_t rgid, uint32_t egid, uint32_t sgid);
/* setfsuid/setfsgid return the old id whether or not the change is allowed. */
uint32_t shim_cred_setfsuid(struct shim_creds *c, uint32_t fsuid);
uint32_t shim_cred_setfsgid(struct shim_creds *c, uint32_t fsgid);
int shim_cred_setgroups(struct shim_creds *c, uint64_t n, const uint32_t *groups);
/* gid is the file-system group or a supplementary one. */
bool shim_cred_in_group(const struct shim_creds *c, uint32_t gid);

#endif
