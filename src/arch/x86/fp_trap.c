/*
 * fp_trap.c — what the guest's SIGFPE says about an unmasked floating-point
 * exception: the si_code Linux derives from the FP state when #XM (SSE) or
 * #MF (x87) reaches it.
 *
 * Where the exceptions themselves are decided:
 *  - SSE: a helper's fp_end (sse_priv.h) sets the MXCSR flags the CPU sets
 *    and X86Regs.simd_trap; the lifter leaves the block with
 *    IR_EXIT_SIMDFP at the instruction (lift_sse.c, sse_call) before its
 *    destination is written (no check in blocks translated while every
 *    exception is masked, X86TranslateOpts.fp_masked: they are dropped
 *    when a guest thread unmasks one, jit.c);
 *  - x87: a helper gives the unmasked response and sets FSW.ES
 *    (x87_ops.c); the next waiting x87, FWAIT or MMX instruction leaves
 *    with IR_EXIT_X87FP before doing anything (lift_x87.c, x86_x87_wait).
 * The dispatcher (exec/run.c) turns either exit into SIGFPE with the code
 * computed here and si_addr = the address of the instruction that trapped.
 *
 * The kernel (arch/x86/kernel/traps.c, math_error -> fpu__exception_code)
 * does not know which exception an instruction raised: it takes the flags
 * that are set and unmasked (MXCSR, or FSW & ~FCW), sticky ones left by
 * earlier instructions included, and reports the first in the order
 * invalid, divide-by-zero, overflow, underflow or denormal, precision.  So
 * must we.
 */
#include "arch/x86/x86_priv.h"

#include <signal.h>

enum { FLAG_IE = 1, FLAG_DE = 2, FLAG_ZE = 4, FLAG_OE = 8, FLAG_UE = 16, FLAG_PE = 32 };

/* si_code of the first exception of err (flags & ~masks) in the kernel's
 * order; 0 if none (the kernel retries the instruction then). */
static int fpe_code_of(unsigned err)
{
    if (err & FLAG_IE)
        return FPE_FLTINV;
    if (err & FLAG_ZE)
        return FPE_FLTDIV;
    if (err & FLAG_OE)
        return FPE_FLTOVF;
    if (err & (FLAG_DE | FLAG_UE))
        return FPE_FLTUND;
    if (err & FLAG_PE)
        return FPE_FLTRES;
    return 0;
}

int x86_simd_fpe_code(const X86Regs *r)
{
    return fpe_code_of(~(r->mxcsr >> 7) & r->mxcsr & 0x3f);
}

int x86_x87_fpe_code(const X86Regs *r)
{
    return fpe_code_of(r->fsw & ~r->fcw & 0x3f);
}
