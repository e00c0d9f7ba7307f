/* CLFLUSH of an unmapped line faults like a byte load (SIGSEGV); ue once
 * ran it as a plain fence. */
        .globl _start
_start:
        mov     $0x1000, %eax
        clflush (%rax)
        mov     $60, %eax
        xor     %edi, %edi
        syscall
