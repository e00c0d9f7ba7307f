/* An indirect jump to address 0 (a NULL function pointer): SIGSEGV for the
 * guest.  The JIT's indirect-jump table once matched its empty entries
 * (guest pc 0) and jumped to host address 0 itself. */
        .globl _start
_start:
        xor     %eax, %eax
        jmp     1f
1:      jmp     *%rax
