# gdb_frames.py — run under `gdb -batch -x`: run the program until it
# stops on a signal and print every frame gdb sees, innermost first:
#   GDB <pc hex> <name> <file>:<line> inline|sigtramp|tailcall|normal   (tab-separated)
# (gdb stops at main, as ue's reports do.)  tests/debug/check.py bt reads it.
import gdb

# crash.c's signal variant raises SIGUSR1: let it reach the handler.
gdb.execute("handle SIGUSR1 nostop noprint pass", to_string=True)
gdb.execute("run", to_string=True)
f = gdb.newest_frame()
while f is not None:
    sal = f.find_sal()
    path = sal.symtab.fullname() if sal.symtab else "??"
    name = f.name() or "??"
    kind = {gdb.INLINE_FRAME: "inline", gdb.SIGTRAMP_FRAME: "sigtramp",
            gdb.TAILCALL_FRAME: "tailcall"}.get(f.type(), "normal")
    print("GDB\t%x\t%s\t%s:%d\t%s" % (f.pc(), name, path, sal.line, kind))
    f = f.older()
