# tty_sigint.py — ^C typed on a terminal: a program on a pseudo-terminal
# (its controlling terminal, in its own session) gets SIGINT from the
# terminal driver while it sleeps in a system call or loops in user code,
# and dies of it at once, as natively.  Run natively and under ue (and then
# every program here runs under ue: this driver, the shell, sleep).
import os, pty, signal, sys, time

def typed_ctrl_c(cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    while b"ready" not in seen:
        seen += os.read(fd, 100)
    start = time.monotonic()
    os.write(fd, b"\x03")
    _, st = os.waitpid(pid, 0)
    took = time.monotonic() - start
    how = ("killed by " + signal.Signals(os.WTERMSIG(st)).name if os.WIFSIGNALED(st)
           else "exit %d" % os.WEXITSTATUS(st))
    print("%-34s %s, within 5 s: %s" % (" ".join(cmd[2:]) or cmd[0], how, took < 5))
    sys.stdout.flush()
    os.close(fd)

typed_ctrl_c(["sh", "-c", "echo ready; exec sleep 30"])
typed_ctrl_c(["sh", "-c", "echo ready; while :; do :; done"])
typed_ctrl_c(["sh", "-c", "trap 'echo caught; exit 7' INT; echo ready; while :; do :; done"])
