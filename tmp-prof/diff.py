import sys,re,collections
def load(f):
    d=collections.Counter()
    sec=False
    for line in open(f):
        if line.startswith('## Hot'): sec=True; continue
        if line.startswith('## ') and sec: break
        if sec and line.startswith('| ') and '`' in line:
            c=[x.strip() for x in line.split('|')]
            # Self%, Self, Total%, Total, Function, Location
            self_=c[2]; fn=c[5].strip('`'); loc=c[6].strip('`')
            loc=re.sub(r':\d+$','',loc).split('/')[-1]
            v=float(re.sub('[a-z]','',self_))*(1 if self_.endswith('ms') else 1000 if self_.endswith('s') and not self_.endswith('us') and not self_.endswith('ms') else 0.001)
            if fn.startswith('.wasm-function'): fn='wasm'
            d[(fn,loc)]+=v
    return d
a=load(sys.argv[1]); b=load(sys.argv[2])
keys=set(a)|set(b)
rows=sorted(keys,key=lambda k:-(b[k]-a[k]))
print("total", sum(a.values()), sum(b.values()))
for k in rows[:35]: print(f"{b[k]-a[k]:9.0f} {a[k]:8.0f} {b[k]:8.0f}  {k[0]} {k[1]}")
print('...')
for k in rows[-10:]: print(f"{b[k]-a[k]:9.0f} {a[k]:8.0f} {b[k]:8.0f}  {k[0]} {k[1]}")
