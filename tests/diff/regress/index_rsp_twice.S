/* An address whose base and index are both the value of the stack
 * pointer (copied to another register first: RSP itself cannot be an
 * index).  The JIT, folding the address arithmetic into the memory
 * operand, once swapped base and index and still had RSP as the index
 * (an assertion in the emitter).  The results, made independent of where
 * the stack lies, are written to stdout. */
        .globl _start
_start:
        lea     data(%rip), %rbx
        jmp     1f
1:      mov     %rsp, %rax
        lea     (%rax,%rax,1), %rdx
        lea     8(%rax,%rax,1), %rsi
        lea     (%rsp,%rax,1), %rdi
        jmp     2f
2:      mov     %rsp, %rcx
        shl     $1, %rcx
        sub     %rcx, %rdx
        sub     %rcx, %rsi
        sub     %rcx, %rdi
        mov     (%rbx,%rdx,1), %r8
        lea     regs(%rip), %r15
        mov     %rdx, 0(%r15)
        mov     %rsi, 8(%r15)
        mov     %rdi, 16(%r15)
        mov     %r8, 24(%r15)
        mov     $1, %eax
        mov     $1, %edi
        mov     %r15, %rsi
        mov     $32, %edx
        syscall
        mov     $60, %eax
        xor     %edi, %edi
        syscall

        .data
        .balign 16
data:   .quad 0x0123456789abcdef, 0x1122334455667788
regs:   .fill 4, 8, 0
