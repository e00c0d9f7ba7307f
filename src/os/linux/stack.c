/*
 * stack.c — the initial process stack, laid out as the kernel's
 * create_elf_tables() (fs/binfmt_elf.c) does it:
 *
 *   high  execfn string, envp strings, argv strings   (copy_strings)
 *         "x86_64" (AT_PLATFORM), 16 random bytes (AT_RANDOM)
 *         padding so that RSP ends 16-byte aligned
 *         auxv pairs ... AT_NULL
 *         envp pointers ... NULL
 *         argv pointers ... NULL
 *   low   argc                                          <- RSP
 *
 * lx_map_stack maps the region before anything else is loaded (the kernel's
 * setup_arg_pages comes before the ELF is mapped), so that mmap placement
 * starts below it; lx_setup_stack fills it once the images are known.
 * The auxiliary vector matches the kernel's order and ue's CPUID (AT_HWCAP).
 */
#include "os/linux/lx_priv.h"

#include <elf.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* Without a limit to go by 8 MiB, the usual default; never less than the
 * kernel's minimum for the arguments (128 KiB), never more than 1 GiB. */
#define STACK_SIZE (8ull << 20)
#define STACK_MIN (128ull << 10)
#define STACK_MAX (1ull << 30)

static GuestAddr push_bytes(GuestAddr sp, const void *p, size_t n)
{
    sp -= n;
    memcpy((void *)(uintptr_t)sp, p, n);
    return sp;
}

int lx_map_stack(LxProcess *lp)
{
    MemSpace *m = &lp->gp.mem;
    /* The region is as large as RLIMIT_STACK lets the kernel grow a stack
     * (capped at 1 GiB; "unlimited" gets the cap), mapped at once: untouched
     * pages cost nothing (MAP_NORESERVE). */
    u64 size = STACK_SIZE;
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0)
        size = rl.rlim_cur == RLIM_INFINITY ? STACK_MAX : UE_MIN(UE_ALIGN_UP(rl.rlim_cur, MEM_PAGE), STACK_MAX);
    size = UE_MAX(size, STACK_MIN);
    GuestAddr top = UE_ALIGN_DOWN(MEM_G_END - mem_random_offset(m, 1ull << 34), MEM_PAGE);
    i64 r = mem_map(m, top - size, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_GROWSDOWN | MAP_NORESERVE, -1, 0,
                    MEM_KIND_STACK, "[stack]");
    if (r < 0)
        return (int)r;
    lp->stack_top = top;
    lp->stack_size = size;
    /* mmap placement starts below the stack and its growth gap (the
     * kernel's mmap_base: stack rlimit plus a random gap). */
    m->mmap_top = top - size - (128ull << 20) - mem_random_offset(m, 1ull << 38);
    return 0;
}

/* Bytes the strings and pointers of the initial stack need. */
static u64 stack_need(char **argv, char **envp, const char *execfn)
{
    u64 n = strlen(execfn) + 1 + 64 + 16 + 8 * (2 + 64 + 3);
    for (int i = 0; argv[i]; i++)
        n += strlen(argv[i]) + 1 + 8;
    for (int i = 0; envp[i]; i++)
        n += strlen(envp[i]) + 1 + 8;
    return n;
}

/* The auxiliary vector, in the kernel's order (create_elf_tables), into
 * lp->auxv (kept for /proc/self/auxv).  Returns its length in words. */
static u32 build_auxv(LxProcess *lp, const LxImage *main_img, const LxImage *interp_img, GuestAddr random,
                      GuestAddr execfn, GuestAddr platform)
{
    u64 *av = lp->auxv;
    u32 n = 0;
#define AUX(k, v) (av[n++] = (k), av[n++] = (u64)(v))
    AUX(AT_MINSIGSTKSZ, 2048);
    AUX(AT_HWCAP, x86_hwcap());
    AUX(AT_PAGESZ, MEM_PAGE);
    AUX(AT_CLKTCK, sysconf(_SC_CLK_TCK));
    AUX(AT_PHDR, main_img->phdr);
    AUX(AT_PHENT, main_img->phent);
    AUX(AT_PHNUM, main_img->phnum);
    AUX(AT_BASE, interp_img ? interp_img->base : 0);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, main_img->entry);
    AUX(AT_UID, getuid());
    AUX(AT_EUID, geteuid());
    AUX(AT_GID, getgid());
    AUX(AT_EGID, getegid());
    AUX(AT_SECURE, 0);
    AUX(AT_RANDOM, random);
    AUX(AT_HWCAP2, x86_hwcap2()); /* always present on x86-64, even when 0 */
    AUX(AT_EXECFN, execfn);
    AUX(AT_PLATFORM, platform);
    AUX(AT_NULL, 0);
#undef AUX
    lp->auxv_len = n;
    return n;
}

GuestAddr lx_setup_stack(LxProcess *lp, const LxImage *main_img, const LxImage *interp_img, char **argv,
                         char **envp, const char *execfn)
{
    MemSpace *m = &lp->gp.mem;
    GuestAddr top = lp->stack_top;
    /* The kernel allows arguments and environment a quarter of the stack
     * limit (fs/exec.c, get_arg_page); more is E2BIG. */
    if (stack_need(argv, envp, execfn) > lp->stack_size / 4)
        return 0;
    int argc = 0, envc = 0;
    while (argv[argc])
        argc++;
    while (envp[envc])
        envc++;
    GuestAddr sp = top - 8; /* the kernel leaves the top word zero */
    sp = push_bytes(sp, execfn, strlen(execfn) + 1);
    GuestAddr execfn_addr = sp;
    GuestAddr *env_ptrs = ue_malloc((size_t)(envc + 1) * sizeof *env_ptrs);
    GuestAddr *arg_ptrs = ue_malloc((size_t)(argc + 1) * sizeof *arg_ptrs);
    for (int i = envc - 1; i >= 0; i--)
        env_ptrs[i] = sp = push_bytes(sp, envp[i], strlen(envp[i]) + 1);
    for (int i = argc - 1; i >= 0; i--)
        arg_ptrs[i] = sp = push_bytes(sp, argv[i], strlen(argv[i]) + 1);
    sp = push_bytes(sp, "x86_64", 7);
    GuestAddr platform = sp;
    u8 rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd || !m->aslr)
        for (int i = 0; i < 16; i++)
            rnd[i] = (u8)ue_rand_next(&m->rng);
    sp = push_bytes(sp, rnd, sizeof rnd);
    GuestAddr random = sp;

    u32 n = build_auxv(lp, main_img, interp_img, random, execfn_addr, platform);
    const u64 *av = lp->auxv;

    /* Everything below the strings, in words; RSP must end 16-aligned. */
    size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + n;
    sp = UE_ALIGN_DOWN(sp, 16);
    if (words & 1)
        sp -= 8;
    sp -= words * 8;
    u64 *w = (u64 *)(uintptr_t)sp;
    size_t k = 0;
    w[k++] = (u64)argc;
    for (int i = 0; i < argc; i++)
        w[k++] = arg_ptrs[i];
    w[k++] = 0;
    for (int i = 0; i < envc; i++)
        w[k++] = env_ptrs[i];
    w[k++] = 0;
    memcpy(&w[k], av, n * 8);
    free(env_ptrs);
    free(arg_ptrs);
    return sp;
}
