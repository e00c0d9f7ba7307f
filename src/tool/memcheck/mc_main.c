/*
 * mc_main.c — the memcheck tool: its options (Valgrind's names and
 * defaults), start-up (shadow, heap, reporter), the hooks it gives the
 * core, and the end of the run (leak check, error summary, exit status).
 */
#include "tool/memcheck/mc.h"

#include "arch/x86/x86.h"
#include "debug/debug.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

McOptions mc_opts = {
    .leak_check = MC_LEAK_SUMMARY,
    .show_leak_kinds = 1u << MC_LEAK_DEFINITE | 1u << MC_LEAK_POSSIBLE,
    .errors_for_leak_kinds = 1u << MC_LEAK_DEFINITE | 1u << MC_LEAK_POSSIBLE,
    .leak_heuristics = (1u << MC_HEUR_COUNT) - 1,
    .freelist_vol = 20000000,
    .num_callers = 12,
    .partial_loads_ok = true,
};
GuestProcess *mc_proc;
extern DbgReporter *mc_reporter;

static struct {
    bool xml;
    const char *xml_file;
    const char *sarif_file;
    const char *supp_files[32];
    u32 nsupp;
    int gen_supp;
    bool quiet; /* -q, --quiet */
} cfg;

void mc_object_hook(void *ctx, DbgObject *o);

/* The freeres functions and whether to run them (see "freeres" below). */
static struct {
    GuestAddr fns[2]; /* __gnu_cxx::__freeres, __libc_freeres (Valgrind's order) */
    bool run[2];      /* --run-cxx-freeres, --run-libc-freeres */
    u32 next;
    int status;
    bool started;
} FR = {.run = {true, true}};

/* "name1,name2", "all", "none" -> a bit set over names[0..n-1], or -1. */
static int name_set(const char *s, const char *const *names, int n)
{
    if (!strcmp(s, "all"))
        return (1 << n) - 1;
    if (!strcmp(s, "none"))
        return 0;
    int set = 0;
    char *copy = ue_strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k;
        for (k = 0; k < n && strcmp(t, names[k]); k++)
            ;
        if (k == n) {
            free(copy);
            return -1;
        }
        set |= 1 << k;
    }
    free(copy);
    return set;
}

/* "definite,possible", "all", "none" -> a McLeakKind bit set, or -1. */
static int leak_kinds(const char *s)
{
    static const char *const names[] = {"definite", "indirect", "possible", "reachable"};
    return name_set(s, names, 4);
}

static bool yes_no(const char *v, bool *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "no")) {
        *out = v[0] == 'y';
        return true;
    }
    return false;
}

static int bad(const char *what, const char *arg)
{
    ue_log("bad value for %s: '%s'", what, arg);
    return 2 + 2;
}

static int mc_option(const char *arg)
{
    const char *v;
#define OPT(name) (!strncmp(arg, name "=", sizeof name) && (v = arg + sizeof name))
    if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
        cfg.quiet = true;
    } else if (OPT("--leak-check")) {
        if (!strcmp(v, "no")) mc_opts.leak_check = MC_LEAK_NO;
        else if (!strcmp(v, "summary")) mc_opts.leak_check = MC_LEAK_SUMMARY;
        else if (!strcmp(v, "full") || !strcmp(v, "yes")) mc_opts.leak_check = MC_LEAK_FULL;
        else return bad("--leak-check", v);
    } else if (OPT("--show-leak-kinds")) {
        int k = leak_kinds(v);
        if (k < 0)
            return bad("--show-leak-kinds", v);
        mc_opts.show_leak_kinds = (u32)k;
    } else if (OPT("--errors-for-leak-kinds")) {
        int k = leak_kinds(v);
        if (k < 0)
            return bad("--errors-for-leak-kinds", v);
        mc_opts.errors_for_leak_kinds = (u32)k;
    } else if (OPT("--leak-check-heuristics")) {
        int h = name_set(v, mc_leak_heuristic_names, MC_HEUR_COUNT);
        if (h < 0)
            return bad("--leak-check-heuristics", v);
        mc_opts.leak_heuristics = (u32)h;
    } else if (OPT("--error-exitcode")) {
        char *end;
        long n = strtol(v, &end, 0);
        if (*end || n < 0 || n > 255)
            return bad("--error-exitcode", v);
        mc_opts.error_exitcode = (int)n;
    } else if (OPT("--freelist-vol")) {
        char *end;
        mc_opts.freelist_vol = strtoull(v, &end, 0);
        if (*end)
            return bad("--freelist-vol", v);
    } else if (OPT("--num-callers")) {
        char *end;
        long n = strtol(v, &end, 0);
        if (*end || n < 1 || n > 500)
            return bad("--num-callers", v);
        mc_opts.num_callers = (u32)n;
    } else if (OPT("--run-libc-freeres")) {
        if (!yes_no(v, &FR.run[1]))
            return bad("--run-libc-freeres", v);
    } else if (OPT("--run-cxx-freeres")) {
        if (!yes_no(v, &FR.run[0]))
            return bad("--run-cxx-freeres", v);
    } else if (OPT("--partial-loads-ok")) {
        if (!yes_no(v, &mc_opts.partial_loads_ok))
            return bad("--partial-loads-ok", v);
    } else if (OPT("--xml")) {
        if (!yes_no(v, &cfg.xml))
            return bad("--xml", v);
    } else if (OPT("--xml-file")) {
        cfg.xml_file = v;
    } else if (OPT("--sarif-file")) {
        cfg.sarif_file = v;
    } else if (OPT("--suppressions")) {
        if (cfg.nsupp == UE_ARRAY_LEN(cfg.supp_files))
            return bad("--suppressions (too many)", v);
        cfg.supp_files[cfg.nsupp++] = v;
    } else if (OPT("--gen-suppressions")) {
        if (!strcmp(v, "all")) cfg.gen_supp = 1;
        else if (!strcmp(v, "no")) cfg.gen_supp = 0;
        else return bad("--gen-suppressions (no|all)", v);
    } else {
        return 0;
    }
#undef OPT
    return 1;
}

static bool mc_init(GuestProcess *p, const char *const *argv)
{
    mc_proc = p;
    int e = mem_reserve_shadow();
    if (e < 0) {
        ue_log("memcheck: cannot reserve shadow memory: %s", strerror(-e));
        return false;
    }
    if (!mc_heap_init() || !mc_string_init(p))
        return false;
    mc_redirect_add(mc_slot_addr(MC_SLOT_FREERES), MC_RT_FREERES);
    mc_redirect_add(mc_slot_addr(MC_SLOT_ENOMEM), MC_RT_ENOMEM);
    mc_redirect_add(mc_slot_addr(MC_SLOT_ENOMEM_RET), MC_RT_ENOMEM | 1);
    if (cfg.xml && !cfg.xml_file) {
        ue_log("--xml=yes needs --xml-file=FILE");
        return false;
    }
    int xml_fd = -1;
    if (cfg.xml) {
        xml_fd = ue_fd_high(open(cfg.xml_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (xml_fd < 0) {
            ue_log("cannot open --xml-file '%s': %s", cfg.xml_file, strerror(errno));
            return false;
        }
    }
    DbgReportConfig rc = {.tool = "Memcheck", .fd = ue_log_fd(), .xml_fd = xml_fd, .sarif_path = cfg.sarif_file,
                          .pid = getpid(), .ppid = getppid(), .num_callers = mc_opts.num_callers,
                          .gen_suppressions = cfg.gen_supp, .argv = argv, .quiet = cfg.quiet};
    mc_reporter = dbg_reporter_new(&rc);
    for (u32 i = 0; i < cfg.nsupp; i++) {
        char err[256];
        if (dbg_reporter_add_suppressions(mc_reporter, cfg.supp_files[i], err, sizeof err) < 0) {
            ue_log("%s", err);
            return false;
        }
    }
    char command[1024] = "Command:";
    size_t n = strlen(command);
    for (u32 i = 0; argv && argv[i] && n < sizeof command - 2; i++)
        n += (size_t)snprintf(command + n, sizeof command - n, " %s", argv[i]);
    const char *preamble[] = {
        "Memcheck, a memory error detector",
        "Using ue 0.1.0 (memcheck's checks, on ue's emulator); rerun with -h for help",
        command,
        "",
    };
    dbg_report_preamble(mc_reporter, preamble, UE_ARRAY_LEN(preamble));
    dbg_set_object_hook(mc_object_hook, NULL);
    return true;
}

/* Keep the shadow in step with the guest's mappings: new memory is
 * addressable (write-only pages are not readable), unmapped memory forgets
 * its heap poisoning. */
static void mc_on_map(GuestAddr addr, u64 len, int prot, int flags)
{
    (void)flags;
    if (mc_heap_contains(addr))
        return;
    mem_shadow_discard(addr, len);
    if ((prot & PROT_WRITE) && !(prot & PROT_READ))
        mc_shadow_poison(addr, len, MC_SH_NOREAD);
}

static void mc_on_unmap(GuestAddr addr, u64 len)
{
    if (!mc_heap_contains(addr))
        mem_shadow_discard(addr, len);
}

static void mc_on_protect(GuestAddr addr, u64 len, int prot)
{
    if (mc_heap_contains(addr))
        return;
    if ((prot & PROT_WRITE) && !(prot & PROT_READ))
        mc_shadow_poison(addr, len, MC_SH_NOREAD);
    else
        mem_shadow_discard(addr, len);
}

/* Did cpu's thread run off the bottom of its stack?  A fault where
 * nothing is mapped, no lower than the stack pointer less the red zone,
 * with a stack region above it within the kernel's guard gap (1 MiB): the
 * main thread's stack, which ue maps at its full RLIMIT_STACK size, could
 * not grow further.  (A thread stack's own guard page is mapped: a fault
 * there is an invalid access, "In stack guard protected page".)  *base:
 * where the stack would have had to grow to, as Valgrind says it. */
static bool stack_overflow(GuestCpu *cpu, int sig, int code, GuestAddr addr, GuestAddr *base)
{
    enum { REDZONE = 128, GUARD_GAP = 1 << 20 };
    GuestAddr sp = cpu->regs.gpr[X86_RSP];
    MemRegion r;
    if (sig != SIGSEGV || code != SEGV_MAPERR || addr + REDZONE < sp || mem_region_at(&mc_proc->mem, addr, &r))
        return false;
    GuestAddr page = UE_ALIGN_DOWN(addr, MEM_PAGE);
    for (GuestAddr a = page + MEM_PAGE; a - page <= GUARD_GAP + (sp > addr ? sp - addr : 0); a += MEM_PAGE) {
        if (mem_region_at(&mc_proc->mem, a, &r)) {
            *base = UE_ALIGN_DOWN(sp - REDZONE, MEM_PAGE);
            return r.kind == MEM_KIND_STACK;
        }
    }
    return false;
}

/* The address the memory operand of the instruction at pc names, or
 * fallback if it has none that ModRM spells (a general protection fault
 * gives no address: the access's own is reported, as Valgrind does). */
static GuestAddr operand_address(GuestCpu *cpu, GuestAddr pc, u64 avail, GuestAddr fallback)
{
    X86Insn in;
    if (x86_decode(&in, (const u8 *)(uintptr_t)pc, UE_MIN(avail, 15), pc) != X86_DECODE_OK || !in.has_modrm ||
        in.mod == 3)
        return fallback;
    const X86Regs *r = &cpu->regs;
    u64 a = (u64)in.disp;
    if (in.rip_rel)
        a += pc + in.len;
    if (in.base >= 0)
        a += r->gpr[in.base];
    if (in.index >= 0)
        a += r->gpr[in.index] << in.scale;
    if (in.addrsize == 4)
        a = (u32)a;
    if (in.seg == X86_SEG_FS)
        a += r->fs_base;
    else if (in.seg == X86_SEG_GS)
        a += r->gs_base;
    return a;
}

/* The guest dies of signal sig (code: its si_code, > 0 for a fault at
 * addr, else a sent signal): a faulting access is an error of its own
 * first (not the stack overflowing: Valgrind's memcheck sees the new
 * frame as stack; nor a SIGBUS: a file mapping past the file's end is
 * mapped, addressable), then the death is told in the report, as
 * Valgrind does (the OS layer then prints no line of its own). */
static void mc_on_fault(GuestCpu *cpu, int sig, int code, GuestAddr addr)
{
    unsigned size;
    bool write;
    GuestAddr pc = cpu->regs.rip, base;
    u64 avail = mem_exec_avail(&mc_proc->mem, pc);
    char note[96] = "";
    if (stack_overflow(cpu, sig, code, addr, &base)) {
        /* Said twice, as Valgrind does: when the stack cannot grow, and
         * in the report of the death. */
        snprintf(note, sizeof note, "Stack overflow in thread #%d: can't grow stack to 0x%llx",
                 cpu->tid ? cpu->tid : 1, (unsigned long long)base);
        if (mc_reporter)
            dbg_report_line(mc_reporter, "%s", note);
        mc_fault_reported = false;
    } else if (mc_fault_reported) {
        mc_fault_reported = false; /* a replaced function reported it, at its entry */
    } else if (sig == SIGSEGV && code > 0 && avail &&
               x86_insn_access(pc, (const u8 *)(uintptr_t)pc, UE_MIN(avail, 15), &size, &write)) {
        mc_report_access(cpu, pc, code == SI_KERNEL ? operand_address(cpu, pc, avail, addr) : addr, size, write);
    }
    DbgFatalSignal fs = {.signo = sig, .code = code, .addr = addr, .note = note[0] ? note : NULL};
    fs.pcs = dbg_depot_get(mc_stack_here(cpu, pc), &fs.npcs);
    if (mc_reporter)
        dbg_report_fatal_signal(mc_reporter, &fs);
}

static void mc_on_fork_child(void) { dbg_reporter_after_fork(mc_reporter); }

/* ---- freeres: the runtimes free their own memory at exit ----
 *
 * glibc keeps buffers for the life of the process (stdio's, the locale's,
 * the dynamic linker's) and libstdc++ an emergency pool for exceptions;
 * each has a function that frees them, for tools like this one:
 * __libc_freeres and __gnu_cxx::__freeres.  As Valgrind does
 * (--run-libc-freeres, --run-cxx-freeres), memcheck runs them before the
 * leak check, so that they are not reported as still reachable.
 *
 * Only after a normal exit(): freeres flushes stdio (_IO_cleanup), and a
 * program that calls _exit() with output still buffered must not print
 * it, natively it would not.  The first exit_group, when its caller is
 * exit()'s __run_exit_handlers, becomes a run through the stub slot:
 *
 *   stub:  f = the next freeres function, or 0
 *          f == 0: rax = exit_group, rdi = status; syscall
 *          else:   push stub; jump to f      (f returns to the stub)
 */

static void found_freeres(void *ctx, u32 i, const DbgSym *sym)
{
    (void)ctx;
    if (!sym->ifunc && !FR.fns[i])
        FR.fns[i] = sym->addr;
}

void mc_freeres_object(DbgObject *o)
{
    static const char *const names[] = {"_ZN9__gnu_cxx9__freeresEv", "__libc_freeres"};
    dbg_find_functions(o, names, 2, found_freeres, NULL);
}

/* Is exit()'s __run_exit_handlers among cpu's callers? */
static bool called_by_exit(GuestCpu *cpu)
{
    GuestAddr pcs[16];
    u32 n = dbg_unwind_cpu(cpu, pcs, UE_ARRAY_LEN(pcs));
    for (u32 i = 0; i < n; i++) {
        DbgFrame f[8];
        u32 k = dbg_symbolize(pcs[i], f, UE_ARRAY_LEN(f));
        if (f[k - 1].fn_raw && !strcmp(f[k - 1].fn_raw, "__run_exit_handlers"))
            return true;
    }
    return false;
}

static bool mc_on_exit_group(GuestCpu *cpu, int status)
{
    if (FR.started || !((FR.run[0] && FR.fns[0]) || (FR.run[1] && FR.fns[1])) || !called_by_exit(cpu))
        return false;
    FR.started = true;
    FR.status = status;
    /* Below the red zone, 16-aligned: the stub's push makes the callee's
     * entry RSP 8 mod 16, as a call would. */
    cpu->regs.gpr[X86_RSP] = UE_ALIGN_DOWN(cpu->regs.gpr[X86_RSP] - 128, 16);
    cpu->regs.rip = mc_slot_addr(MC_SLOT_FREERES);
    return true;
}

/* The next freeres function to run, or 0 when all have run. */
static u64 h_freeres_next(void *env, u64 a, u64 b, u64 c)
{
    (void)env, (void)a, (void)b, (void)c;
    while (FR.next < 2) {
        u32 i = FR.next++;
        if (FR.run[i] && FR.fns[i])
            return FR.fns[i];
    }
    return 0;
}

static const IrHelper mc_h_freeres_next = {.name = "mc_freeres_next", .fn = (void *)h_freeres_next,
                                           .sig = IRH_I_I, .nargs = 0};

void mc_freeres_emit(IrBuilder *b, GuestAddr pc)
{
    ir_imark(b, pc, 1);
    ir_put(b, X86_OFF(rip), ir_const(b, IR_I64, pc));
    u32 f = ir_call(b, &mc_h_freeres_next, IR_I64, 0, 0, 0);
    ir_put(b, X86_GPR_OFF(X86_RAX), ir_const(b, IR_I64, 231)); /* exit_group */
    ir_put(b, X86_GPR_OFF(X86_RDI), ir_const(b, IR_I64, (u64)FR.status));
    ir_exit_if(b, ir_cmp(b, IR_CMPEQ, f, ir_const(b, IR_I64, 0)), pc, IR_EXIT_SYSCALL);
    u32 sp = ir_sub(b, ir_get(b, IR_I64, X86_GPR_OFF(X86_RSP)), ir_const(b, IR_I64, 8));
    ir_store(b, sp, ir_const(b, IR_I64, pc));
    ir_put(b, X86_GPR_OFF(X86_RSP), sp);
    ir_exit_ind(b, f, IR_EXIT_CALL);
}

static int mc_on_exit(GuestProcess *p, int status)
{
    u32 leak_errors = mc_leak_check(p, mc_opts.leak_check, true);
    (void)leak_errors;
    dbg_report_finish(mc_reporter);
    if (mc_opts.error_exitcode && mc_error_count() > 0)
        return mc_opts.error_exitcode;
    return status;
}

const Tool mc_tool = {
    .name = "memcheck",
    .summary = "a memory error detector (heap overflows, use after free, bad frees, leaks)",
    .option = mc_option,
    .help = "    -q, --quiet                      print errors only (no header, summaries)\n"
            "    --leak-check=no|summary|full     search for memory leaks at exit [summary]\n"
            "    --show-leak-kinds=kind1,kind2,.. which leak kinds to show [definite,possible]\n"
            "                                     (definite indirect possible reachable all none)\n"
            "    --errors-for-leak-kinds=kind1,.. which leak kinds are errors [definite,possible]\n"
            "    --leak-check-heuristics=heur1,.. interior pointers taken for start pointers [all]\n"
            "                                     (stdstring length64 newarray multipleinheritance\n"
            "                                     all none)\n"
            "    --error-exitcode=N               exit with N if there were errors [0: off]\n"
            "    --freelist-vol=N                 bytes of freed blocks kept unusable [20000000]\n"
            "    --num-callers=N                  frames shown per stack [12]\n"
            "    --partial-loads-ok=yes|no        allow aligned loads partly outside a block [yes]\n"
            "    --run-libc-freeres=yes|no        free glibc's own memory at exit() [yes]\n"
            "    --run-cxx-freeres=yes|no         free libstdc++'s own memory at exit() [yes]\n"
            "    --suppressions=FILE              suppress errors described in FILE (repeatable)\n"
            "    --gen-suppressions=no|all        print a suppression for each error [no]\n"
            "    --xml=yes --xml-file=FILE        also write Valgrind's XML (protocol 4) to FILE\n"
            "    --sarif-file=FILE                also write SARIF 2.1.0 to FILE\n",
    .init = mc_init,
    .hooks =
        {
            .redirect = mc_redirect,
            .instrument = mc_instrument,
            .on_map = mc_on_map,
            .on_unmap = mc_on_unmap,
            .on_protect = mc_on_protect,
            .on_fault = mc_on_fault,
            .on_fork_child = mc_on_fork_child,
            .on_exit_group = mc_on_exit_group,
            .client_request = mc_client_request,
            .on_exit = mc_on_exit,
        },
};
