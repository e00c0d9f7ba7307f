/*
 * native.S — the native half of the differential tester (tests/diff/diff.h):
 * load a complete DiffCpu into the real CPU, jump to the instruction under
 * test, and save the complete state when it falls through into the exit
 * stub (`jmp *diff_native_exit`) that exec.c places after it.
 *
 * Only MOVs run between POPFQ and the jump, and only MOVs (RIP-relative, to
 * a global) run before PUSHFQ on the way out, so RFLAGS is exactly the
 * instruction's.  The guest RSP can be anything: the host RSP is kept in a
 * global.  Branches that leave for other addresses land on INT3 filler and
 * come back through SIGTRAP; faults through their signals (exec.c).
 *
 * DiffCpu layout: gpr[16] at 0, rflags at 128, FXSAVE image at 160.
 */
        .text

/* void diff_native_enter(const DiffCpu *in, u64 entry) */
        .globl  diff_native_enter
        .type   diff_native_enter, @function
diff_native_enter:
        push    %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, diff_host_rsp(%rip)
        fxsave64 diff_host_fx(%rip)
        mov     %rsi, diff_entry(%rip)
        fxrstor64 160(%rdi)
        pushq   128(%rdi)
        popfq
        mov     0(%rdi), %rax
        mov     8(%rdi), %rcx
        mov     16(%rdi), %rdx
        mov     24(%rdi), %rbx
        mov     40(%rdi), %rbp
        mov     48(%rdi), %rsi
        mov     64(%rdi), %r8
        mov     72(%rdi), %r9
        mov     80(%rdi), %r10
        mov     88(%rdi), %r11
        mov     96(%rdi), %r12
        mov     104(%rdi), %r13
        mov     112(%rdi), %r14
        mov     120(%rdi), %r15
        mov     32(%rdi), %rsp
        mov     56(%rdi), %rdi
        jmp     *diff_entry(%rip)
        .size   diff_native_enter, .-diff_native_enter

/* Reached by `jmp *[rip+0]` right after the instruction under test. */
        .globl  diff_native_exit
        .type   diff_native_exit, @function
diff_native_exit:
        mov     %rax, diff_native_out+0(%rip)
        mov     %rcx, diff_native_out+8(%rip)
        mov     %rdx, diff_native_out+16(%rip)
        mov     %rbx, diff_native_out+24(%rip)
        mov     %rsp, diff_native_out+32(%rip)
        mov     %rbp, diff_native_out+40(%rip)
        mov     %rsi, diff_native_out+48(%rip)
        mov     %rdi, diff_native_out+56(%rip)
        mov     %r8, diff_native_out+64(%rip)
        mov     %r9, diff_native_out+72(%rip)
        mov     %r10, diff_native_out+80(%rip)
        mov     %r11, diff_native_out+88(%rip)
        mov     %r12, diff_native_out+96(%rip)
        mov     %r13, diff_native_out+104(%rip)
        mov     %r14, diff_native_out+112(%rip)
        mov     %r15, diff_native_out+120(%rip)
        mov     diff_host_rsp(%rip), %rsp
        pushfq
        popq    diff_native_out+128(%rip)
        fxsave64 diff_native_out+160(%rip)
        cld                             /* the C ABI wants DF clear */
        fxrstor64 diff_host_fx(%rip)
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   diff_native_exit, .-diff_native_exit

/* void diff_native_fp_restore(void) */
        .globl  diff_native_fp_restore
        .type   diff_native_fp_restore, @function
diff_native_fp_restore:
        fxrstor64 diff_host_fx(%rip)
        ret
        .size   diff_native_fp_restore, .-diff_native_fp_restore

        .bss
        .align  64
        .globl  diff_native_out
diff_native_out:
        .skip   672
        .align  16
diff_host_fx:
        .skip   512
diff_host_rsp:
        .skip   8
diff_entry:
        .skip   8

        .section .note.GNU-stack,"",@progbits
