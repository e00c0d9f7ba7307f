/* x87 exceptions are delayed: FDIV by zero with ZE unmasked only sets ES
 * (no result, no pop), FNSTSW and FNCLEX-free code keeps running, and the
 * next waiting instruction (here FWAIT, after the status word was
 * written out) takes #MF: death by SIGFPE, as natively. */
        .globl _start
_start:
        fninit
        sub     $16, %rsp
        fnstcw  (%rsp)
        andw    $~4, (%rsp)             /* unmask divide-by-zero */
        fldcw   (%rsp)
        fld1
        fldz
        fdivrp                          /* 1/0: ZE, ES set, nothing popped */
        fnstsw  %ax                     /* non-waiting: no trap */
        mov     %ax, 8(%rsp)
        mov     $1, %eax                /* write(1, &sw, 2) */
        mov     $1, %edi
        lea     8(%rsp), %rsi
        mov     $2, %edx
        syscall
        fwait                           /* #MF: SIGFPE, FPE_FLTDIV */
        mov     $60, %eax
        xor     %edi, %edi
        syscall
