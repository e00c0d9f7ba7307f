/* CMPXCHG16B on a RIP-relative (constant) misaligned address: #GP, known
 * at translation time (once crashed the IR builder).  SIGSEGV natively. */
        .globl _start
_start:
        xor     %eax, %eax
        xor     %edx, %edx
        cmpxchg16b buf+8(%rip)
        mov     $60, %eax
        xor     %edi, %edi
        syscall
        .data
        .balign 16
buf:    .quad 0, 0, 0, 0
