/*
 * fuzz_decode.c — libFuzzer target for the front of the pipeline: random
 * bytes as guest code go through x86_decode, x86_translate (blocks of up to
 * 32 instructions), ir_verify, the JIT's compiler (compiled, not run), and
 * the interpreter, which runs them on a sandboxed guest state.  ue must
 * never crash: the only acceptable endings are an exit of the block, or a
 * guest fault (a host SIGSEGV/SIGBUS inside the interpreter's guest-access
 * section, recovered as the exec layer does).  A malformed block (ir_verify)
 * aborts, so the fuzzer reports it like a crash.
 *
 * The sandbox: every GPR points into a 1 MiB zeroed mapping at 0x5000_0000_0000,
 * so what one instruction can address (base + index * 8 + disp32, with
 * base and index in the sandbox) is the sandbox, unmapped memory or a
 * non-canonical address: never ue's memory (0x55.., 0x7f..), ASan's heap
 * (0x6000_0000_0000) nor ASan's shadow of the sandbox (which a low
 * sandbox would put within a disp32 of it: guest stores once corrupted
 * it).  Code that builds a wild pointer out of immediates could still hit
 * ue's memory, which ASLR makes improbable.  Execution stops after 64
 * blocks (REP loops run one element per block), at a system call, or at a
 * fault.
 *
 * ASan's SEGV handler is off (__asan_default_options) so guest faults reach
 * ours.  Run: make fuzz-decode FUZZ_SECONDS=60.  Inputs that once crashed
 * are kept in fuzz/regress/decode/ and replayed first.
 */
#include "arch/x86/x86.h"
#include "jit/jit.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__asan_default_options(void);

const char *__asan_default_options(void) { return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:allow_user_segv_handler=1"; }

#define SANDBOX ((u8 *)0x500000000000ull)
#define SANDBOX_SIZE (1u << 20)

/* Guest state with the JIT's thread data after it (jit.h contract). */
typedef struct FuzzCpu {
    X86Regs regs;
    JitThread jit;
} FuzzCpu;

static FuzzCpu cpu __attribute__((aligned(64)));
static IrVal temps[1 << 16];
static sigjmp_buf fault_jb;
static volatile int in_guest;
static bool have_jit;
static Arena arena;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    uintptr_t pc = (uintptr_t)((ucontext_t *)ucv)->uc_mcontext.gregs[REG_RIP];
    if (in_guest && interp_owns_host_pc(pc)) {
        in_guest = 0;
        siglongjmp(fault_jb, 1);
    }
    fprintf(stderr, "fuzz_decode: signal %d at host pc %#lx (address %p) outside guest accesses\n", sig,
            (unsigned long)pc, si->si_addr);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (mmap(SANDBOX, SANDBOX_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
             0) != SANDBOX) {
        perror("fuzz_decode: sandbox");
        abort();
    }
    JitConfig cfg = {.guest = &x86_guest_info, .thread_offset = offsetof(FuzzCpu, jit), .code_size = 16u << 20};
    for (int r = 0; r < 16; r++)
        cfg.gpr_offset[r] = X86_GPR_OFF(r);
    have_jit = jit_init(&cfg);
    return 0;
}

static void check_block(const IrBlock *blk)
{
    u32 bad;
    const char *why = ir_verify(blk, &x86_guest_info, &bad);
    if (why) {
        fprintf(stderr, "fuzz_decode: ir_verify: %s (op %u) in block at %#llx\n", why, bad,
                (unsigned long long)blk->guest_pc);
        abort();
    }
    if (have_jit) {
        bool full;
        if (!jit_compile(blk, NULL, 0, &full) && full)
            jit_flush();
    }
}

/* Our fault handler, installed on the first input: libFuzzer installs its
 * own after LLVMFuzzerInitialize.  Faults outside guest accesses still end
 * in abort(), which libFuzzer reports. */
static void install_handler(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    static u8 altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 4096)
        return 0;
    install_handler();
    /* The code lives in the sandbox too: branches land in it, and guest
     * stores may rewrite it (as self-modifying code would). */
    u8 *code = SANDBOX + SANDBOX_SIZE / 2;
    memset(SANDBOX, 0, SANDBOX_SIZE);
    memset(code - 0x8000, 0xcc, 0x10000); /* INT3 around the input: running off it stops */
    memcpy(code, data, size);
    x86_regs_init(&cpu.regs);
    for (int r = 0; r < 16; r++)
        cpu.regs.gpr[r] = (u64)(uintptr_t)SANDBOX + 0x1000 * (u64)(r + 1);
    cpu.regs.rip = (u64)(uintptr_t)code;
    X86TranslateOpts opts = {.max_insns = 32};
    volatile GuestAddr cur_pc = 0;
    for (int n = 0; n < 64; n++) {
        u64 pc = cpu.regs.rip;
        if (pc < (u64)(uintptr_t)SANDBOX || pc >= (u64)(uintptr_t)SANDBOX + SANDBOX_SIZE)
            break; /* left the sandbox: a fetch fault for the guest */
        IrBlock *blk = x86_translate(&opts, &arena, pc, (const u8 *)(uintptr_t)pc,
                                     (size_t)((u64)(uintptr_t)SANDBOX + SANDBOX_SIZE - pc));
        check_block(blk);
        if (blk->ntemps > UE_ARRAY_LEN(temps))
            abort();
        IrExitKind k = IR_EXIT_FETCH;
        if (!sigsetjmp(fault_jb, 0)) {
            in_guest = 1;
            k = interp_run(blk, &cpu.regs, temps, &x86_guest_info, &cur_pc);
            in_guest = 0;
        }
        ir_block_free(blk);
        arena_reset(&arena);
        if (k != IR_EXIT_JUMP && k != IR_EXIT_CALL && k != IR_EXIT_RET && k != IR_EXIT_CPU)
            break;
    }
    if (have_jit)
        jit_flush(); /* nothing survives an input (libFuzzer's leak check) */
    return 0;
}
