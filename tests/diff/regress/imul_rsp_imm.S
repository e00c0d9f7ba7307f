/* IMUL r64, RSP, imm32 with the RSP temp dying there: the JIT once took
 * RSP (the guest's stack pointer's home) for the product.  Exit status 0
 * if RSP is intact and the product right. */
        .globl _start
_start:
        mov     %rsp, %rbx
        jmp     1f                      /* RSP comes into the block in its home */
1:      imul    $3, %rsp, %rsi
        xor     %edi, %edi
        cmp     %rbx, %rsp
        setne   %dil
        lea     (%rbx,%rbx,2), %rax
        cmp     %rax, %rsi
        setne   %al
        or      %al, %dil
        mov     $60, %eax
        syscall
