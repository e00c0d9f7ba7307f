/* A multi-word subtraction (OpenSSL's bn_sub_words shape): the borrow
 * goes from one iteration's SBB to the next through DEC, which keeps CF.
 * The JIT once fused a compare into the block's exit branch because its
 * only use, a deferred PUT of the flags thunk (DEC's saved CF), had its
 * last use moved to that exit: the loop lost the borrow ("openssl prime"
 * said "not prime").  The difference and the final borrow go to stdout. */
        .globl _start
_start:
        lea     a(%rip), %rsi
        lea     b(%rip), %rdx
        lea     r(%rip), %rdi
        mov     $3, %ecx
        xor     %eax, %eax              /* index 0, CF clear */
1:      mov     (%rsi,%rax,8), %r8
        sbb     (%rdx,%rax,8), %r8
        mov     %r8, (%rdi,%rax,8)
        lea     1(%rax), %rax
        dec     %ecx
        jnz     1b
        sbb     %rax, %rax
        mov     %rax, 24(%rdi)          /* -1 if the result borrowed */
        mov     $1, %eax
        mov     $1, %edi
        lea     r(%rip), %rsi
        mov     $32, %edx
        syscall
        mov     $60, %eax
        xor     %edi, %edi
        syscall

        .data
        .balign 16
a:      .quad 0, 0, 5
b:      .quad 1, 0, 0
r:      .fill 4, 8, 0
