#!/usr/bin/env python3
"""Sample /proc until SIGTERM and report the CPU used, by process kind.

  cpu-sampler.py              at the end: CPU seconds used meanwhile, per kind (cpu-per-process.sh)
  cpu-sampler.py --timeline   once a second: the clock (UTC here) and % of one core per kind (200 = both cores of a 2-core box)

Beside a benchmark, to see which process takes the CPU, and when:
  python3 lab/scripts/cpu-sampler.py --timeline > /tmp/cpu.txt & npm run bench -- --quick --only e2e; kill %1

Kinds: pg (backends), pg-bg (walwriter, checkpointer, bgwriter), pg-autovac, kafka, s3p (S3Proxy),
conn (Kafka Connect), api, relay, proc (file processor), bench, node? (other Node), other.
"""
import os, signal, sys, time

TCK = os.sysconf('SC_CLK_TCK')
KINDS = ['pg', 'pg-bg', 'pg-autovac', 'kafka', 's3p', 'conn', 'api', 'relay', 'proc', 'bench', 'node?', 'other']
stop = False


def on_term(*_):
    global stop
    stop = True


def classify(cmd):
    c = cmd.lower()
    if 'autovacuum' in c:
        return 'pg-autovac'
    if 'postgres' in c:
        return 'pg-bg' if any(w in c for w in ('walwriter', 'checkpointer', 'background writer')) else 'pg'
    if 's3proxy' in c:
        return 's3p'
    if 'connectdistributed' in c or 'connect-distributed' in c:
        return 'conn'
    if 'kafka.kafka' in c or ('java' in c and 'kafka' in c):
        return 'kafka'
    for path, kind in [('api/src/main', 'api'), ('outbox-relay/src/main', 'relay'),
                       ('file-processor/src/main', 'proc'), ('bench', 'bench')]:
        if path in c:
            return kind
    return 'node?' if 'node' in c or 'tsx' in c else 'other'


names = {}


def sample():
    """CPU seconds so far of every process, by pid."""
    out = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            stat = open(f'/proc/{pid}/stat').read()
            if pid not in names:
                names[pid] = classify(open(f'/proc/{pid}/cmdline').read().replace('\0', ' '))
        except OSError:
            continue
        fields = stat[stat.rfind(')') + 2:].split()
        out[pid] = (int(fields[11]) + int(fields[12])) / TCK
    return out


def by_kind(before, after):
    used = {}
    for pid, t in after.items():
        if pid in before:
            used[names[pid]] = used.get(names[pid], 0) + t - before[pid]
    return used


signal.signal(signal.SIGTERM, on_term)
if '--timeline' in sys.argv:
    print('clock    t    ' + ' '.join(f'{k:>6}' for k in KINDS) + '   total', flush=True)
    started = time.time()
    prev = sample()
    while not stop:
        time.sleep(1)
        cur = sample()
        used = by_kind(prev, cur)
        row = ' '.join(f'{used.get(k, 0) * 100:6.0f}' for k in KINDS)
        print(f'{time.strftime("%H:%M:%S")} {time.time() - started:4.0f} {row}  {sum(used.values()) * 100:6.0f}', flush=True)
        prev = cur
else:
    first, last = {}, {}
    while not stop:
        cur = sample()
        for pid, t in cur.items():
            first.setdefault(pid, t)  # a process that starts meanwhile counts from when it was seen
        last.update(cur)
        time.sleep(0.5)
    used = by_kind(first, last)
    for kind in sorted(used, key=lambda k: -used[k]):
        if used[kind] > 0.2:
            print(f'{used[kind]:8.1f}s {kind}')
