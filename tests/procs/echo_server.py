import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
c, _ = s.accept()
n = 0
while True:
    d = c.recv(4096)
    if not d:
        break
    n += len(d)
    c.sendall(d.upper())
c.close()
print("server echoed", n, "bytes")
