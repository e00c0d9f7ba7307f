/* LOCK CMPXCHG with a 64-bit register whose compare fails: ZF=0.  The JIT
 * once lost the expected value (guest RAX, homed in host RAX) to the
 * CMPXCHG it emits and computed the flags from the old value twice. */
        .globl _start
_start:
        mov     $-1, %rax
        mov     $5, %r11
        jmp     1f                      /* RAX comes into the next block in host RAX */
1:      lock cmpxchg %r11, buf(%rip)
        setz    %dil
        movzbl  %dil, %edi
        mov     $60, %eax
        syscall
        .data
buf:    .quad 0x1234
