/* MOV from CR1 (a control register that does not exist): #UD, SIGILL;
 * ue once raised #GP (SIGSEGV) as for the real ones. */
        .globl _start
_start:
        .byte   0x0f, 0x20, 0xc8        /* mov %cr1, %rax */
        mov     $60, %eax
        xor     %edi, %edi
        syscall
