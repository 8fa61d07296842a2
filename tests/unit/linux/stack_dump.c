/* SPDX-License-Identifier: MIT */
/*
 * A static Linux program that prints its own initial stack: the stack's top
 * (from /proc/self/maps), rsp at entry, the program break, and every byte
 * from rsp to the top in hex. test_shim_exec.c runs it on the host with
 * address randomisation off and compares the image with the one
 * shim_exec_build_stack() builds for the same arguments: the host's Linux
 * is the oracle for the layout. Built with musl-gcc -static, gcc -static
 * and gcc -static-pie (tests/unit/meson.build).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
    /* First, before any allocation can move it. */
    unsigned long brk = (unsigned long)syscall(SYS_brk, 0);
    unsigned long rsp = (unsigned long)argv - 8, top = 0, lo, hi;
    char line[512];
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps)
        return 2;
    while (fgets(line, sizeof line, maps)) {
        if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            top = hi;
    }
    fclose(maps);
    if (!top || top <= rsp)
        return 3;
    printf("top %lx\nrsp %lx\nbrk %lx\nargc %d\nmem ", top, rsp, brk, argc);
    for (const unsigned char *b = (const unsigned char *)rsp; b < (const unsigned char *)top; b++)
        printf("%02x", *b);
    printf("\n");
    return 0;
}
