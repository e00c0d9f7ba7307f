/* A value loaded into a guest register's home while that register is
 * rewritten later in the block by "lea home, [base + const]", with the
 * value still needed after the lea: the JIT once forgot it had moved the
 * value out and later read the lea's result in its place (cc1 crashed).
 * The block is the one from gcc 12's cc1 (hash_table::find_slot_with_hash:
 * a modulo by a prime through its inverse).  Every register is written to
 * stdout at the end. */
        .globl _start
_start:
        lea     data(%rip), %r12
        mov     $1234567, %ebx
        mov     $0x1111, %ecx
        mov     $0x2222, %edx
        mov     $0x3333, %edi
        mov     $0x4444, %r8d
        mov     $0x5555, %r9d
        mov     $0x6666, %r10d
        jmp     1f
1:      mov     0x28(%r12), %eax
        addl    $1, 0x20(%r12)
        mov     %ebx, %r11d
        mov     %ebx, %ebp
        shl     $4, %rax
        mov     table+4(%rax), %esi
        mov     table+0xc(%rax), %ecx
        lea     table(%rax), %rdx
        mov     table(%rax), %r10d
        mov     %ebx, %eax
        mov     8(%rdx), %edx
        imul    %r11, %rsi
        shr     $0x20, %rsi
        sub     %esi, %eax
        shr     %eax
        add     %esi, %eax
        mov     (%r12), %rsi
        shr     %cl, %eax
        imul    %r10d, %eax
        sub     %eax, %ebp
        mov     %ebp, %r9d
        shl     $3, %r9
        lea     (%rsi,%r9,1), %r14
        mov     (%r14), %rdi
        test    %rdi, %rdi
        je      2f
        nop
2:      lea     regs(%rip), %r15
        mov     %rax, 0(%r15)
        mov     %rcx, 8(%r15)
        mov     %rdx, 16(%r15)
        mov     %rbx, 24(%r15)
        mov     %rbp, 32(%r15)
        mov     %rsi, 40(%r15)
        mov     %rdi, 48(%r15)
        mov     %r8, 56(%r15)
        mov     %r9, 64(%r15)
        mov     %r10, 72(%r15)
        mov     %r11, 80(%r15)
        mov     %r14, 88(%r15)
        mov     $1, %eax
        mov     $1, %edi
        mov     %r15, %rsi
        mov     $96, %edx
        syscall
        mov     $60, %eax
        xor     %edi, %edi
        syscall

        .data
        .balign 16
table:  .long 17, 0xe1e1e1e2, 0xdeadbeef, 4
        .long 31, 0x08421085, 12345, 4
        .long 61, 0x0c9714fc, 99, 5
data:   .quad slots, 0, 0, 0
        .long 0, 0
        .long 1, 0
slots:  .fill 4096, 8, 0x5a
regs:   .fill 12, 8, 0
