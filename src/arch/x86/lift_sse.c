/*
 * lift_sse.c — SSE..SSE4.2 and MMX (placeholder: nothing lifted yet).
 */
#include "arch/x86/x86_priv.h"

LIFTER(sse)
{
    (void)L, (void)in;
    return false;
}

LIFTER(vex)
{
    (void)L, (void)in;
    return false;
}

bool x86_lift_ldmxcsr(X86Lift *L, const X86Insn *in)
{
    (void)L, (void)in;
    return false;
}

bool x86_lift_stmxcsr(X86Lift *L, const X86Insn *in)
{
    (void)L, (void)in;
    return false;
}
