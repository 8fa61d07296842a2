/* SPDX-License-Identifier: MIT */
/*
 * Frames: 4 KiB and 2 MiB pages of memory (or of device registers) that
 * user threads map into their address spaces.
 *
 * Interface: frame_decode_invocation() performs FrameMap, FrameRemap,
 * FrameUnmap and FrameGetAddress on a Frame4K or Frame2M capability. Each
 * frame capability holds at most one mapping, recorded in the capability
 * as (ASID, vaddr); a copy of the capability holds none of its own until
 * it maps the frame itself. frame_cap_removed() is called for every
 * deleted frame capability and removes the mapping it holds, so the last
 * capability to a frame takes the last mapping with it. See
 * docs/kernel/address-spaces.md.
 */
#ifndef ARCH_OBJ_FRAME_H
#define ARCH_OBJ_FRAME_H

#include <cap/cap.h>
#include <l4/abi_gen.h>

/* A Frame4K or Frame2M capability was deleted. */
void frame_cap_removed(cap_t c);

struct invocation;
l4_error_t frame_decode_invocation(cte_t *slot, struct invocation *inv);

#endif
