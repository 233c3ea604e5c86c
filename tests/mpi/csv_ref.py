#!/usr/bin/env python3
"""Reference for tests/mpi/csv.sh, independent of pario: Python's csv module,
math.fsum and statistics.

  csv_ref.py gen     write the adversarial CSV files and `cases` (one run a line:
                     NAME|RANKS|CHUNK|TOOL|ARGS...) with NAME.exp (the expected result)
  csv_ref.py check   compare every NAME.out / NAME.err / NAME.rc with NAME.exp, and
                     the runs of one file and options with each other (same bytes)

Split points are pario's text rule (pario/text.h): a balanced block of bytes per
rank, the first size % n ranks one byte more."""
import csv
import json
import math
import re
import statistics
import sys

NUM = re.compile(r'^[ \t]*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)[ \t]*$', re.I)
OPS = 'sum,min,max,mean,var,std,count=%s,range=%s'
CASES = []


def split_points(size, n):
    base, rem = divmod(size, n)
    return [r * base + min(r, rem) for r in range(1, n)]


def column(path, col, header=True, delimiter=',', quote='"'):
    """The values, their record indices, the counts, and the first invalid field:
    (line where its record starts, kind)."""
    kw = {'delimiter': delimiter}
    if quote:
        kw['quotechar'] = quote
    else:
        kw['quoting'] = csv.QUOTE_NONE
    vals, idx, first = [], [], None
    st = {'records': 0, 'empty': 0, 'missing': 0, 'non_numeric': 0}
    with open(path, newline='', encoding='latin-1') as f:
        rd = csv.reader(f, **kw)
        prev, seen_header = 0, not header
        for rec in rd:
            start, prev = prev + 1, rd.line_num
            if rec == []:
                continue
            if not seen_header:
                seen_header = True
                if isinstance(col, str) and not col.isdigit():
                    col = rec.index(col)
                continue
            i = st['records']
            st['records'] += 1
            c = int(col)
            kind = None
            if c >= len(rec):
                kind = 'missing'
            elif rec[c].strip(' \t') == '':
                kind = 'empty'
            elif not NUM.match(rec[c]):
                kind = 'non_numeric'
            if kind:
                st[kind] += 1
                if first is None:
                    first = (start, kind)
                continue
            vals.append(float(rec[c]))
            idx.append(i)
    st['values'] = len(vals)
    return vals, idx, st, first


def reduce_expect(vals, idx, st, value, lo, hi):
    e = {'elements': len(vals), 'records': st['records'], 'values': st['values'],
         'invalid': {k: st[k] for k in ('empty', 'missing', 'non_numeric')}}
    if vals:
        e['sum'] = math.fsum(vals)
        e['mean'] = math.fsum(vals) / len(vals)
        mn, mx = min(vals), max(vals)
        e['min'], e['argmin'] = mn, idx[vals.index(mn)]
        e['max'], e['argmax'] = mx, idx[vals.index(mx)]
        e['var'] = statistics.pvariance(vals)
        e['std'] = statistics.pstdev(vals)
    else:
        e['sum'] = 0.0
        e['min'] = e['max'] = e['argmin'] = e['argmax'] = None
    e['count'] = sum(1 for v in vals if v == float(value))
    e['count_range'] = sum(1 for v in vals if float(lo) <= v < float(hi))
    return e


def add(name, n, chunk, tool, args, exp):
    CASES.append('|'.join([name, str(n), str(chunk), tool] + args))
    with open(name + '.exp', 'w') as f:
        json.dump(exp, f)


def reduce_case(name, path, n, chunk, col, extra=(), header=True, delimiter=',', quote='"', skip=False,
                value='5', lo='-10', hi='10', group=None, give_column=True):
    vals, idx, st, first = column(path, col, header, delimiter, quote)
    args = ['--op', OPS % (value, lo + ':' + hi), '--format', 'json'] + list(extra)
    if give_column:
        args += ['--column', str(col)]
    if skip:
        args.append('--skip-invalid')
    if first and not skip:
        exp = {'rc': 1, 'error': r'^pario-reduce: error: %s: line %d, column .*%s' %
               (re.escape(path), first[0], {'empty': 'empty field', 'missing': 'missing',
                                            'non_numeric': 'not a number'}[first[1]])}
    else:
        exp = {'rc': 0, 'json': reduce_expect(vals, idx, st, value, lo, hi)}
    exp['group'] = group or name.rsplit('.', 1)[0]
    add(name, n, chunk, 'pario-reduce', [path] + args, exp)


# ---- files ----

def value_text(k):
    forms = ['%d' % (k % 97 - 40), '%.3f' % (k * 0.37 - 20), '%.17g' % (k * 0.1), '%de-2' % (k * 7 % 1000),
             ' %.1f ' % (k / 3), '"%.5f"' % (k * 1.25 - 9), '-%d.%d' % (k % 13, k % 7),
             '0.30000000000000004441%d' % (k % 10), '1%019d' % k, '.5', '%dE+1' % (k % 9)]
    return forms[k % len(forms)]


def plain(k, fill=''):
    return '%s%d,%s,%s\r\n' % (fill, k, 'w%d' % k, value_text(k)) if k % 5 == 0 else \
        '%s%d,%s,%s\n' % (fill, k, 'w%d' % k, value_text(k))


# A record whose quoted field straddles a split point: "FILL,"a\n,""b\n",V\r\n
SPECIAL_INNER = 'a\n,""b\n'


def special(fill, k):
    return '%s,"%s%s",%s\r\n' % (fill, SPECIAL_INNER, 'c' * (k % 3), value_text(k + 3))


def scenario_offset(kind, k):
    """Where, in the special record without its fill, the byte to put at the split is."""
    rec = special('', k)
    q1 = rec.index('"')
    if kind.startswith('inner'):
        return q1 + 1 + int(kind[5:])       # a, \n, ',', '"' of ""
    if kind == 'open':
        return q1
    if kind == 'close':
        return q1 + 1 + len(SPECIAL_INNER) + k % 3
    if kind == 'cr':
        return len(rec) - 2
    if kind == 'lf':
        return len(rec) - 1
    raise ValueError(kind)


SCENARIOS = ['inner%d' % i for i in range(5)] + ['%s%+d' % (k, d) for k in ('open', 'close', 'cr', 'lf')
                                                  for d in (-1, 0, 1)]


def split_file(path, n, scen, size=None):
    """A file of about 240 bytes per rank whose split points each have one scenario."""
    size = size or 240 * n + 17
    pts = split_points(size, n)
    out, k = ['price,name,value\n'], 1
    cur = len(out[0])
    for t, sc in zip(pts, scen):
        kind, d = (sc, 0) if sc.startswith('inner') else (sc[:-2], int(sc[-2:]))
        # the fill (first field) makes byte t + d of the file the scenario's byte
        while t + d - scenario_offset(kind, k) - cur > 60:
            r = plain(k)
            out.append(r)
            cur += len(r)
            k += 1
        off = scenario_offset(kind, k)
        if t + d - off - cur < 0:
            raise RuntimeError('split points too close')
        fill = 'f' * (t + d - off - cur)
        r = special(fill, k)
        assert r[off + len(fill)] == special('', k)[off]
        out.append(r)
        cur += len(r)
        k += 1
    while size - cur > 60:
        r = plain(k)
        out.append(r)
        cur += len(r)
        k += 1
    tail = '%d,,7' % k  # the last record, without a final newline, makes the size exact
    out.append(tail[:-3] + 'z' * (size - cur - len(tail)) + tail[-3:])
    text = ''.join(out)
    assert len(text) == size, (len(text), size)
    with open(path, 'w', newline='') as f:
        f.write(text)


def gen():
    chunks = [8, 16, 64, '1Mi']
    c = 0
    # each rank count, every scenario at one of its split points (n - 1 per file)
    # (2 ranks, one split point: the scenarios exactly at it; the others cover all)
    for n in (2, 3, 4, 5):
        per = n - 1
        todo = [s for s in SCENARIOS if n > 2 or s[-2:] not in ('-1', '+1')]
        for g in range(0, len(todo), per):
            scen = todo[g:g + per]
            path = 'split%d_%d.csv' % (n, g)
            split_file(path, n, scen)
            reduce_case('split%d_%d.n%d' % (n, g, n), path, n, chunks[c % 4], 'value', group='split%d_%d' % (n, g))
            c += 1
    # the same file at other rank counts gives the same bytes
    reduce_case('split5_0.n1', 'split5_0.csv', 1, 16, 'value', group='split5_0')
    reduce_case('split5_0.n3', 'split5_0.csv', 3, 8, 'value', group='split5_0')
    reduce_case('split3_2.n4', 'split3_2.csv', 4, '1Mi', 'value', group='split3_2')

    # missing, empty and non-numeric values, empty lines, no final newline
    rows = ['a,b,c\n', '1,2,3\n', '\n', '4,,6\n', '7\n', '\r\n', '9,x1,12\n', '13,"1,5",15\n', '16," ",18\n',
            '19,"2.5",21\n', '22,-0,24\n', '25,1e150,27\n', '28,-1e150,30']
    open('holes.csv', 'w', newline='').write(''.join(rows))
    for n in (1, 2, 3, 4):
        reduce_case('holes.err%d' % n, 'holes.csv', n, 8, 'b', group='holes_err')
        reduce_case('holes.skip%d' % n, 'holes.csv', n, [8, 16, 64, '1Mi'][n - 1], 'b', skip=True, group='holes_skip')
    # --quote none: quotes are text, "1,5" is two fields
    reduce_case('holes.noquote', 'holes.csv', 2, 8, 2, extra=['--quote', 'none'], quote=None, skip=True)
    # an error late in the file, on the last rank
    with open('late.csv', 'w') as f:
        f.write('v\n' + ''.join('%d.25\n' % i for i in range(200)) + 'oops\n1\n')
    for n in (2, 5):
        reduce_case('late.n%d' % n, 'late.csv', n, 64, 'v')
    # header vs no header: the name, or an index; the header line is data without one
    with open('nohead.csv', 'w') as f:
        f.write(''.join('%d;%s;\'%d;%d\'\n' % (i, 1.5 * i - 7, i, i) for i in range(50)))
    reduce_case('nohead1.n2', 'nohead.csv', 2, 16, 1, extra=['--no-header', '--delimiter', ';', '--quote', "'"],
                header=False, delimiter=';', quote="'")
    reduce_case('nohead0.n3', 'nohead.csv', 3, 16, 0, extra=['--no-header', '--delimiter', ';'],
                header=False, delimiter=';')
    reduce_case('header_as_data.n2', 'holes.csv', 2, 64, 2, extra=['--no-header'], header=False)
    # a record longer than the chunk and than a rank's range, more ranks than lines
    with open('long.csv', 'w') as f:
        f.write('x,y\n"%s",1.5\n' % ('long\n,""' * 60) + '"",2.5\n' + 'q,3.5')
    for n, ch in ((1, 8), (3, 16), (5, 8)):
        reduce_case('long.n%d' % n, 'long.csv', n, ch, 'y', value='2.5', lo='2', hi='4', group='long')
    with open('two.csv', 'w') as f:
        f.write('v\n4\n')
    reduce_case('two.n5', 'two.csv', 5, 8, 'v', value='4')
    with open('blanks.csv', 'w') as f:  # the header starts past rank 0's block
        f.write('\n' * 30 + '\r\n' * 10 + 'a,b\n' + ''.join('%d,%d\n' % (i, i * i) for i in range(12)))
    reduce_case('blanks.n4', 'blanks.csv', 4, 8, 'b')
    open('empty.csv', 'w').close()
    reduce_case('empty.n3', 'empty.csv', 3, 8, '0')
    # tabs, CRLF everywhere
    with open('tabs.csv', 'w', newline='') as f:
        f.write('id\tv\r\n' + ''.join('%d\t%.6e\r\n' % (i, (i - 30) ** 3 / 7) for i in range(90)))
    # pario-count on the same columns
    count_case('count_split4', 'split4_0.csv', 4, 16, 'value', ['5', '-0.5', '0.3', '1.25'], ('-3', '3.5'))
    count_case('count_holes', 'holes.csv', 3, 8, 'b', ['2', '-0', '2.5'], ('0', '1e200'))
    # descriptors: format csv names the column and the dialect; format text is one number a line
    with open('desc.csv', 'w') as f:
        f.write('k|v\n' + ''.join('%d|%r\n' % (i, (i * 0.7) % 5) for i in range(40)))
    with open('desc.csv.yaml', 'w') as f:
        f.write('format: csv\ndelimiter: "|"\nheader: true\ncolumn: v\n')
    reduce_case('desc.n3', 'desc.csv', 3, 16, 'v', delimiter='|', give_column=False)
    with open('nums.txt', 'w') as f:
        f.write(''.join('%r\n' % (1 / (i + 1)) for i in range(70)))
    with open('nums.txt.yaml', 'w') as f:
        f.write('format: text\n')
    reduce_case('text.n2', 'nums.txt', 2, 8, 0, header=False, quote=None, give_column=False)
    with open('named.csv', 'w') as f:
        f.write(''.join('%d,%d.5\n' % (i, i % 11) for i in range(33)))
    with open('named.csv.yaml', 'w') as f:
        f.write('format: csv\nheader: false\ncolumns: [a, b]\n')
    reduce_case('named.n4', 'named.csv', 4, 8, 1, extra=['--column', 'b'], header=False, give_column=False)
    reduce_case('tabs.n4', 'tabs.csv', 4, 16, 'v', extra=['--delimiter', 'tab'], delimiter='\t', value='0',
                lo='-100', hi='100')
    # exact numbers: each plain decimal (pario's fast path: up to 19 digits, at
    # most 2^53, and its edges) followed by its negation written by Python with
    # 17 significant digits and an exponent (the full parser, strtod): the sum
    # is exactly 0 only if every plain decimal was read as the nearest double
    import random
    rnd = random.Random(13)
    texts = ['9007199254740992', '9007199254740993', '0.9007199254740993', '1234567890123456789', '+.5', '5.',
             '-0.0', '00000000000000000001.5', '0.0000000000000000000001', '4.35', '0.1', '1.0000000000000001',
             '123456789012345.67', '-922337203685.4775807']
    for _ in range(400):
        nd = rnd.randint(1, 19)
        d = ''.join(rnd.choice('0123456789') for _ in range(nd))
        p = rnd.randint(0, nd)
        texts.append(rnd.choice(['', '-', '+']) + d[:p] + ('.' if p < nd or rnd.random() < 0.2 else '') + d[p:])
    with open('exact.csv', 'w') as f:
        f.write('k,v\n' + ''.join('%d,%s\n%d,%.16e\n' % (i, t, i, -float(t)) for i, t in enumerate(texts)))
    reduce_case('exact.n2', 'exact.csv', 2, 64, 'v', group='exact')
    reduce_case('exact.n5', 'exact.csv', 5, '1Mi', 'v', group='exact')

    # the run of plain records (pario reads one whole record and its newline from
    # 64 bytes at once, in runs of 32) meets every other kind of record, at
    # every place in a run: files long enough for it, at a chunk that holds many
    # runs and one that cuts them often
    rnd = random.Random(7)
    kinds = [lambda i: '%d,%.6f,%d\n' % (i, rnd.uniform(-1e3, 1e3), i),
             lambda i: '%d,%.3f,%d\r\n' % (i, rnd.gauss(0, 50), i),
             lambda i: '%d,%de%d,1\n' % (i, i % 97, i % 5 - 2),
             lambda i: '%d,%.2f ,1\n' % (i, i / 7),
             lambda i: '%d,"%.2f",1\n' % (i, i / 3),
             lambda i: '%d,%.4f,"a\nb,c"\n' % (i, i / 11),
             lambda i: '%d,%.1f,%s\n' % (i, i * 0.5, 'z' * 70),
             lambda i: '%d,%s,1\n' % (i, '1' * (i % 25 + 1) + '.' + '7' * (i % 9)),
             lambda i: '%d,%s,2\n' % (i, rnd.choice(['', '-', '+']) + '%d' % rnd.randrange(10 ** rnd.randint(1, 17))),
             lambda i: '\n']
    bad = [lambda i: '%d,,%d\n' % (i, i), lambda i: '%d\n' % i, lambda i: '%d,x%d,1\n' % (i, i),
           lambda i: '%d, %.2f,1\n' % (i, i / 9), lambda i: '%d,\t,1\n' % i]
    rows = ['id,v,w\n']
    for i in range(1200):
        k = rnd.random()
        rows.append(kinds[0](i) if k < 0.7 else rnd.choice(kinds)(i) if k < 0.93 else rnd.choice(bad)(i))
    with open('mixed.csv', 'w', newline='') as f:
        f.write(''.join(rows))
    for n, ch in ((1, 4096), (2, '1Mi'), (3, 200)):
        reduce_case('mixed.n%d' % n, 'mixed.csv', n, ch, 'v', skip=True, group='mixed')
    reduce_case('mixed_w.n4', 'mixed.csv', 4, '1Mi', 'w', skip=True, group='mixed_w')
    # the first invalid field late, after many runs: its line number is exact
    rows = ['id,v\n'] + [kinds[rnd.choice([0, 0, 0, 1, 2, 4, 5, 9])](i).replace(',1\n', '\n')
                         .replace(',"a\nb,c"', '') for i in range(1500)]
    rows.insert(1300, '1300,1.5x\n')
    with open('mixed_late.csv', 'w', newline='') as f:
        f.write(''.join(rows))
    for n in (2, 5):
        reduce_case('mixed_late.n%d' % n, 'mixed_late.csv', n, '1Mi', 'v', group='mixed_late')


def count_case(name, path, n, chunk, col, values, rng):
    vals, idx, st, first = column(path, col)
    e = {'records': st['records'], 'values': st['values'],
         'invalid': {k: st[k] for k in ('empty', 'missing', 'non_numeric')}}
    e['counts'] = {v: sum(1 for x in vals if x == float(v)) for v in values}
    add(name + '.values', n, chunk, 'pario-count', [path, '--column', col, '--skip-invalid', '--format', 'json',
                                                    '--values', ','.join(values)], {'rc': 0, 'json': e, 'group': name + 'v'})
    lo, hi = rng
    e = dict(e)
    del e['counts']
    e['count'] = sum(1 for x in vals if float(lo) <= x < float(hi))
    add(name + '.range', n, chunk, 'pario-count', [path, '--column', col, '--skip-invalid', '--format', 'json',
                                                   '--range', lo + ':' + hi], {'rc': 0, 'json': e, 'group': name + 'r'})


def close(a, b, rel):
    if a is None or b is None:
        return a is b
    return a == b or abs(a - b) <= rel * abs(b)


def check():
    fails = passes = 0
    groups = {}
    for line in open('cases'):
        name = line.split('|', 1)[0]
        exp = json.load(open(name + '.exp'))
        rc = int(open(name + '.rc').read())
        out, err = open(name + '.out').read(), open(name + '.err').read().strip()
        bad = []
        if rc != exp['rc']:
            bad.append('exit %d, expected %d' % (rc, exp['rc']))
        if 'error' in exp:
            if len(err.splitlines()) != 1 or not re.search(exp['error'], err):
                bad.append('stderr %r does not match %r' % (err[:300], exp['error']))
        elif rc == 0:
            got = json.loads(out)
            for k, v in exp['json'].items():
                g = got.get(k, 'absent')
                if k in ('var', 'std'):
                    ok = close(g, v, 2.0 ** -50)
                else:
                    ok = g == v
                if not ok:
                    bad.append('%s: %r, reference %r' % (k, g, v))
            groups.setdefault(exp['group'], []).append((name, out))
        if bad:
            fails += 1
            print('FAIL: %s (%s): %s' % (name, line.strip(), '; '.join(bad)))
        else:
            passes += 1
    for g, runs in groups.items():
        for name, out in runs[1:]:
            if out != runs[0][1]:
                fails += 1
                print('FAIL: %s and %s differ: %r vs %r' % (runs[0][0], name, runs[0][1], out))
            else:
                passes += 1
    print('csv_ref: %d passed, %d failed' % (passes, fails))
    return fails


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen()
        with open('cases', 'w') as f:
            f.write('\n'.join(CASES) + '\n')
    else:
        sys.exit(1 if check() else 0)
