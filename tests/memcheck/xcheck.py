#!/usr/bin/env python3
# tests/memcheck/xcheck.py — does Valgrind find the same errors as ue on
# the same binary?  Each report is reduced to a set of signatures:
#
#   <kind> @ <file>:<line>    one per error context: its kind ("Invalid
#                             write", "Overlap strcpy", "Leak definitely
#                             lost", "Signal 11"...) and the first frame in
#                             the test's own source (for a leak, where the
#                             block was allocated)
#   HEAP / LEAK lines         the heap and leak summaries, numbers included
#
# Sizes are not compared (Valgrind splits a 16-byte SSE access into two
# 8-byte ones; its string functions read words), nor how often an error
# repeats.  A source line holding "ue-only:" (or "vg-only:") names an error
# only ue (or only Valgrind) reports, with the reason after the colon.
#
# Usage: xcheck.py SOURCE UE_REPORT VG_REPORT   (exit 1 and a diff if they differ)
import re
import sys

KINDS = [
    (r'Invalid (read|write) of size', lambda m: 'Invalid ' + m.group(1)),
    (r'Invalid free\(\)', lambda m: 'Invalid free'),
    (r'Mismatched free\(\)', lambda m: 'Mismatched free'),
    (r'Source and destination overlap in (\w+)\(', lambda m: 'Overlap ' + m.group(1)),
    (r"Argument '(\w+)' of function (\w+) has a fishy", lambda m: f'Fishy {m.group(2)}({m.group(1)})'),
    (r'.* are (definitely lost|indirectly lost|possibly lost|still reachable) in loss record',
     lambda m: 'Leak ' + m.group(1)),
    (r'(Unaddressable|Uninitialised) byte\(s\) found during client check request', lambda m: 'ClientCheck'),
    (r'Invalid alignment value', lambda m: 'Invalid alignment'),
    (r'Process terminating with default action of signal (\d+)', lambda m: 'Signal ' + m.group(1)),
    (r'Illegal memory pool address', lambda m: 'Illegal mempool'),
]
SUMMARY = re.compile(r'^( +in use at exit|  total heap usage| +(definitely|indirectly|possibly) lost|'
                     r' +still reachable| +suppressed): ')


def signatures(path, src_name):
    lines = [re.sub(r'^(==|--|\*\*)\d+(==|--|\*\*) ?', '', l.rstrip('\n')) for l in open(path, errors='replace')]
    sigs = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if SUMMARY.match(line):
            sigs.add(('', 'SUMMARY ' + line.strip()))
            i += 1
            continue
        kind = None
        for pat, name in KINDS:
            m = re.match(pat, line)
            if m:
                kind = name(m)
                break
        if kind is None:
            i += 1
            continue
        where = '?'
        j = i + 1
        while j < len(lines) and lines[j].strip():
            m = re.search(r'\((' + re.escape(src_name) + r'):(\d+)\)$', lines[j])
            if m and re.match(r' +(at|by) 0x', lines[j]):
                where = m.group(2)
                break
            j += 1
        sigs.add((where, kind))
        i += 1
    return sigs


def marked(src, tag):
    out = set()
    for n, text in enumerate(open(src, errors='replace'), 1):
        if tag in text:
            out.add(str(n))
    return out


def main():
    src, ue_path, vg_path = sys.argv[1:4]
    name = src.rsplit('/', 1)[-1]
    ue = signatures(ue_path, name)
    vg = signatures(vg_path, name)
    # A mark excuses the error, not the signal the process then dies of.
    ue = {s for s in ue if s[0] not in marked(src, 'ue-only:') or s[1].startswith('Signal')}
    vg = {s for s in vg if s[0] not in marked(src, 'vg-only:') or s[1].startswith('Signal')}
    fmt = lambda s: f'{s[1]} @ {name}:{s[0]}' if s[0] else s[1]
    missing = sorted(vg - ue)
    extra = sorted(ue - vg)
    for s in missing:
        print('valgrind only: ' + fmt(s))
    for s in extra:
        print('ue only: ' + fmt(s))
    sys.exit(1 if missing or extra else 0)


main()
