/* SPDX-License-Identifier: MIT */
/*
 * What differs between kernel object types when objects are made, copied
 * and destroyed: the one place that switches over object types for that.
 *
 * Interface: object_create() turns zeroed memory into an object and
 * returns its original capability; object_finalise() destroys the object
 * of a capability that was the last one to it; object_cap_removed() is
 * told of every deleted capability; object_is_copyable() says
 * whether CNode Copy/Mint may derive from a capability of that type.
 */
#ifndef OBJ_OBJECTS_H
#define OBJ_OBJECTS_H

#include <cap/cap.h>

cap_t object_create(enum cap_type type, void *mem, unsigned size_arg);
void object_finalise(cap_t cap);
/* A capability was deleted (every one, not only the last to its object;
 * called before object_finalise()): a frame or page-table capability
 * takes its mapping with it. */
void object_cap_removed(cap_t cap);
int object_is_copyable(enum cap_type type);

#endif
