# loop.py — a pure-Python workload for bench/run: integer arithmetic, dicts,
# strings, lists, small objects, closures and recursion, in the proportions
# of ordinary Python code.  Deterministic; prints one checksum line.
#   python3 loop.py N      (N rounds; bench/run picks N)
import sys


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def dot(self, o):
        return self.x * o.x + self.y * o.y


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def words(seed, n):
    out = []
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        out.append("w%x" % (seed % 997))
    return seed, out


def one_round(r, check):
    # integer loop
    acc = r
    for i in range(2000):
        acc = (acc * 31 + (i ^ (acc >> 7))) & 0xFFFFFFFF
    # dict and string work
    seed, ws = words(r + 1, 300)
    counts = {}
    for w in ws:
        counts[w] = counts.get(w, 0) + 1
    text = " ".join(sorted(counts, key=lambda k: (-counts[k], k)))
    acc ^= len(text) + sum(map(ord, text[:64]))
    # objects and method calls
    v = Vec(1, 2)
    for i in range(300):
        v = v.add(Vec(i & 7, -(i & 3)))
    acc = (acc + v.dot(Vec(3, 5))) & 0xFFFFFFFF
    # list comprehension, slicing, recursion
    sq = [x * x % 1009 for x in range(500)]
    acc = (acc + sum(sq[::3]) + fib(12)) & 0xFFFFFFFF
    return (check * 1000003 ^ acc) & 0xFFFFFFFF


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    check = 0
    for r in range(n):
        check = one_round(r, check)
    print("loop.py: rounds=%d checksum=%08x" % (n, check))


main()
