/* SPDX-License-Identifier: MIT */
/*
 * The root task: first user-level program, owner of every capability the
 * kernel hands over at boot.
 */
void root_main(void);

void root_main(void)
{
}
