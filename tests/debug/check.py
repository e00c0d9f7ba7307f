#!/usr/bin/env python3
"""check.py — the comparisons of tests/debug/suite.sh, one subcommand each.
Prints nothing and exits 0 when the two sides agree; otherwise prints why
(one line) and exits 1.

  sym A2L DBG            addr2line -f -i -C output vs dbgtool sym output
  bt GDB DBG             gdb's frames (gdb_frames.py) vs dbgtool bt
  report BIN TEXT XML SARIF   the text report's frames vs addr2line, and the
                         XML and SARIF files against the text
  ue_report GDB TEXT XML SARIF   a report of ue --tool=memcheck vs gdb's
                         backtrace at the faulting instruction
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print(msg)
    sys.exit(1)


def clean_name(s):
    """Function names of both sides in one form: clones and the ELF/DWARF
    name differences removed."""
    s = re.sub(r" \[clone [^\]]*\]", "", s)
    s = re.sub(r"^__GI_", "", s)  # glibc's internal alias (gdb names frames by DWARF)
    s = re.sub(r"\.(constprop|isra|part|cold|lto_priv)\.?\d*", "", s)
    return s


def strip_groups(s):
    """s without its <...> and (...) groups."""
    out, depth = [], 0
    for c in s:
        if c in "<(":
            depth += 1
        elif c in ">)":
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


def core_name(s):
    """The last identifier of a C++ name without template arguments and
    parameters: gdb and demangled ELF names spell those differently."""
    s = strip_groups(clean_name(s)).split("::")[-1].strip()
    return re.sub(r" const$", "", s)


def norm_a2l(lines):
    out = []
    for l in lines:
        l = re.sub(r" \(discriminator \d+\)", "", l)
        l = "??:0" if l == "??:?" else l
        out.append(l)
    return out


def cmd_sym(a2l, dbg):
    a = norm_a2l(open(a2l).read().splitlines())
    d = open(dbg).read().splitlines()
    if len(a) != len(d):
        fail("%d lines from addr2line, %d from dbgtool" % (len(a), len(d)))
    for i, (x, y) in enumerate(zip(a, d)):
        if i % 2 == 0:
            # A C++ inlined function without DW_AT_linkage_name: ue names it
            # by DW_AT_name as Valgrind does; addr2line gives it a qualified
            # name, at times the one of the function it was inlined into.
            # The location (next line) is still compared.
            x, y = clean_name(x), clean_name(y)
            bare = ("::" not in strip_groups(y) and not re.search(r"\)( const)?$", y)) or y == "operator()"
            if x != y and bare and ("<" in y or "::" in x or "(" in x):
                continue
        if x != y:
            fail("line %d: addr2line says %r, dbgtool %r" % (i + 1, x, y))


def cmd_bt(gdbf, dbgf):
    g = [l.split("\t")[1:] for l in open(gdbf).read().splitlines() if l.startswith("GDB\t")]
    d = [l.split("\t")[1:] for l in open(dbgf).read().splitlines() if l.startswith("FRAME\t")]
    if not g:
        fail("gdb printed no frames")
    if len(d) < len(g):
        fail("%d frames from gdb, %d from dbgtool" % (len(g), len(d)))
    # At a pc that starts an inlined call, gdb shows the caller only (as if
    # the call had not been entered yet); addr2line and ue show both.
    while len(d) > 1 and d[1][0] == "0" and core_name(d[0][2]) != core_name(g[0][1]):
        d = d[1:]
    # gdb's tail-call frames are guesses from DW_TAG_call_site, not frames
    # on the stack.
    g = [f for f in g if f[3] != "tailcall"]
    after_signal = False
    for i, (gf, df) in enumerate(zip(g, d)):
        gpc, gname, gloc, gkind = int(gf[0], 16), gf[1], gf[2], gf[3]
        idx, dpc, dname, dloc = int(df[0]), int(df[1], 16), df[2], df[3]
        # gdb shows return addresses, ue return address - 1; the pc a
        # signal interrupted is exact on both sides.
        want = dpc if idx == 0 or after_signal else dpc + 1
        if gpc != want:
            fail("frame %d: gdb pc 0x%x, dbgtool 0x%x (+1 for callers)" % (i, gpc, dpc))
        after_signal = gkind == "sigtramp" or (after_signal and gkind == "inline")
        if gkind == "sigtramp":
            continue  # gdb: <signal handler called>; ue: glibc's __restore_rt
        if "/tests/debug/" not in gloc and "/tests/debug/" not in dloc:
            # A library frame (libc's raise...): its names and lines depend
            # on whether libc6-dbg is installed, and gdb names a pc outside
            # any symbol after the nearest one; the pc is still compared.
            continue
        if core_name(gname) != core_name(dname):
            fail("frame %d: gdb says %r, dbgtool %r" % (i, gname, dname))
        if gloc != dloc and not (gloc.startswith("??") and dloc.startswith("??")):
            fail("frame %d (%s): gdb says %s, dbgtool %s" % (i, gname, gloc, dloc))


FRAME_RE = re.compile(r"^==\d+==    (at|by) 0x([0-9A-F]+): (.*?)(?: \((?:in )?([^()]*)\))?$")


def text_stacks(text):
    """The report's stacks: lists of (addr, fn, loc) per stack."""
    stacks, cur = [], None
    for l in text.splitlines():
        m = FRAME_RE.match(l)
        if not m:
            cur = None
            continue
        if m.group(1) == "at" or cur is None:
            cur = []
            stacks.append(cur)
        cur.append((int(m.group(2), 16), m.group(3), m.group(4) or ""))
    return stacks


def a2l_frames(binary, addr):
    out = subprocess.run(["addr2line", "-f", "-i", "-C", "-e", binary, "0x%x" % addr],
                         capture_output=True, text=True).stdout.splitlines()
    out = norm_a2l(out)
    return [(out[i], out[i + 1]) for i in range(0, len(out), 2)]


def check_text(binary, text):
    stacks = text_stacks(text)
    if len(stacks) < 2:
        fail("expected the error's stack and the aux stack, found %d stacks" % len(stacks))
    seen = {}
    for st in stacks[:1]:
        if st[-1][1] != "main":
            fail("the stack does not end at main: %r" % (st[-1],))
        for addr, fn, loc in st:
            k = seen.get(addr, 0)
            seen[addr] = k + 1
            fr = a2l_frames(binary, addr)
            # a pc repeats for its inlined frames and for recursion
            afn, aloc = fr[k % len(fr)]
            base = aloc.rsplit("/", 1)[-1]
            if clean_name(afn) != clean_name(fn) or base != loc:
                fail("0x%x: report says %s (%s), addr2line %s (%s)" % (addr, fn, loc, afn, base))
    return stacks


def check_xml(xmlf, stacks):
    root = ET.parse(xmlf).getroot()
    if root.tag != "valgrindoutput" or root.findtext("protocolversion") != "4":
        fail("XML: not a protocol 4 valgrindoutput document")
    errs = root.findall("error")
    if len(errs) != 1:
        fail("XML: %d <error> elements, want 1 (the repeat is counted)" % len(errs))
    e = errs[0]
    if e.findtext("kind") != "InvalidWrite" or e.findtext("what") != "Invalid write of size 4":
        fail("XML: wrong kind/what")
    xs = e.findall("stack")
    if len(xs) != 2 or e.findtext("auxwhat") is None:
        fail("XML: want 2 <stack> and an <auxwhat>")
    frames = xs[0].findall("frame")
    if len(frames) != len(stacks[0]):
        fail("XML: %d frames, text has %d" % (len(frames), len(stacks[0])))
    for f, (addr, fn, loc) in zip(frames, stacks[0]):
        floc = "%s:%s" % (f.findtext("file"), f.findtext("line")) if f.find("line") is not None else ""
        if int(f.findtext("ip"), 16) != addr or f.findtext("fn") != fn or (floc and floc != loc):
            fail("XML frame %s %s %s differs from text %x %s %s" % (f.findtext("ip"), f.findtext("fn"), floc, addr, fn, loc))
        if floc and not f.findtext("dir", "").startswith("/"):
            fail("XML: frame without an absolute <dir>")
    pairs = root.findall("errorcounts/pair")
    if len(pairs) != 1 or pairs[0].findtext("count") != "2":
        fail("XML: errorcounts should hold one pair with count 2")
    if e.find("suppression/rawtext") is None or "Memcheck:Addr4" not in e.findtext("suppression/rawtext"):
        fail("XML: no generated <suppression>")


def sarif_shape(s):
    """The SARIF 2.1.0 schema's requirements on what ue writes (no schema
    file offline: its required properties and types, checked by hand)."""
    def loc_ok(l):
        p = l.get("physicalLocation")
        if p is not None:
            if "address" not in p and "artifactLocation" not in p:
                return False  # schema: anyOf address / artifactLocation
            a = p.get("address", {}).get("absoluteAddress", 0)
            if not isinstance(a, int) or a < 0:
                return False
            r = p.get("region")
            if r is not None and (not isinstance(r.get("startLine"), int) or r["startLine"] < 1):
                return False
            if "artifactLocation" in p and not isinstance(p["artifactLocation"].get("uri"), str):
                return False
        return all(isinstance(x.get("fullyQualifiedName"), str) for x in l.get("logicalLocations", []))
    if s.get("version") != "2.1.0" or not isinstance(s.get("runs"), list):
        fail("SARIF: version/runs")
    for run in s["runs"]:
        if not isinstance(run.get("tool", {}).get("driver", {}).get("name"), str):
            fail("SARIF: run.tool.driver.name is required")
        for r in run.get("results", []):
            if not isinstance(r.get("message", {}).get("text"), str):
                fail("SARIF: result.message.text is required")
            if r.get("level") not in (None, "none", "note", "warning", "error"):
                fail("SARIF: bad level")
            if not all(loc_ok(l) for l in r.get("locations", [])):
                fail("SARIF: a result location breaks the schema")
            for st in r.get("stacks", []):
                if not isinstance(st.get("frames"), list):
                    fail("SARIF: stack.frames is required")
                if not all("location" not in f or loc_ok(f["location"]) for f in st["frames"]):
                    fail("SARIF: a stack frame location breaks the schema")


def check_sarif(sarif, stacks):
    s = json.load(open(sarif))
    sarif_shape(s)
    if s.get("version") != "2.1.0" or len(s.get("runs", [])) != 1:
        fail("SARIF: version or runs wrong")
    run = s["runs"][0]
    if run["tool"]["driver"]["name"] != "ue" or [r["id"] for r in run["tool"]["driver"]["rules"]] != ["InvalidWrite"]:
        fail("SARIF: tool.driver wrong")
    res = run["results"]
    if len(res) != 1 or res[0]["ruleId"] != "InvalidWrite" or res[0]["level"] not in ("error", "warning"):
        fail("SARIF: want one InvalidWrite result")
    r = res[0]
    if r["properties"]["count"] != 2 or not r["message"]["text"].startswith("Invalid write of size 4"):
        fail("SARIF: count/message wrong")
    loc = r["locations"][0]["physicalLocation"]
    if not loc["artifactLocation"]["uri"].startswith("file:///") or loc["region"]["startLine"] < 1:
        fail("SARIF: location wrong")
    frames = r["stacks"][0]["frames"]
    if len(frames) != len(stacks[0]):
        fail("SARIF: %d frames, text has %d" % (len(frames), len(stacks[0])))
    for f, (addr, fn, l) in zip(frames, stacks[0]):
        if f["location"]["physicalLocation"]["address"]["absoluteAddress"] != addr or f["location"]["logicalLocations"][0]["fullyQualifiedName"] != fn:
            fail("SARIF frame differs from text at 0x%x" % addr)
    if len(r["stacks"]) != 2:
        fail("SARIF: the aux stack is missing")


def cmd_ue_report(gdbf, textf, xmlf, sarif):
    """ue --tool=memcheck's first error stack vs gdb's backtrace at the
    same instruction; the XML and SARIF of the run against the text."""
    text = open(textf).read()
    stacks = text_stacks(text)
    if not stacks:
        fail("no stack in the report: %r" % text[:300])
    st = stacks[0]
    g = [l.split("\t")[1:] for l in open(gdbf).read().splitlines() if l.startswith("GDB\t")]
    g = [f for f in g if f[3] != "tailcall"]
    if len(g) != len(st):
        fail("%d frames from gdb, %d in the report" % (len(g), len(st)))
    first_phys = True
    for i, (gf, (addr, fn, loc)) in enumerate(zip(g, st)):
        gpc, gname, gloc, gkind = int(gf[0], 16), gf[1], gf[2], gf[3]
        want = addr if first_phys else addr + 1
        if gpc != want:
            fail("frame %d: gdb pc 0x%x, report 0x%x (+1 for callers)" % (i, gpc, addr))
        if gkind == "normal":
            first_phys = False
        gfile, gline = gloc.rsplit(":", 1)
        if core_name(gname) != core_name(fn) or "%s:%s" % (gfile.rsplit("/", 1)[-1], gline) != loc:
            fail("frame %d: gdb %s (%s), report %s (%s)" % (i, gname, gloc, fn, loc))
    root = ET.parse(xmlf).getroot()
    errs = root.findall("error")
    if len(errs) != len([l for l in text.splitlines() if re.match(r"^==\d+== Invalid", l)]):
        fail("XML: %d errors, the text another number" % len(errs))
    xf = errs[0].find("stack").findall("frame")
    if [int(f.findtext("ip"), 16) for f in xf] != [a for a, _, _ in st]:
        fail("XML: the first error's stack differs from the text")
    s = json.load(open(sarif))
    sarif_shape(s)
    fr = s["runs"][0]["results"][0]["stacks"][0]["frames"]
    if [f["location"]["physicalLocation"]["address"]["absoluteAddress"] for f in fr] != [a for a, _, _ in st]:
        fail("SARIF: the first result's stack differs from the text")


def cmd_report(binary, textf, xmlf, sarif):
    text = open(textf).read()
    lines = text.splitlines()
    if lines[2] != "==4242== Invalid write of size 4" or not lines[3].startswith("==4242==    at 0x"):
        fail("text: first lines wrong: %r" % lines[2:4])
    if "==4242== ERROR SUMMARY: 2 errors from 1 contexts (suppressed: 0 from 0)" not in lines:
        fail("text: no 'ERROR SUMMARY: 2 errors from 1 contexts' line")
    if "   <insert_a_suppression_name_here>" not in lines or "   Memcheck:Addr4" not in lines:
        fail("text: no generated suppression")
    stacks = check_text(binary, text)
    check_xml(xmlf, stacks)
    check_sarif(sarif, stacks)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"sym": cmd_sym, "bt": cmd_bt, "report": cmd_report, "ue_report": cmd_ue_report}[cmd](*args)
