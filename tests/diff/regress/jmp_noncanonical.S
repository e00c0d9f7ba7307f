/* An indirect jump to a non-canonical address faults (#GP -> SIGSEGV) on
 * the jump itself; ue once went there and reported the fetch fault at the
 * target.  The handler exits with 0 if REG_RIP (ucontext + 168) is `bad`. */
        .globl _start
_start:
        lea     handler(%rip), %rax
        mov     %rax, act(%rip)
        movq    $0x04000004, act+8(%rip)        /* SA_SIGINFO | SA_RESTORER */
        lea     restorer(%rip), %rax
        mov     %rax, act+16(%rip)
        mov     $13, %eax                       /* rt_sigaction(SIGSEGV, &act, 0, 8) */
        mov     $11, %edi
        lea     act(%rip), %rsi
        xor     %edx, %edx
        mov     $8, %r10d
        syscall
        mov     $0x7fffffffff000000, %rax
bad:    jmp     *%rax
handler:
        mov     168(%rdx), %rax
        lea     bad(%rip), %rcx
        xor     %edi, %edi
        cmp     %rcx, %rax
        setne   %dil
        mov     $60, %eax
        syscall
restorer:
        hlt
        .data
act:    .quad 0, 0, 0, 0
