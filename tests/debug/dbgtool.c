/*
 * dbgtool.c — drives src/debug from the command line so tests/debug/suite.sh
 * can hold its answers against real tools (addr2line, c++filt, gdb).
 *
 *   dbgtool sym FILE BIAS ADDR...    register FILE at load bias BIAS and
 *                                    print each ADDR as addr2line -f -i
 *                                    does: "fn\nfile:line\n" per frame
 *   dbgtool data FILE ADDR...        "NAME+OFF/SIZE" per address inside a
 *                                    data symbol, "-" otherwise
 *   dbgtool demangle NAME...         one demangled name per line
 *   dbgtool funcs FILE NAME...       "NAME 0xADDR" per function symbol found
 *   dbgtool bt PROG ARGS...          run PROG natively under ptrace until it
 *                                    dies of a signal, register its objects
 *                                    from /proc/PID/maps (dbg_note_mapping),
 *                                    unwind with the child's memory as guest
 *                                    memory, print "FRAME idx pc fn file:line"
 *                                    per source frame up to main
 *   (DBGTOOL_DEBUGINFO_PATH: dbg_set_debuginfo_path)
 *   dbgtool report DIR PROG ARGS...  as bt, then report the stack as an
 *                                    error twice (text to stdout, XML to
 *                                    DIR/out.xml, SARIF to DIR/out.sarif;
 *                                    suppressions from DIR/supp if present;
 *                                    --gen-suppressions=all)
 *
 * The ptrace modes read the child's memory with process_vm_readv, which
 * fails (instead of faulting) on unmapped addresses: the same contract as
 * the reader ue gives the unwinder for guest memory.
 */
#include "debug/debug.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmd_sym(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    GuestAddr bias = strtoull(argv[3], NULL, 0);
    if (!dbg_note_object(argv[2], bias)) {
        fprintf(stderr, "dbgtool: %s: not an ELF object\n", argv[2]);
        return 1;
    }
    for (int i = 4; i < argc; i++) {
        DbgFrame f[16];
        u32 n = dbg_symbolize(bias + strtoull(argv[i], NULL, 16), f, 16);
        for (u32 k = 0; k < n; k++) {
            printf("%s\n", f[k].fn ? f[k].fn : "??");
            if (f[k].file && f[k].line)
                printf("%s:%u\n", f[k].file, f[k].line);
            else
                printf("??:0\n");
        }
    }
    return 0;
}

static int cmd_data(int argc, char **argv)
{
    if (argc < 3 || !dbg_note_object(argv[2], 0))
        return 1;
    for (int i = 3; i < argc; i++) {
        DbgDataSym d;
        GuestAddr a = strtoull(argv[i], NULL, 16);
        if (dbg_data_symbol(a, &d))
            printf("%s+%llu/%llu\n", d.name, (unsigned long long)(a - d.addr), (unsigned long long)d.size);
        else
            printf("-\n");
    }
    return 0;
}

static int cmd_demangle(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        char *d = dbg_demangle(argv[i]);
        printf("%s\n", d ? d : argv[i]);
        free(d);
    }
    return 0;
}

static void print_sym(void *ctx, u32 i, const DbgSym *s)
{
    (void)ctx;
    printf("%s 0x%" PRIx64 "%s\n", s->name, s->addr, s->ifunc ? " ifunc" : "");
    (void)i;
}

static int cmd_funcs(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    DbgObject *o = dbg_note_object(argv[2], 0);
    if (!o)
        return 1;
    dbg_find_functions(o, (const char *const *)argv + 3, (u32)(argc - 3), print_sym, NULL);
    return 0;
}

/* ------------------------------------------------------------- ptrace */

static bool read_child(void *ctx, GuestAddr a, void *buf, size_t n)
{
    pid_t pid = (pid_t)(intptr_t)ctx;
    struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)a, n};
    return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)n;
}

/* Register every executable file mapping of pid as ue's mmap hook does. */
static void note_maps(pid_t pid)
{
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        unsigned long long lo, hi, off;
        char perms[8];
        int name_at = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &lo, &hi, perms, &off, &name_at) < 4 || !name_at)
            continue;
        char *name = line + name_at;
        name[strcspn(name, "\n")] = 0;
        if (perms[2] == 'x' && name[0] == '/')
            dbg_note_mapping(name, -1, lo, hi - lo, off);
    }
    fclose(f);
}

/* Run argv under ptrace until a fatal signal; unwind into pcs. */
static int trace_child(char **argv, GuestAddr *pcs, u32 max, u32 *n)
{
    pid_t pid = fork();
    if (pid == 0) {
        /* gdb runs programs without ASLR: the same addresses here. */
        personality(ADDR_NO_RANDOMIZE);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    waitpid(pid, &st, 0); /* the exec stop */
    int sig = 0;
    for (;;) {
        ptrace(PTRACE_CONT, pid, NULL, (void *)(intptr_t)sig);
        if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st)) {
            fprintf(stderr, "dbgtool: %s ended without a fatal signal\n", argv[0]);
            return 1;
        }
        sig = WSTOPSIG(st);
        if (sig == SIGSEGV || sig == SIGABRT || sig == SIGILL || sig == SIGBUS || sig == SIGFPE || sig == SIGTRAP)
            break;
    }
    struct user_regs_struct ur;
    ptrace(PTRACE_GETREGS, pid, NULL, &ur);
    X86Regs r = {0};
    u64 g[16] = {ur.rax, ur.rcx, ur.rdx, ur.rbx, ur.rsp, ur.rbp, ur.rsi, ur.rdi,
                 ur.r8,  ur.r9,  ur.r10, ur.r11, ur.r12, ur.r13, ur.r14, ur.r15};
    memcpy(r.gpr, g, sizeof g);
    r.rip = ur.rip;
    note_maps(pid);
    *n = dbg_unwind(&r, read_child, (void *)(intptr_t)pid, pcs, max);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return 0;
}

static int cmd_bt(int argc, char **argv)
{
    GuestAddr pcs[DBG_MAX_STACK];
    u32 n;
    if (argc < 3 || trace_child(argv + 2, pcs, DBG_MAX_STACK, &n))
        return 1;
    for (u32 i = 0; i < n; i++) {
        DbgFrame f[16];
        u32 m = dbg_symbolize(pcs[i], f, 16);
        for (u32 k = 0; k < m; k++)
            printf("FRAME\t%u\t0x%" PRIx64 "\t%s\t%s:%u\n", i, pcs[i], f[k].fn ? f[k].fn : "??",
                   f[k].file ? f[k].file : "??", f[k].line);
    }
    return 0;
}

static int cmd_report(int argc, char **argv)
{
    GuestAddr pcs[DBG_MAX_STACK];
    u32 n;
    if (argc < 4 || trace_child(argv + 3, pcs, DBG_MAX_STACK, &n))
        return 1;
    char xml[4096], sarif[4096], supp[4096], err[512];
    snprintf(xml, sizeof xml, "%s/out.xml", argv[2]);
    snprintf(sarif, sizeof sarif, "%s/out.sarif", argv[2]);
    snprintf(supp, sizeof supp, "%s/supp", argv[2]);
    int xfd = open(xml, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const char *cmd[] = {argv[3], NULL};
    DbgReportConfig cfg = {.tool = "Memcheck", .fd = 1, .xml_fd = xfd, .sarif_path = sarif, .pid = 4242,
                           .ppid = 1, .gen_suppressions = 1, .argv = cmd};
    DbgReporter *r = dbg_reporter_new(&cfg);
    close(xfd);
    if (access(supp, R_OK) == 0 && dbg_reporter_add_suppressions(r, supp, err, sizeof err) != 0) {
        fprintf(stderr, "dbgtool: %s\n", err);
        return 1;
    }
    const char *pre[] = {"Memcheck, a memory error detector", "Command: prog"};
    dbg_report_preamble(r, pre, 2);
    DbgError e = {.kind = "InvalidWrite", .what = "Invalid write of size 4", .pcs = pcs, .npcs = n,
                  .naux = 1, .supp_kind = "Addr4"};
    e.aux[0] = (DbgAux){"Address 0x0 is not stack'd, malloc'd or (recently) free'd", pcs + 1, n > 1 ? n - 1 : 0};
    int a = dbg_report_error(r, &e);
    int b = dbg_report_error(r, &e);
    int fin = dbg_report_finish(r);
    dbg_reporter_free(r);
    fprintf(stderr, "results %d %d %d\n", a, b, fin);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    if (getenv("DBGTOOL_DEBUGINFO_PATH"))
        dbg_set_debuginfo_path(getenv("DBGTOOL_DEBUGINFO_PATH"));
    if (strcmp(argv[1], "sym") == 0)
        return cmd_sym(argc, argv);
    if (strcmp(argv[1], "data") == 0)
        return cmd_data(argc, argv);
    if (strcmp(argv[1], "demangle") == 0)
        return cmd_demangle(argc, argv);
    if (strcmp(argv[1], "funcs") == 0)
        return cmd_funcs(argc, argv);
    if (strcmp(argv[1], "bt") == 0)
        return cmd_bt(argc, argv);
    if (strcmp(argv[1], "report") == 0)
        return cmd_report(argc, argv);
    fprintf(stderr, "dbgtool: unknown command %s\n", argv[1]);
    return 2;
}
