.globl _start
_start:
    mov $1, %edi
    lea msg(%rip), %rsi
    mov $len, %edx
    mov $1, %eax
    syscall
    mov $0, %ecx
1:  add $1, %ecx
    cmp $1000, %ecx
    jne 1b
    mov %ecx, %edi
    shr $3, %edi
    mov $231, %eax
    syscall
.data
msg: .ascii "hello from ue\n"
len = . - msg
