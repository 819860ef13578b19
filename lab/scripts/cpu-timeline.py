#!/usr/bin/env python3
"""CPU per process kind, once a second, as % of one core (200 = both cores of a 2-core box), until
SIGTERM. Run it beside a benchmark to see which process takes the CPU, and when:
    python3 lab/scripts/cpu-timeline.py > /tmp/cpu.txt & npm run bench -- --quick --only e2e; kill %1
Kinds: pg (backends), pg-bg (walwriter, checkpointer, bgwriter), pg-autovac, kafka, s3p (S3Proxy),
api, relay, proc (file processor), bench, conn (Kafka Connect)."""
import os,sys,time,signal
tck=os.sysconf('SC_CLK_TCK')
prev={};name={}
stop=False
def h(*a):
    global stop; stop=True
signal.signal(signal.SIGTERM,h)
def classify(cmd):
    c=cmd.lower()
    if 'autovacuum' in c: return 'pg-autovac'
    if 'postgres' in c: 
        if 'walwriter' in c or 'checkpointer' in c or 'background writer' in c: return 'pg-bg'
        return 'pg'
    if 's3proxy' in c: return 's3p'
    if 'connectdistributed' in c or 'connect-distributed' in c: return 'conn'
    if 'kafka.kafka' in c or ('java' in c and 'kafka' in c): return 'kafka'
    for s,n in [('api/src/main','api'),('outbox-relay/src/main','relay'),('file-processor/src/main','proc'),('bench','bench')]:
        if s in c: return n
    if 'node' in c or 'tsx' in c: return 'node?'
    return 'other'
cols=['pg','pg-bg','pg-autovac','kafka','s3p','api','relay','proc','bench','node?','other','conn']
print('t    '+' '.join(f'{c:>6}' for c in cols)+'   total',flush=True)
t0=time.time()
while not stop:
    cur={}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            st=open(f'/proc/{p}/stat').read()
            if p not in name: name[p]=classify(open(f'/proc/{p}/cmdline').read().replace('\0',' '))
        except Exception: continue
        f=st[st.rfind(')')+2:].split()
        cur[p]=(int(f[11])+int(f[12]))/tck
    d={}
    for p,v in cur.items():
        if p in prev: d[name[p]]=d.get(name[p],0)+v-prev[p]
    if prev: print(f'{time.time()-t0:4.0f} '+' '.join(f'{d.get(c,0)*100:6.0f}' for c in cols)+f'  {sum(d.values())*100:6.0f}',flush=True)
    prev=cur
    time.sleep(1)
