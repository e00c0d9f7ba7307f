/* REP MOVSB with RCX a known 0 in the same block: the "count exhausted"
 * exit folds to unconditional (it once crashed the IR builder).  Nothing
 * is copied; exit status 0 if the destination is untouched. */
        .globl _start
_start:
        lea     src(%rip), %rsi
        lea     dst(%rip), %rdi
        mov     $0, %ecx
        rep movsb
        movzbl  dst(%rip), %edi
        mov     $60, %eax
        syscall
        .data
src:    .byte 7
dst:    .byte 0
