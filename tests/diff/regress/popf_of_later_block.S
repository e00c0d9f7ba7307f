/* OF set by POPF, read by JO in a later block through the flags helper:
 * x86_cc_eflags once masked the EFLAGS thunk to 8 bits and lost OF. */
        .globl _start
_start:
        mov     $0x802, %eax
        push    %rax
        popf
        jmp     1f
1:      jo      2f
        mov     $1, %edi
        jmp     3f
2:      xor     %edi, %edi
3:      mov     $60, %eax
        syscall
