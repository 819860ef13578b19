#!/usr/bin/env python3
"""Sample /proc until SIGTERM; print CPU seconds used meanwhile, grouped by process kind."""
import os,sys,time,signal
tck=os.sysconf('SC_CLK_TCK')
first={};last={};name={}
stop=False
def h(*a):
    global stop; stop=True
signal.signal(signal.SIGTERM,h)
def classify(cmd):
    c=cmd.lower()
    if 'postgres' in c: return 'postgres'
    if 's3proxy' in c: return 's3proxy'
    if 'connectdistributed' in c or 'connect-distributed' in c: return 'connect'
    if 'kafka.kafka' in c or ('java' in c and 'kafka' in c): return 'kafka'
    for s in ['api/src/main','outbox-relay/src/main','file-processor/src/main','jest','bench']:
        if s in c: return 'node:'+s
    if 'node' in c or 'tsx' in c: return 'node:other '+cmd[:100]
    return 'other:'+cmd[:40]
while not stop:
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            st=open(f'/proc/{p}/stat').read()
            if p not in name: name[p]=classify(open(f'/proc/{p}/cmdline').read().replace('\0',' '))
        except Exception: continue
        f=st[st.rfind(')')+2:].split()
        t=(int(f[11])+int(f[12]))/tck
        first.setdefault(p,t); last[p]=t
    time.sleep(0.5)
tot={}
for p in last:
    tot[name[p]]=tot.get(name[p],0)+last[p]-first[p]
for k in sorted(tot,key=lambda k:-tot[k]):
    if tot[k]>0.2: print(f'{tot[k]:8.1f}s {k}')
