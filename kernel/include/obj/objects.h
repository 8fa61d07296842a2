/* SPDX-License-Identifier: MIT */
/*
 * What differs between kernel object types when objects are made, copied
 * and destroyed: the one place that switches over object types for that.
 *
 * Interface: object_create() turns zeroed memory into an object and
 * returns its original capability; object_finalise() destroys the object
 * of a capability that was the last one to it; object_is_copyable() says
 * whether CNode Copy/Mint may derive from a capability of that type.
 */
#ifndef OBJ_OBJECTS_H
#define OBJ_OBJECTS_H

#include <cap/cap.h>

cap_t object_create(enum cap_type type, void *mem, unsigned size_arg);
void object_finalise(cap_t cap);
int object_is_copyable(enum cap_type type);

#endif
