/* LOCK on a register destination is #UD (SIGILL); ue once ran it as a
 * plain ADD. */
        .globl _start
_start:
        .byte   0xf0, 0x01, 0xc1        /* lock add %eax, %ecx */
        mov     $60, %eax
        xor     %edi, %edi
        syscall
