#!/usr/bin/python3
# tests/memcheck/xmlcheck.py — the machine-readable reports of one run:
#
#   UE_XML     --xml-file: well-formed Valgrind XML, protocol 4, every
#              <error> with the elements IDEs read (unique, tid, kind,
#              what/xwhat, a stack of frames with ip, and file+line where
#              known), the status FINISHED, errorcounts naming known errors,
#              a <fatal_signal> (if the program dies of one) with tid,
#              signo, signame, sicode, event + siaddr or neither, a stack;
#   VG_XML     Valgrind's --xml-file for the same binary: the same errors
#              (kind + first frame in the test's source; "ue-only:" marks
#              as in xcheck.py) and the same fatal signal (signo, event,
#              first frame in the test's source);
#   UE_SARIF   --sarif-file: SARIF 2.1.0 as code-scanning services read it
#              (version, tool.driver with rules, results with ruleId, level,
#              message and a source location), and the same errors as the
#              XML (less the leak records that are shown but are no errors).
#
# Usage: xmlcheck.py SOURCE UE_XML UE_SARIF [VG_XML]   (exit 1 on a problem)
import json
import sys
import xml.etree.ElementTree as ET

problems = []


def need(cond, what):
    if not cond:
        problems.append(what)
    return cond


def xml_errors(path, src):
    """(kind, line) of each <error>, after checking its shape."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        need(False, f'{path}: not well-formed XML: {e}')
        return set()
    need(root.tag == 'valgrindoutput', f'{path}: root is <{root.tag}>')
    need(root.findtext('protocolversion') == '4', f'{path}: protocolversion is not 4')
    need(root.findtext('protocoltool') == 'memcheck', f'{path}: protocoltool is not memcheck')
    states = [s.findtext('state') for s in root.findall('status')]
    need(states[-1:] == ['FINISHED'], f'{path}: last status is not FINISHED: {states}')
    sigs, uniques = set(), set()
    for e in root.findall('error'):
        kind = e.findtext('kind')
        need(e.findtext('unique') and e.findtext('tid') and kind, f'{path}: <error> without unique/tid/kind')
        need(e.find('what') is not None or e.find('xwhat/text') is not None, f'{path}: {kind} without what/xwhat')
        uniques.add(e.findtext('unique'))
        stack = e.find('stack')
        if not need(stack is not None and stack.findall('frame'), f'{path}: {kind} without a stack'):
            continue
        line = '?'
        for f in stack.findall('frame'):
            need(f.findtext('ip', '').startswith('0x'), f'{path}: {kind}: frame without <ip>')
            need((f.find('file') is None) == (f.find('line') is None), f'{path}: {kind}: file without line')
            if line == '?' and f.findtext('file') == src:
                line = f.findtext('line')
        sigs.add((kind, line))
    for p in root.findall('errorcounts/pair'):
        need(p.findtext('unique') in uniques, f'{path}: errorcounts names unknown error {p.findtext("unique")}')
    fatal = root.findall('fatal_signal')
    need(len(fatal) <= 1, f'{path}: {len(fatal)} <fatal_signal> elements')
    for f in fatal:
        signo = f.findtext('signo')
        need(f.findtext('tid') and signo and f.findtext('sicode'), f'{path}: <fatal_signal> without tid/signo/sicode')
        need((f.findtext('signame') or '').startswith('SIG'), f'{path}: <fatal_signal> signame not SIG...')
        need((f.find('event') is None) == (f.find('siaddr') is None), f'{path}: <fatal_signal> event without siaddr')
        stack = f.find('stack')
        line = '?'
        if need(stack is not None and stack.findall('frame'), f'{path}: <fatal_signal> without a stack'):
            line = next((fr.findtext('line') for fr in stack.findall('frame') if fr.findtext('file') == src), '?')
        sigs.add(('fatal_signal ' + signo, f'{f.findtext("event")} {line}'))
    return sigs


def sarif_errors(path, src):
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as e:
        need(False, f'{path}: not JSON: {e}')
        return set()
    need(doc.get('version') == '2.1.0', f'{path}: version is not 2.1.0')
    runs = doc.get('runs') or [{}]
    driver = runs[0].get('tool', {}).get('driver', {})
    need(driver.get('name'), f'{path}: no tool.driver.name')
    rules = {r.get('id') for r in driver.get('rules', [])}
    sigs = set()
    for r in runs[0].get('results', []):
        rid = r.get('ruleId')
        need(rid in rules, f'{path}: ruleId {rid} not among the rules')
        need(r.get('level') in ('error', 'warning', 'note'), f'{path}: {rid}: bad level')
        need(r.get('message', {}).get('text'), f'{path}: {rid}: no message text')
        need(r.get('locations'), f'{path}: {rid}: no location')
        line = '?'
        for st in r.get('stacks', [])[:1]:
            for fr in st.get('frames', []):
                pl = fr.get('location', {}).get('physicalLocation', {})
                if pl.get('artifactLocation', {}).get('uri', '').endswith('/' + src):
                    line = str(pl.get('region', {}).get('startLine'))
                    break
        sigs.add((rid, line))
    return sigs


def marked(path, tag):
    return {str(n) for n, t in enumerate(open(path, errors='replace'), 1) if tag in t}


def main():
    source, ue_xml, ue_sarif = sys.argv[1:4]
    src = source.rsplit('/', 1)[-1]
    x = xml_errors(ue_xml, src)
    need(x, f'{ue_xml}: no errors at all')
    s = sarif_errors(ue_sarif, src)
    # SARIF results are the errors: leak records of the kinds that are not
    # errors by default (--errors-for-leak-kinds) are shown, not counted.
    shown_only = {'Leak_IndirectlyLost', 'Leak_StillReachable'}
    for d in sorted({e for e in x if e[0] not in shown_only and not e[0].startswith('fatal_signal')} - s):
        problems.append(f'in the XML, not the SARIF: {d}')
    for d in sorted(s - x):
        problems.append(f'in the SARIF, not the XML: {d}')
    if len(sys.argv) > 4:
        v = xml_errors(sys.argv[4], src)
        excuse = marked(source, 'ue-only:')
        for d in sorted({e for e in x if e[1] not in excuse} - v):
            problems.append(f'ue only (XML): {d}')
        for d in sorted(v - x):
            problems.append(f'valgrind only (XML): {d}')
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
