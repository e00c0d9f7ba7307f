/* Shifts and rotates by CL where CL is 0 at run time: the flags stay as
 * the CMP before left them, a 32-bit register operand still has its upper
 * half cleared, and the code after runs on (the lifter leaves the block
 * by a side exit for a zero count).  Each case stores the register and
 * the arithmetic flags; the records go to stdout. */
        .globl _start
_start:
        lea     out(%rip), %rdi
        mov     $0, %ecx                /* (mov: flags untouched) */
        movabs  $0x8123456789abcdef, %rax
        cmp     $1, %ecx                /* CF=1 SF=1 ZF=0 */
        sar     %cl, %eax
        call    record
        movabs  $0x8123456789abcdef, %rax
        cmp     %ecx, %ecx              /* ZF=1 PF=1 CF=0 */
        shl     %cl, %rax
        call    record
        movabs  $0x8123456789abcdef, %rax
        cmp     $1, %ecx
        rol     %cl, %eax
        call    record
        movq    $-1, slot(%rip)
        cmp     %ecx, %ecx
        shrl    %cl, slot(%rip)
        mov     slot(%rip), %rax
        call    record
        mov     $35, %ecx               /* masked to 3 for 32 bits */
        movabs  $0x8123456789abcdef, %rax
        cmp     $1, %ecx
        sar     %cl, %eax
        call    record
        mov     $1, %eax
        mov     $1, %edi
        lea     out(%rip), %rsi
        mov     $80, %edx
        syscall
        mov     $60, %eax
        xor     %edi, %edi
        syscall

/* out[i] = rax, flags & (CF|PF|ZF|SF|OF); rdi advances */
record:
        pushf
        pop     %rdx
        and     $0x8c5, %edx
        mov     %rax, (%rdi)
        mov     %rdx, 8(%rdi)
        add     $16, %rdi
        ret

        .data
        .balign 16
slot:   .quad 0
out:    .fill 10, 8, 0
