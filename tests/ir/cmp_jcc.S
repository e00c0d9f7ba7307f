# Golden IR: a counted loop.  cmp+jne must become one compare on the
# operands (no flags helper), and the flags thunk PUTs of the add must be
# dropped because the cmp overwrites them.
.globl _start
_start:
    mov $10, %ecx
    xor %eax, %eax
1:  add %ecx, %eax
    sub $1, %ecx
    cmp $0, %ecx
    jne 1b
    mov %eax, %edi
    mov $231, %eax
    syscall
