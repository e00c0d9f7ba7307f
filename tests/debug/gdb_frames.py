# gdb_frames.py — run under `gdb -batch -x`: run the program until it
# stops on a signal and print every frame gdb sees, innermost first:
#   GDB <pc hex> <name> <file>:<line> inline|normal   (tab-separated)
# (gdb stops at main, as ue's reports do.)  tests/debug/check.py bt reads it.
import gdb

gdb.execute("run", to_string=True)
f = gdb.newest_frame()
while f is not None:
    sal = f.find_sal()
    path = sal.symtab.fullname() if sal.symtab else "??"
    name = f.name() or "??"
    kind = "inline" if f.type() == gdb.INLINE_FRAME else "normal"
    print("GDB\t%x\t%s\t%s:%d\t%s" % (f.pc(), name, path, sal.line, kind))
    f = f.older()
