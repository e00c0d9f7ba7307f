/* DIV by a register the same block just set to 0: the lifter's #DE check
 * folds to "always", which once ended the IR block under DIV's feet
 * (assertion in the IR builder).  Must die of SIGFPE, as natively. */
        .globl _start
_start:
        mov     $0, %ecx
        mov     $5, %eax
        xor     %edx, %edx
        div     %ecx
        mov     $60, %eax
        xor     %edi, %edi
        syscall
