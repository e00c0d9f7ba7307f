/*
 * auxv.c — what the loader hands a program: argc/argv/envp, the auxiliary
 * vector, the stack alignment at entry.  Prints the values that must be the
 * same natively and under ue, and checks the ones that differ by design
 * (addresses) for consistency instead.
 */
#include "nolibc.h"

extern void _start(void);

static void print_strings(int argc, char **argv, char **envp)
{
    pr("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        pr("argv[%d] = [%s]\n", i, argv[i]);
    pr("argv[argc] = %p\n", argv[argc]);
    for (int i = 0; envp[i]; i++)
        pr("envp[%d] = [%s]\n", i, envp[i]);
}

/* True if [p, p+n) lies within the initial stack: above the entry RSP and
 * below the end of the strings area. */
static int on_stack(u64 p, u64 n, char **envp)
{
    u64 top = nolibc_entry_sp;
    for (char **e = envp; *e; e++)
        if ((u64)*e + strlen(*e) > top)
            top = (u64)*e + strlen(*e);
    return p > nolibc_entry_sp && p + n <= top + 4096;
}

int main(int argc, char **argv, char **envp)
{
    print_strings(argc, argv, envp);
    check("rsp 16-byte aligned at entry", (nolibc_entry_sp & 15) == 0);
    static const struct { u64 key; const char *name; } same[] = {
        {AT_PAGESZ, "AT_PAGESZ"}, {AT_PHENT, "AT_PHENT"}, {AT_PHNUM, "AT_PHNUM"}, {AT_FLAGS, "AT_FLAGS"},
        {AT_UID, "AT_UID"}, {AT_EUID, "AT_EUID"}, {AT_GID, "AT_GID"}, {AT_EGID, "AT_EGID"},
        {AT_SECURE, "AT_SECURE"}, {AT_CLKTCK, "AT_CLKTCK"}, {AT_BASE, "AT_BASE"},
    };
    for (unsigned i = 0; i < sizeof same / sizeof same[0]; i++)
        pr("%s = %lu\n", same[i].name, getauxval(same[i].key));
    pr("AT_EXECFN = [%s]\n", (const char *)getauxval(AT_EXECFN));
    pr("AT_PLATFORM = [%s]\n", (const char *)getauxval(AT_PLATFORM));

    const Elf64_Ehdr *eh = &__ehdr_start;
    u64 phdr = getauxval(AT_PHDR);
    check("AT_PHDR is the program headers", phdr == (u64)eh + eh->e_phoff);
    check("AT_PHNUM matches the ELF header", getauxval(AT_PHNUM) == eh->e_phnum);
    check("AT_ENTRY is _start", getauxval(AT_ENTRY) == (u64)&_start);
    u64 rnd = getauxval(AT_RANDOM);
    check("AT_RANDOM is on the stack", rnd && on_stack(rnd, 16, envp));
    check("AT_EXECFN is on the stack", on_stack(getauxval(AT_EXECFN), 1, envp));
    check("AT_PLATFORM is on the stack", on_stack(getauxval(AT_PLATFORM), 1, envp));
    check("argv strings are on the stack", on_stack((u64)argv[0], strlen(argv[0]), envp));
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    /* The kernel may clear bits of CPUID it does not support; ue reports
     * its own CPUID exactly. */
    check("AT_HWCAP is a subset of CPUID.1:EDX", (getauxval(AT_HWCAP) & ~(u64)d) == 0);
    int has_hwcap2 = 0;
    for (u64 *av = nolibc_auxv; av[0] != AT_NULL; av += 2)
        has_hwcap2 |= av[0] == AT_HWCAP2;
    check("AT_HWCAP2 present", has_hwcap2);
    check("no AT_SYSINFO_EHDR or it is a valid ELF",
          !getauxval(AT_SYSINFO_EHDR) || !memcmp((void *)getauxval(AT_SYSINFO_EHDR), ELFMAG, SELFMAG));
    return argc == 1 ? 0 : 3;
}
