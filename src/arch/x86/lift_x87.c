/*
 * lift_x87.c — x87 FPU (placeholder: nothing lifted yet).
 */
#include "arch/x86/x86_priv.h"

LIFTER(x87)
{
    (void)L, (void)in;
    return false;
}

bool x86_lift_fxsave(X86Lift *L, const X86Insn *in) { (void)L, (void)in; return false; }
bool x86_lift_fxrstor(X86Lift *L, const X86Insn *in) { (void)L, (void)in; return false; }
bool x86_lift_xsave(X86Lift *L, const X86Insn *in) { (void)L, (void)in; return false; }
bool x86_lift_xrstor(X86Lift *L, const X86Insn *in) { (void)L, (void)in; return false; }
