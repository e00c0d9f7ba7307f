/* CMPXCHG16B compares and swaps all 16 bytes (the interpreter's CAS once
 * did 8, and the verifier rejected a v128 CAS).  Exit status 0 if a
 * matching compare swaps and a mismatching one (high half differs) loads
 * RDX:RAX; the failing check's number otherwise. */
        .globl _start
_start:
        mov     $1, %eax
        mov     $2, %edx
        mov     $3, %ebx
        mov     $4, %ecx
        lock cmpxchg16b buf(%rip)
        mov     $1, %edi
        jne     out
        mov     $2, %edi
        cmpq    $3, buf(%rip)
        jne     out
        mov     $3, %edi
        cmpq    $4, buf+8(%rip)
        jne     out
        mov     $3, %eax                /* low half matches, high does not */
        mov     $5, %edx
        lock cmpxchg16b buf(%rip)
        mov     $4, %edi
        je      out
        mov     $5, %edi
        cmp     $4, %rdx
        jne     out
        xor     %edi, %edi
out:    mov     $60, %eax
        syscall
        .data
        .balign 16
buf:    .quad 1, 2
