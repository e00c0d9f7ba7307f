# Golden IR: 32-bit unsigned division.  The #DE check (divisor <= high half)
# must come before any register is written, and the division is done on the
# 64-bit dividend in IR (no helper).
.globl _start
_start:
    mov $100, %eax
    xor %edx, %edx
    mov (%rsp), %ecx
    div %ecx
    mov %eax, %edi
    mov $231, %eax
    syscall
