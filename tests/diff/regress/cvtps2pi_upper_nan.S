/* CVTPS2PI converts the two low floats only: a NaN in the upper lanes of
 * the source must not set MXCSR.IE (ue once converted all four).  Exit
 * status: the MXCSR flags after it (0 natively). */
        .globl _start
_start:
        movups  src(%rip), %xmm1
        cvtps2pi %xmm1, %mm0
        emms
        stmxcsr mx(%rip)
        mov     mx(%rip), %edi
        and     $0x3f, %edi
        mov     $60, %eax
        syscall
        .data
        .balign 16
src:    .long 0x3f800000, 0x40000000, 0x7fc00000, 0x7fc00000   /* 1.0, 2.0, NaN, NaN */
mx:     .long 0
