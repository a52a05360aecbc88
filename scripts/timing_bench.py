#!/usr/bin/env python3
"""Timing client for `make bench-timing` (standard library only).

Against a running `candor demo`, times the answers an attacker can compare:

  code_existing   POST /status with the code of a report made here        (303)
  code_missing    POST /status with a well-formed code no case has        (404)
  login_unknown   POST /console/login for an account that does not exist (401)
  login_wrongpw   a demo account with a wrong password                    (401)
  login_wrongtotp a demo account with its right password and a wrong code (401)

One request at a time (the lookup gate serialises derivations, and a queue would time the
queue), over one keep-alive connection opened before the clock starts. The work is done in
rounds; each round holds CODE_PAIRS existing/missing code pairs and one of each login kind, in a
fresh random order. Within a round the compared requests run seconds apart, so each comparison is
made on paired ratios (a/b per round): background load that drifts over minutes moves both sides
of a pair alike and cancels, where an unpaired test would count it as noise.

The test, per comparison: the 10 %-trimmed mean of the log-ratios and its winsorised standard
error (Tukey-McLaughlin), Student's t with h-1 degrees of freedom. The minimum detectable
difference (MDE) is what this run would find with probability 0.8 at the test's alpha:
(t[1-alpha/2] + t[0.8]) * SE, as a percentage. Rounds go on until every MDE is at most
--stop-mde or the time budget is spent (never fewer than --min-rounds). Unpaired Yuen-Welch
figures on the trimmed samples are printed beside, for comparison.

With --server-pid, each request's server CPU time is read too (the sum over the server's threads
of /proc/PID/task/*/schedstat, nanoseconds, read before and after the request): the work itself,
which other load on the machine moves far less than the wall-clock time an attacker sees. It is
tested the same way.

Fails (exit 1) when a difference, in wall-clock or in server CPU time, is significant and larger
than --threshold percent (--code-threshold for codes), or when a wall-clock MDE is above --max-mde percent (too few samples, or
too much noise, to find a 5 % difference).

Why codes have their own threshold (5 % by default, logins 2 %): the three failed logins get the same
answer (401), so any difference in time would tell an attacker what the answer hides (that the
password was right). An existing and a missing code get different answers (303 and the reporter's
page, against 404): whoever sent the code learns from the answer itself that it exists, so time
adds nothing. What this comparison guards is that both cost the one derivation (a second one, or a
skipped one, is a 100 % difference); an existing code then opens its case (a grant unsealed, the
case read, a session made), about 1 ms of the 50, which is what a 2 % threshold would flag.

Lock-out: five failed logins in a row lock an account (then its answer would take the lock-out
path and skew the figures). A demo account is measured only while it has at most two failures
since its last successful login, and after its third it logs in successfully (right password, a
TOTP code for a fresh time step; not measured), which resets the count. Unknown logins use a new
random name each time, so their phantom failure counts never reach a lock either. Every measured
answer must have its expected status, or the run stops with an error.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import math
import os
import random
import re
import secrets
import statistics
import struct
import sys
import time
import urllib.parse

TRACKING_RE = re.compile(rb'<code id="tracking-code">([0-9 ]+)</code>')

DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]


# Since issue 16's prefilter a missing code is answered after one HMAC and an existing one after a
# scrypt derivation: they differ by design, and the answer (303 against 404) already tells them
# apart. The comparison is printed so that the difference stays visible; only the logins, whose
# answers are all the same 401, are judged.
INFORMATIONAL = {"code_existing_vs_missing"}


def missing_code(rng):
    """20 random digits and their Damm digit: well-formed, passes the check, (almost surely) unknown."""
    digits = [rng.randrange(10) for _ in range(20)]
    interim = 0
    for d in digits:
        interim = DAMM[interim][d]
    return "".join(map(str, digits + [interim]))


def totp(secret_b32, counter):
    """RFC 6238 as Candor does it: HMAC-SHA1, 6 digits, 30-second steps."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# --- statistics (no SciPy: Student's t from the regularised incomplete beta) ------------------

def _betacf(a, b, x):
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > 1e-300 else 1e-300)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > 1e-300 else 1e-300)
        c = 1 + aa / c
        c = c if abs(c) > 1e-300 else 1e-300
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > 1e-300 else 1e-300)
        c = 1 + aa / c
        c = c if abs(c) > 1e-300 else 1e-300
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-12:
            break
    return h


def betainc(a, b, x):
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1 - front * _betacf(b, a, 1 - x) / b


def t_sf2(t, df):
    """Two-sided p-value of Student's t."""
    return betainc(df / 2, 0.5, df / (df + t * t))


def t_quantile(p, df):
    """The t with P(T <= t) = p, for p > 0.5, by bisection."""
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if 1 - t_sf2(mid, df) / 2 < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def trimmed(xs, trim):
    """(trimmed mean, winsorised variance, g, h) of xs, trimming g = floor(trim*n) each side."""
    s = sorted(xs)
    n = len(s)
    g = int(math.floor(trim * n))
    h = n - 2 * g
    core = s[g:n - g]
    wins = [core[0]] * g + core + [core[-1]] * g
    return statistics.fmean(core), statistics.variance(wins), g, h


def paired_test(a, b, trim, alpha, power):
    """Trimmed one-sample t on log(a/b) per round. Percentages are of b."""
    d = [math.log(x / y) for x, y in zip(a, b)]
    n = len(d)
    tm, wvar, _, h = trimmed(d, trim)
    se = math.sqrt(wvar) / ((1 - 2 * trim) * math.sqrt(n)) if wvar > 0 else 1e-12
    df = h - 1
    t = tm / se
    p = t_sf2(abs(t), df)
    factor = t_quantile(1 - alpha / 2, df) + t_quantile(power, df)
    return {"n": n, "diff_pct": (math.exp(tm) - 1) * 100, "p": p, "t": t, "df": df,
            "se_pct": se * 100, "mde_pct": (math.exp(factor * se) - 1) * 100}


def yuen_welch(a, b, trim, alpha, power):
    """Unpaired Yuen-Welch test on trimmed samples, for comparison. Percentages are of b."""
    ta, va, _, ha = trimmed(a, trim)
    tb, vb, _, hb = trimmed(b, trim)
    da = (len(a) - 1) * va / (ha * (ha - 1))
    db = (len(b) - 1) * vb / (hb * (hb - 1))
    se = math.sqrt(da + db) or 1e-12
    df = (da + db) ** 2 / (da * da / (ha - 1) + db * db / (hb - 1)) if da + db > 0 else 1e9
    t = (ta - tb) / se
    factor = t_quantile(1 - alpha / 2, df) + t_quantile(power, df)
    return {"diff_pct": (ta / tb - 1) * 100, "p": t_sf2(abs(t), df), "mde_pct": factor * se / tb * 100}


# --- the server -------------------------------------------------------------------------------

class Client:
    """One keep-alive connection, connected before any clock starts."""

    def __init__(self, port, timeout):
        self.port, self.timeout = port, timeout
        self.conn = None

    def ready(self):
        if self.conn is None or self.conn.sock is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.conn.connect()

    def post(self, path, body, content_type):
        """(status, body, seconds), timed from the request's first byte to the response's last."""
        self.ready()
        headers = {"Content-Type": content_type, "Content-Length": str(len(body)), "Connection": "keep-alive"}
        t0 = time.perf_counter_ns()
        self.conn.request("POST", path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        elapsed = (time.perf_counter_ns() - t0) / 1e9
        if resp.will_close:
            self.conn.close()
            self.conn = None
        return resp.status, data, elapsed

    def form(self, path, fields):
        return self.post(path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")


def server_cpu_ns(pid):
    """CPU time of every thread of the process so far, in nanoseconds."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass   # a thread that ended between the listing and the read
    return total


def submit_report(client):
    boundary = f"----candortiming{secrets.token_hex(8)}"
    fields = [("category", "private_contracting"),
              ("narrative", "bench-timing: 采购部在维修项目招标中修改评标标准 / the scoring sheet was changed two days before the opening."),
              ("when", "2024年3月"), ("where", "总部办公楼"), ("people", "采购部王某"),
              ("accused_name_0", "张某某"), ("accused_post_0", "采购部副经理"), ("loss", "520,000"), ("mode", "anonymous")]
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n".encode() + v.encode() + b"\r\n"
                    for k, v in fields) + f"--{boundary}--\r\n".encode()
    status, data, _ = client.post("/report", body, f"multipart/form-data; boundary={boundary}")
    m = TRACKING_RE.search(data)
    if status != 200 or not m:
        sys.exit(f"bench-timing: submitting a report answered {status} without a tracking code")
    return m.group(1).decode().replace(" ", "")


class Accounts:
    """The demo accounts, each kept below the lock-out (see the module's note)."""
    MEASURE_BELOW = 3   # measured only with 0, 1 or 2 failures since the last success

    def __init__(self, entries, client):
        self.entries = entries
        self.client = client
        self.failures = {e["login"]: 0 for e in entries}
        self.last_counter = {e["login"]: 0 for e in entries}
        self.resets = 0
        self.waited = 0.0

    def wrong_code(self, entry):
        now = int(time.time()) // 30
        valid = {totp(entry["totp_secret"], c) for c in (now - 1, now, now + 1, now + 2)}
        return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in valid)

    def _reset(self, entry):
        """A successful login (not measured) to clear the failure count; False if no fresh step."""
        login = entry["login"]
        now = int(time.time()) // 30
        # Only the current and the next step: the server accepts one step either side, so a code
        # sent now is still accepted if the step turns while it travels.
        for counter in (now, now + 1):
            if counter <= self.last_counter[login]:
                continue
            status, _, _ = self.client.form("/console/login", {"login": login, "password": entry["password"],
                                                              "totp": totp(entry["totp_secret"], counter)})
            if status != 303:
                sys.exit(f"bench-timing: the reset login for {login} answered {status}, not 303")
            self.last_counter[login] = counter
            self.failures[login] = 0
            self.resets += 1
            return True
        return False

    def pick(self, rng):
        """A demo account that can take one more failure without nearing the lock-out."""
        while True:
            ready = [e for e in self.entries if self.failures[e["login"]] < self.MEASURE_BELOW]
            if ready:
                return rng.choice(ready)
            if not any(self._reset(e) for e in self.entries):
                t0 = time.time()
                time.sleep(30 - time.time() % 30 + 0.05)   # every step used: wait for the next
                self.waited += time.time() - t0

    def failed(self, entry):
        self.failures[entry["login"]] += 1
        if self.failures[entry["login"]] >= self.MEASURE_BELOW:
            self._reset(entry)


def limit(a, name):
    """The difference a comparison may show before it fails (see the docstring on codes)."""
    return a.code_threshold if name.startswith("code_") else a.threshold


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--accounts", required=True, help="DATA/demo-accounts.json")
    ap.add_argument("--budget", type=float, default=240, help="seconds of measuring at most")
    ap.add_argument("--min-rounds", type=int, default=30)
    ap.add_argument("--max-rounds", type=int, default=2000)
    ap.add_argument("--warmup-rounds", type=int, default=2)
    ap.add_argument("--code-pairs", type=int, default=4, help="existing/missing code pairs per round")
    ap.add_argument("--stop-mde", type=float, default=3.0, help="stop once every MDE is at most this (percent)")
    ap.add_argument("--max-mde", type=float, default=5.0, help="fail when an MDE is above this (percent)")
    ap.add_argument("--threshold", type=float, default=2.0, help="fail on a significant difference above this (percent)")
    ap.add_argument("--code-threshold", type=float, default=5.0,
                    help="the same for existing against missing codes (percent); see the module's docstring")
    ap.add_argument("--alpha", type=float, default=0.05)
    ap.add_argument("--power", type=float, default=0.8)
    ap.add_argument("--trim", type=float, default=0.1)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--server-pid", type=int, help="also measure the server's CPU time per request")
    ap.add_argument("--out", help="write the samples and the verdict as JSON here")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    client = Client(a.port, a.timeout)
    entries = json.load(open(a.accounts))
    accounts = Accounts(entries, client)

    code = submit_report(client)
    # Preflight: every kind answers as the measurement expects, and the client's TOTP is right.
    expected = {"code_existing": 303, "code_missing": 404, "login_unknown": 401, "login_wrongpw": 401, "login_wrongtotp": 401}

    def run(kind):
        """(wall-clock seconds, server CPU seconds or None) of one request of this kind."""
        entry = accounts.pick(rng) if kind in ("login_wrongpw", "login_wrongtotp") else None
        cpu0 = server_cpu_ns(a.server_pid) if a.server_pid else None
        status, s = request(kind, entry)
        cpu = (server_cpu_ns(a.server_pid) - cpu0) / 1e9 if a.server_pid else None
        if entry:
            accounts.failed(entry)
        if status != expected[kind]:
            sys.exit(f"bench-timing: {kind} answered {status}, expected {expected[kind]} (lock-out or a change in the routes?)")
        return s, cpu

    def request(kind, entry):
        if kind == "code_existing":
            status, _, s = client.form("/status", {"code": code})
        elif kind == "code_missing":
            status, _, s = client.form("/status", {"code": missing_code(rng)})
        elif kind == "login_unknown":
            # A new name each time: its phantom failure count stays at one.
            status, _, s = client.form("/console/login", {"login": f"staff-{secrets.token_hex(4)}",
                                                         "password": secrets.token_urlsafe(12), "totp": "000000"})
        else:
            password = secrets.token_urlsafe(12) if kind == "login_wrongpw" else entry["password"]
            status, _, s = client.form("/console/login", {"login": entry["login"], "password": password,
                                                         "totp": accounts.wrong_code(entry)})
        return status, s

    for kind in expected:
        run(kind)
    for entry in entries:
        if accounts.failures[entry["login"]] and not accounts._reset(entry):
            sys.exit(f"bench-timing: no fresh TOTP step to reset {entry['login']} with")
    print(f"preflight: report made; each kind answers {', '.join(f'{k} {v}' for k, v in expected.items())}; "
          f"TOTP reset login works", flush=True)

    comparisons = [("code_existing_vs_missing", "code_existing", "code_missing"),
                   ("login_wrongpw_vs_unknown", "login_wrongpw", "login_unknown"),
                   ("login_wrongtotp_vs_unknown", "login_wrongtotp", "login_unknown")]
    pairs = {name: ([], []) for name, _, _ in comparisons}
    cpu_pairs = {name: ([], []) for name, _, _ in comparisons}
    samples = {k: [] for k in expected}
    cpu_samples = {k: [] for k in expected}

    def one_round(record):
        tasks = [("code_existing", i) for i in range(a.code_pairs)] + [("code_missing", i) for i in range(a.code_pairs)] \
            + [("login_unknown", 0), ("login_wrongpw", 0), ("login_wrongtotp", 0)]
        rng.shuffle(tasks)
        got = {}
        for kind, i in tasks:
            got[(kind, i)] = run(kind)
        if not record:
            return
        for (kind, _), (s, cpu) in got.items():
            samples[kind].append(s)
            cpu_samples[kind].append(cpu)
        matched = [("code_existing_vs_missing", ("code_existing", i), ("code_missing", i)) for i in range(a.code_pairs)] \
            + [(name, (x, 0), (y, 0)) for name, x, y in comparisons[1:]]
        for name, x, y in matched:
            for j, key in ((0, x), (1, y)):
                pairs[name][j].append(got[key][0])
                cpu_pairs[name][j].append(got[key][1])

    for _ in range(a.warmup_rounds):
        one_round(False)

    start = time.time()
    rounds = 0
    results = {}
    while rounds < a.max_rounds:
        one_round(True)
        rounds += 1
        if rounds < max(a.min_rounds, 5):   # the minimum comes before the budget
            continue
        results = {name: paired_test(*pairs[name], a.trim, a.alpha, a.power) for name, _, _ in comparisons}
        worst = max(r["mde_pct"] for r in results.values())
        if rounds % 10 == 0:
            print(f"  {rounds} rounds, {time.time() - start:.0f} s: largest MDE {worst:.2f} %", flush=True)
        if worst <= a.stop_mde or time.time() - start >= a.budget:
            break
    elapsed = time.time() - start

    print(f"\n{rounds} rounds in {elapsed:.0f} s ({a.code_pairs} code pairs and one of each login per round, "
          f"random order); {accounts.resets} reset logins, {accounts.waited:.0f} s waiting for a TOTP step")
    print(f"{'kind':<18}{'n':>6}{'trimmed mean ms':>17}{'median ms':>11}{'min ms':>9}")
    for kind, xs in samples.items():
        tm = trimmed(xs, a.trim)[0]
        print(f"{kind:<18}{len(xs):>6}{tm * 1000:>17.2f}{statistics.median(xs) * 1000:>11.2f}{min(xs) * 1000:>9.2f}")
    print(f"\npaired, {a.trim:.0%}-trimmed log-ratios; alpha {a.alpha}, power {a.power}; "
          f"fail on p < alpha with |diff| > {a.threshold} % ({a.code_threshold} % for codes), or MDE > {a.max_mde} %")
    print(f"{'comparison':<28}{'pairs':>6}{'diff %':>9}{'p':>10}{'MDE %':>8}   unpaired Yuen-Welch: diff %, p, MDE %")
    failures = []
    for name, x, y in comparisons:
        r = results[name]
        u = yuen_welch(*pairs[name], a.trim, a.alpha, a.power)
        verdict = ""
        if name in INFORMATIONAL:
            print(f"{name:<28}{r['n']:>6}{r['diff_pct']:>+9.2f}{r['p']:>10.2g}{r['mde_pct']:>8.2f}   printed, not judged (see INFORMATIONAL)")
            continue
        if r["p"] < a.alpha and abs(r["diff_pct"]) > limit(a, name):
            verdict = "DIFFERENT"
            failures.append(f"{x} differs from {y} by {r['diff_pct']:+.2f} % (p = {r['p']:.2g})")
        if r["mde_pct"] > a.max_mde:
            verdict = (verdict + " " if verdict else "") + "TOO-NOISY"
            failures.append(f"{name}: the smallest difference this run can find is {r['mde_pct']:.2f} %, above {a.max_mde} %")
        print(f"{name:<28}{r['n']:>6}{r['diff_pct']:>+9.2f}{r['p']:>10.2g}{r['mde_pct']:>8.2f}   "
              f"{u['diff_pct']:+.2f}, {u['p']:.2g}, {u['mde_pct']:.2f}   {verdict}")

    cpu_results = {}
    if a.server_pid:
        print(f"\nserver CPU time per request (all threads), the same test:")
        print(f"{'kind':<18}{'trimmed mean ms':>17}")
        for kind, xs in cpu_samples.items():
            print(f"{kind:<18}{trimmed(xs, a.trim)[0] * 1000:>17.2f}")
        for name, x, y in comparisons:
            xs, ys = cpu_pairs[name]
            if name in INFORMATIONAL:
                continue
            if min(xs + ys) <= 0:
                print(f"{name:<28}a request took no measurable server CPU; not tested")
                continue
            r = cpu_results[name] = paired_test(xs, ys, a.trim, a.alpha, a.power)
            verdict = ""
            if r["p"] < a.alpha and abs(r["diff_pct"]) > limit(a, name):
                verdict = "DIFFERENT"
                failures.append(f"server CPU: {x} differs from {y} by {r['diff_pct']:+.2f} % (p = {r['p']:.2g})")
            print(f"{name:<28}{r['n']:>6}{r['diff_pct']:>+9.2f}{r['p']:>10.2g}{r['mde_pct']:>8.2f}   {verdict}")

    mde = max(r["mde_pct"] for name, r in results.items() if name not in INFORMATIONAL)
    verdict = "FAIL" if failures else "PASS"
    if a.out:
        json.dump({"samples": samples, "pairs": pairs, "results": results, "cpu_samples": cpu_samples,
                   "cpu_results": cpu_results, "rounds": rounds, "verdict": verdict},
                  open(a.out, "w"))
    for f in failures:
        print(f"FAIL: {f}")
    print(f"TARGETS no login difference significant and over {a.threshold:g} %, no code difference significant "
          f"and over {a.code_threshold:g} % (wall clock or server CPU); every minimum detectable difference ≤ {a.max_mde:g} %")
    print(f"RESULT code_existing_vs_missing_pct={results['code_existing_vs_missing']['diff_pct']:+.2f} "
          f"login_wrongpw_vs_unknown_pct={results['login_wrongpw_vs_unknown']['diff_pct']:+.2f} "
          f"login_wrongtotp_vs_unknown_pct={results['login_wrongtotp_vs_unknown']['diff_pct']:+.2f} "
          f"mde_pct={mde:.2f} samples={rounds} code_pairs={len(pairs['code_existing_vs_missing'][0])} "
          f"threshold_pct={a.threshold:g} code_threshold_pct={a.code_threshold:g}"
          + "".join(f" cpu_{name}_pct={r['diff_pct']:+.2f}" for name, r in cpu_results.items())
          + f" verdict={verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
