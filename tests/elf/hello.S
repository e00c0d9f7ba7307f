/* tests/elf/hello.S — the healthy program the bad-input cases are made from
 * (mkbad.py patches copies of it): prints one line, exits 0. */
.globl _start
_start:
    mov $1, %edi
    lea msg(%rip), %rsi
    mov $len, %edx
    mov $1, %eax
    syscall
    xor %edi, %edi
    mov $231, %eax
    syscall
.data
msg: .ascii "hello\n"
len = . - msg
