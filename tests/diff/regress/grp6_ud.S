/* 0F 00 /7: reserved in Grp6, #UD (SIGILL); ue once raised #GP. */
        .globl _start
_start:
        .byte   0x0f, 0x00, 0xf8
        mov     $60, %eax
        xor     %edi, %edi
        syscall
