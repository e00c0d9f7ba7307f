/*
 * glibc_auxv.c — the loader as a glibc program sees it, for each kind of
 * executable (static, static-pie, dynamic PIE, non-PIE): argv/envp,
 * getauxval() for the keys that must be the same natively and under ue,
 * consistency checks for the addresses, the file mappings of
 * /proc/self/maps (perms, offset, file: what the kernel or ld.so mapped)
 * and /proc/self/exe.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern void _start(void);
extern const ElfW(Ehdr) __ehdr_start;

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int find_ldso(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    if (strstr(info->dlpi_name, "ld-linux"))
        *(ElfW(Addr) *)data = info->dlpi_addr;
    return 0;
}

static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* File-backed lines of /proc/self/maps as "file perms offset", sorted. */
static void file_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512], *lines[256];
    int n = 0;
    while (f && fgets(line, sizeof line, f) && n < 256) {
        char perms[8], off[32], path[400] = "";
        if (sscanf(line, "%*s %7s %31s %*s %*s %399s", perms, off, path) < 3 || path[0] != '/')
            continue;
        char *s = malloc(512);
        snprintf(s, 512, "%s %s %s", base_name(path), perms, off);
        lines[n++] = s;
    }
    if (f)
        fclose(f);
    qsort(lines, n, sizeof *lines, by_string);
    for (int i = 0; i < n; i++)
        printf("map %s\n", lines[i]);
}

int main(int argc, char **argv)
{
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] [%s]\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env [%s]\n", *e);
    static const struct { unsigned long key; const char *name; } same[] = {
        {AT_PAGESZ, "AT_PAGESZ"}, {AT_PHENT, "AT_PHENT"}, {AT_PHNUM, "AT_PHNUM"}, {AT_FLAGS, "AT_FLAGS"},
        {AT_UID, "AT_UID"}, {AT_EUID, "AT_EUID"}, {AT_GID, "AT_GID"}, {AT_EGID, "AT_EGID"},
        {AT_SECURE, "AT_SECURE"}, {AT_CLKTCK, "AT_CLKTCK"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        printf("%s %lu\n", same[i].name, getauxval(same[i].key));
    printf("AT_EXECFN [%s]\n", (const char *)getauxval(AT_EXECFN));
    printf("AT_PLATFORM [%s]\n", (const char *)getauxval(AT_PLATFORM));
    printf("AT_PHDR is our program headers: %d\n", getauxval(AT_PHDR) == (unsigned long)&__ehdr_start + __ehdr_start.e_phoff);
    printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)&_start);
    ElfW(Addr) ldso = 0;
    dl_iterate_phdr(find_ldso, &ldso);
    printf("AT_BASE is the dynamic linker (0 if none): %d\n", getauxval(AT_BASE) == ldso);
    unsigned long rnd = getauxval(AT_RANDOM);
    printf("AT_RANDOM between the stack pointer and the strings: %d\n",
           rnd > (unsigned long)__builtin_frame_address(0) && rnd < (unsigned long)argv[0]);
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[k > 0 ? k : 0] = 0;
    printf("/proc/self/exe [%s]\n", exe);
    file_maps();
    return 0;
}
