/* CVTPI2PS xmm, mm with an unmasked precision exception is #XM: the
 * process dies of SIGFPE at it (status 136), as natively.  The same
 * conversion with PE masked runs first and the abridged tag word FXSAVE
 * then stores is written out (0xff: the MMX transition, which the CPU
 * also makes before trapping; diffcpu --fp-traps compares that state,
 * this program the death). */
        .globl _start
_start:
        fninit                          /* all tags empty */
        mov     $0x33333333, %eax       /* 858993459: not exact in a float */
        movd    %eax, %mm1
        emms                            /* tags empty again */
        sub     $512+16, %rsp
        and     $-16, %rsp
        cvtpi2ps %mm1, %xmm0            /* PE masked: runs, MMX transition */
        fxsave  (%rsp)
        movzbl  4(%rsp), %eax           /* abridged tag word: 0xff */
        mov     %al, 16(%rsp)
        mov     $1, %eax                /* write(1, &tag, 1) */
        mov     $1, %edi
        lea     16(%rsp), %rsi
        mov     $1, %edx
        syscall
        emms
        stmxcsr (%rsp)
        andl    $~0x1000, (%rsp)        /* unmask PE */
        ldmxcsr (%rsp)
        cvtpi2ps %mm1, %xmm0            /* #XM: SIGFPE, FPE_FLTRES */
        mov     $60, %eax
        xor     %edi, %edi
        syscall
