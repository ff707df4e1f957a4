#!/usr/bin/env python3
"""Per-cycle reference model of SCALE-Sim v2's USER bandwidth mode, for validating accelgym.

It builds SCALE-Sim's matrices as SCALE-Sim does (operand matrices, per-fold demand matrices
with their skew, prefetch matrices rolled along anti-diagonals) and runs them through its
double buffers one demand row at a time: the slow, literal form of what
models/accel/scalesim_user.cc computes without matrices. It reproduces SCALE-Sim's three
golden USER-mode runs exactly (--golden) and generates the reference table of
tests/cpp/scalesim_user_test.cc (--cases).

The semantics (see models/memory/scalesim_buffers.h): prefetch sets of ceil(size / 100)
addresses, a window of half the sets, prefetches of half the scratchpad at `bandwidth` words
per cycle back to back, the stall of a late prefetch counted twice and a negative one added
(SCALE-Sim before its commit 22f88b1, what the golden files hold; with "released": 1 in a case,
SCALE-Sim v2 as released: a stall counted once, a negative one not at all), and ofmap drains of
half the scratchpad that the array waits for only when the buffer is full.

    /usr/bin/python3 tests/tools/scalesim_reference.py --golden
    /usr/bin/python3 tests/tools/scalesim_reference.py --cases
    /usr/bin/python3 tests/tools/scalesim_reference.py '{"gemm": 1, "m": 64, "n": 32, "k": 48,
        "df": "ws", "rows": 8, "cols": 8, "words": [2048, 2048, 2048], "bw": 4}'
"""
import bisect
import json
import math
import sys

import numpy as np


def skew(X):
    rows, cols = X.shape
    out = np.full((rows + cols - 1, cols), -1, dtype=np.int64)
    for c in range(cols):
        out[c:c+rows, c] = X[:, c]
    return out

def rollout(P):
    M, N = P.shape
    out = []
    for d in range(M + N):
        hi = min(d, M - 1); lo = max(0, d - N + 1)
        for off in range(hi - lo + 1):
            r = hi - off; out.append(P[r][d - r])
    return np.array(out, dtype=np.int64).reshape(1, -1)

def neg(shape): return np.full(shape, -1, dtype=np.int64)

def compute(df, I, F, O, R, C):
    # returns prefetch (ifmap, filter) and demand (ifmap, filter, ofmap)
    if df == 'os':
        Sr, Sc, T = I.shape[0], F.shape[1], I.shape[1]
    elif df == 'ws':
        Sr, Sc, T = I.shape[1], F.shape[1], I.shape[0]
    else:
        Sr, Sc, T = I.shape[1], I.shape[0], F.shape[1]
    rf, cf = math.ceil(Sr / R), math.ceil(Sc / C)
    It = I.T
    def padc(X, w):
        d = w - X.shape[1]
        return np.concatenate((X, neg((X.shape[0], d))), axis=1) if d > 0 else X
    def padr(X, h):
        d = h - X.shape[0]
        return np.concatenate((X, neg((d, X.shape[1]))), axis=0) if d > 0 else X
    if df == 'os':
        ipf = rollout(np.concatenate([padc(It[:, f*R:min(f*R+R, Sr)], R) for f in range(rf)]))
        fpf = rollout(np.concatenate([padc(F[:, f*C:min(f*C+C, Sc)], C) for f in range(cf)]))
    elif df == 'ws':
        ipf = rollout(np.concatenate([padc(I[:, f*R:min(f*R+R, Sr)], R) for f in range(rf)]))
        fpf = np.concatenate([padc(F[:, f*C:min(f*C+C, Sc)], C) for f in range(cf)])
    else:
        ipf = np.concatenate([padc(It[:, f*C:min(f*C+C, Sc)], C) for f in range(cf)])
        fpf = rollout(np.concatenate([padc(F[f*R:min(f*R+R, Sr), :].T, R) for f in range(rf)]))
    idm, fdm, odm = [], [], []
    for fc in range(cf):
        for fr in range(rf):
            r0, r1 = fr*R, min(fr*R+R, Sr); c0, c1 = fc*C, min(fc*C+C, Sc)
            if df == 'os':
                idm.append(skew(np.concatenate((padc(It[:, r0:r1], R), neg((C-1, R))))))
                fdm.append(skew(np.concatenate((padc(F[:, c0:c1], C), neg((R-1, C))))))
                blk = np.flip(padr(padc(O[r0:r1, c0:c1], C), R), 0)
                odm.append(skew(np.concatenate((neg((T-1, C)), blk))))
            elif df == 'ws':
                idm.append(skew(np.concatenate((neg((R, R)), padc(I[:, r0:r1], R), neg((C-1, R))))))
                blk = np.flip(padr(padc(F[r0:r1, c0:c1], C), R), 0)
                fdm.append(np.concatenate((blk, neg((R+C+T-2, C)))))
                odm.append(skew(np.concatenate((neg((2*R-1, C)), padc(O[:, c0:c1], C)))))
            else:
                blk = np.flip(padr(padc(It[r0:r1, c0:c1], C), R), 0)
                idm.append(np.concatenate((blk, neg((R+C+T-2, C)))))
                fdm.append(skew(np.concatenate((neg((R, R)), padc(F[r0:r1, :].T, R), neg((C-1, R))))))
                odm.append(skew(np.concatenate((neg((2*R-1, C)), padc(O[c0:c1, :].T, C)))))
    return ipf, fpf, np.concatenate(idm), np.concatenate(fdm), np.concatenate(odm)

class ReadBuffer:
    def __init__(self, size, bw, fetch, released=False):
        self.bw = bw; self.released = released
        self.active = int(math.ceil(size * 0.5)); self.pref = size - self.active
        flat = fetch.reshape(-1)
        self.rows = int(math.ceil(flat.size / bw))
        eps = int(math.ceil(size / 100))
        self.lines = {}
        v = 0
        for a in flat:
            if a == -1: continue
            l = v // eps; v += 1
            L = self.lines.setdefault(int(a), [])
            if not L or L[-1] != l: L.append(l)
        self.n = v // eps + 1
        self.na = min(int(math.ceil(self.active / eps)), self.n)
        self.np_ = min(int(math.ceil(self.pref / eps)), self.n - self.na)
        self.started = False; self.access = 0
    def find(self, a):
        L = self.lines[a]; s, e = self.start, self.end
        i = bisect.bisect_left(L, s)
        if s < e: return L[i] if i < len(L) and L[i] < e else -1
        if i < len(L): return L[i]
        return L[0] if L[0] < e else -1
    def prefetch_active(self, start):
        nl = min(int(math.ceil(self.active / self.bw)), self.rows)
        self.access += nl * self.bw
        self.dstart = -nl + start; self.last = start - 1
        self.start, self.end = 0, self.na; self.started = True
    def new_prefetch(self):
        self.start = (self.start + self.np_) % self.n
        self.end = (self.start + self.na) % self.n
        nl = int(math.ceil(self.pref / self.bw)); self.access += nl * self.bw
        self.last = self.last + nl + 1
    def service(self, rows, cycles):
        if not self.started: self.prefetch_active(cycles[0])
        out = []; off = 1
        for row, cyc in zip(rows, cycles):
            for a in row:
                if a == -1: continue
                while self.find(int(a)) == -1:
                    self.new_prefetch()
                    p = self.last - (cyc + off)
                    if not self.released: off += p
                    if p > 0: off += p
            out.append(cyc + off)
        return out

class WriteBuffer:
    def __init__(self, size, bw):
        self.bw = bw; self.total = size; self.active = int(math.ceil(size * 0.5)); self.drain_sz = size - self.active
        self.free = size; self.fill = 0; self.lines = []  # valid count per closed line
        self.dstart = 0; self.drain_end = 0; self.access = 0; self.cyc = []
    def close(self):
        if self.fill: self.lines.append(self.fill); self.fill = 0
    def drain(self, start):
        end = min(self.dstart + int(math.ceil(self.drain_sz / self.bw)), len(self.lines))
        n = end - self.dstart
        d = n * self.bw - (self.bw - self.lines[end - 1])
        self.access += d; self.free += d; self.dstart = end
        self.cyc += [start + x for x in range(n)]
        return start + n - 1
    def service(self, rows, cycles):
        out = []; off = 0
        for row, cyc in zip(rows, cycles):
            cur = cyc + off
            for a in row:
                if a == -1: continue
                self.fill += 1; self.free -= 1
                if self.fill == self.bw: self.lines.append(self.bw); self.fill = 0
                if cur < self.drain_end:
                    if not self.free > 0:
                        off += max(self.drain_end - cur, 0); cur = self.drain_end
                elif self.free < self.total - self.drain_sz:
                    self.close(); self.drain_end = self.drain(cur)

            out.append(cur)
        return out
    def empty_all(self, cyc):
        self.close()
        while self.dstart < len(self.lines):
            self.drain_end = self.drain(cyc); cyc = self.drain_end + 1


def operands(H, W, Rf, Sf, Ch, N, s):
    Eh = -(-(H - Rf + s) // s); Ew = -(-(W - Sf + s) // s)
    K = Rf * Sf * Ch
    I = np.zeros((Eh * Ew, K), dtype=np.int64)
    for i in range(Eh * Ew):
        orow, ocol = i // Ew, i % Ew
        ir, ic = orow * s, ocol * s
        for j in range(K):
            cr = j // (Sf * Ch); k = j % (Sf * Ch); cc = k // Ch; ch = k % Ch
            I[i, j] = -1 if (cr + ir >= H or cc + ic >= W) else cr * W * Ch + cc * Ch + ch + ir * W * Ch + ic * Ch
    F = np.array([[10000000 + n * K + k for n in range(N)] for k in range(K)], dtype=np.int64)
    O = np.array([[20000000 + N * m + n for n in range(N)] for m in range(Eh * Ew)], dtype=np.int64)
    return I, F, O

class EstimateBuffer:
    """CALC mode's read buffer (read_buffer_estimate_bw.py): never stalls; it groups the demand
    stream's new addresses into sets of floor(size / 100) and estimates the DRAM reads and the
    bandwidth needed to fetch each window of 50 sets in time."""
    def __init__(self, size, bw):
        self.items = size // 100
        self.default_bw = bw
        self.latest = {}  # address -> id of the newest set holding it
        self.current = set(); self.cur = 0
        self.rstart, self.rend = 0, 49
        self.pstart = self.pend = -1
        self.last_start, self.last_end = -2, -1
        self.first = 0; self.first_seen = False; self.active_done = False
        self.n_active = 50
        self.set_sizes = []
        self.access = 0; self.cycles = []
    def service(self, rows, cycles):
        for row, cyc in zip(rows, cycles):
            if not self.first_seen and max(row) > -1:
                self.first = cyc; self.first_seen = True
            for a in row:
                if a != -1: self.manage(cyc, int(a))
        return [c + 1 for c in cycles]
    def manage(self, cyc, a):
        sid = self.latest.get(a)
        if sid is not None and self.rstart <= sid < min(self.cur, self.rend + 1):
            return  # hit
        if sid == self.cur:
            return  # already in the set being built
        self.latest[a] = self.cur
        self.current.add(a)
        if len(self.current) < self.items:
            return
        self.set_sizes.append(len(self.current)); self.current = set(); self.cur += 1
        if self.cur != self.rend + 1:
            return
        if not self.active_done:
            self.bw = self.default_bw
            self.last_end = self.first - 1 - 1
            self.last_start = self.last_end - math.ceil(50 * self.items / self.bw) + 1
            self.prefetch(0, self.n_active - 1)
            self.pstart = self.rend + 1; self.pend = self.pstart + 49; self.active_done = True
        else:
            self.bw = math.ceil(50 * self.items / (self.last_end - self.last_start + 1))
            self.prefetch(self.pstart, self.pend)
            self.pstart += 50; self.pend += 50
        self.rstart += 50; self.rend += 50
        self.last_start = self.last_end + 1; self.last_end = cyc
    def prefetch(self, s, e):
        addresses = sum(self.set_sizes[s:e + 1])
        self.access += addresses
        need = self.last_end - self.last_start + 1
        assert addresses <= need * self.bw, "SCALE-Sim would fail here (reshape)"
        self.cycles += [self.last_start + i + 1 for i in range(need)]  # read port latency 1
    def complete(self):
        if self.current:
            self.set_sizes.append(len(self.current))
        else:
            self.cur -= 1
        if not self.active_done:
            self.bw = self.default_bw
            self.last_end = -2
            self.n_active = self.cur + 1
            self.last_start = self.last_end - math.ceil(self.n_active * self.items / self.bw) + 1
            self.prefetch(0, self.n_active - 1)
            self.active_done = True
        else:
            num = self.cur - self.pstart + 1
            self.pend = self.cur
            self.bw = math.ceil(num * self.items / (self.last_end - self.last_start + 1))
            self.prefetch(self.pstart, self.pend)
    @property
    def dstart(self): return self.cycles[0]
    @property
    def last(self): return self.cycles[-1]


def run(df, I, F, O, R, C, words, bw, calc=False, released=False):
    ipf, fpf, idm, fdm, odm = compute(df, I, F, O, R, C)
    if calc:  # SCALE-Sim's CALC mode: 10 words/cycle estimates in, the array width out
        ib = EstimateBuffer(words[0], 10); fb = EstimateBuffer(words[1], 10)
        ob = WriteBuffer(words[2], C)
    else:
        ib = ReadBuffer(words[0], bw, ipf, released); fb = ReadBuffer(words[1], bw, fpf, released)
        ob = WriteBuffer(words[2], bw)
    n = odm.shape[0]
    stall = 0; io, fo, oo = [], [], []
    for i in range(n):
        c = i + stall
        a = ib.service(idm[i:i+1], [c])[0]; b = fb.service(fdm[i:i+1], [c])[0]; o = ob.service(odm[i:i+1], [c])[0]
        io.append(a); fo.append(b); oo.append(o)
        stall += int(max(a - c - 1, b - c - 1, o - c))
    total = oo[-1]; ob.empty_all(oo[-1])
    if calc:
        ib.complete(); fb.complete()
    def win(dm, outs):
        rows = [k for k in range(dm.shape[0]) if (dm[k] != -1).any()]
        return [int(outs[rows[0]]), int(outs[rows[-1]])]
    return dict(total=int(total), stall=int(stall), sram=[win(idm, io), win(fdm, fo), win(odm, oo)],
                dram=[[int(ib.dstart), int(ib.last), int(ib.access)], [int(fb.dstart), int(fb.last), int(fb.access)],
                      [int(ob.cyc[0]), int(ob.cyc[-1]), int(ob.access)]])


GOLDEN = {  # scalesim-project/scale-sim-v2, test/general/golden_trace_user_{os,ws,is}
    "os": {"total": 52447, "stall": 42272, "sram": [[1, 52417], [1, 52417], [255, 52447]],
           "dram": [[-3277, 49169, 524320], [-3277, -1, 32770], [52447, 55723, 32768]]},
    "ws": {"total": 52447, "stall": 41248, "sram": [[33, 52417], [1, 52130], [63, 52447]],
           "dram": [[-3277, 49169, 524320], [-3277, -1, 32770], [11831, 55725, 262175]]},
    "is": {"total": 19984, "stall": 5777, "sram": [[1, 19795], [33, 19954], [63, 19984]],
           "dram": [[-3277, 9833, 131080], [-3277, -1, 32770], [1839, 26538, 262157]]},
}

# SCALE-Sim v2 as released (main at 22f88b1) on the golden runs' configuration, run with
# Debian's Python 3.11 (COMPUTE_REPORT.csv and DETAILED_ACCESS_REPORT.csv).
RELEASED = {
    "os": {"total": 50423, "stall": 40248, "sram": [[1, 50393], [1, 50393], [255, 50423]],
           "dram": [[-3277, 49169, 524320], [-3277, -1, 32770], [50423, 53699, 32768]]},
    "ws": {"total": 50519, "stall": 39320, "sram": [[33, 50489], [1, 50202], [63, 50519]],
           "dram": [[-3277, 49169, 524320], [-3277, -1, 32770], [9847, 53795, 262144]]},
    "is": {"total": 19984, "stall": 5777, "sram": [[1, 19795], [33, 19954], [63, 19984]],
           "dram": [[-3277, 9833, 131080], [-3277, -1, 32770], [1839, 26537, 262144]]},
}

CASE_LAYERS = [
    dict(name="conv_s2", h=8, w=10, r=3, s=3, c=4, n=10, stride=2),
    dict(name="conv_s1", h=7, w=7, r=3, s=3, c=3, n=5, stride=1),
    dict(name="gemm", gemm=1, m=37, n=19, k=23),
    dict(name="conv_1x1_s2", h=8, w=6, r=1, s=1, c=6, n=7, stride=2),
]
CASE_ARRAYS = [(4, 4), (4, 3), (8, 4), (3, 5)]
CASE_MEMORIES = [([300, 200, 100], 4), ([64, 50, 40], 3), ([2000, 1000, 500], 7),
                 ([120, 90, 30], 2)]


def run_case(a):
    if a.get("gemm"):
        I, F, O = operands(a["m"], a["k"], 1, a["k"], 1, a["n"], 1)
    else:
        I, F, O = operands(a["h"], a["w"], a["r"], a["s"], a["c"], a["n"], a["stride"])
    return run(a["df"], I, F, O, a["rows"], a["cols"], a["words"], a.get("bw", 10),
               calc=a.get("calc", False), released=bool(a.get("released", False)))


def cpp_row(a, o):
    layer = (f'gemm({a["m"]}, {a["n"]}, {a["k"]})' if a.get("gemm") else
             f'conv({a["h"]}, {a["w"]}, {a["r"]}, {a["s"]}, {a["c"]}, {a["n"]}, {a["stride"]})')
    df = {"os": "kOutputStationary", "ws": "kWeightStationary", "is": "kInputStationary"}[a["df"]]
    s, d = o["sram"], o["dram"]
    pair = lambda x: "{" + ", ".join(map(str, x)) + "}"
    return (f'    {{"{a["name"]}_{a["df"]}", {layer}, Dataflow::{df}, {{{a["rows"]}, {a["cols"]}}}, '
            f'{{{a["words"][0]}, {a["words"][1]}, {a["words"][2]}, {a["bw"]}}},\n'
            f'     {{{o["total"]}, {o["stall"]}, {{{", ".join(map(pair, s))}}},\n'
            f'      {{{", ".join(map(pair, d))}}}}}}},')


def main(argv):
    if argv == ["--golden"]:
        ok = True
        for released, table in ((0, GOLDEN), (1, RELEASED)):
            for df, expected in table.items():
                got = run_case(dict(gemm=1, m=256, n=128, k=256, df=df, rows=32, cols=32,
                                    words=[65536] * 3, bw=10, released=released))
                name = "released" if released else "golden"
                print(name, df, "matches" if got == expected else f"DIFFERS: {got}")
                ok &= got == expected
        return 0 if ok else 1
    if argv == ["--cases"]:
        for i, layer in enumerate(CASE_LAYERS):
            for j, df in enumerate(["os", "ws", "is"]):
                words, bw = CASE_MEMORIES[(i + j) % len(CASE_MEMORIES)]
                rows, cols = CASE_ARRAYS[i]
                a = dict(layer, df=df, rows=rows, cols=cols, words=words, bw=bw)
                print(cpp_row(a, run_case(a)))
        return 0
    if len(argv) == 1:
        print(json.dumps(run_case(json.loads(argv[0]))))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
