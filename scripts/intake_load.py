#!/usr/bin/env python3
"""Load client for `make bench-intake` (standard library only).

Subcommands:
  kdf        the machine's scrypt limit at N=2^14, r=8, p=1: single-thread ms per derivation,
             then one process per core for a fixed time (derivations per second).
  preflight  one submission, then POST /status with its code (expects 303) and with a random
             well-formed code (expects 404): checks the client's form and Damm digit.
  load       C reporters submitting a ~2 KB multipart report over keep-alive connections for a
             fixed time after a warm-up; optionally F more clients flooding POST /status with
             wrong (well-formed) codes from a separate process, while one genuine reporter
             opens their own case every 0.1 s (its first-try rate and p99).
  report     the table and the RESULT line, from the JSON the other subcommands wrote.

Every subcommand that measures writes one JSON object to --out.
"""

import argparse
import hashlib
import http.client
import json
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time

TRACKING_RE = re.compile(rb'<code id="tracking-code">([0-9 ]+)</code>')

# --- Damm check digit (same table as Casework.TrackingCode) ---------------------------------

DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]


def damm(digits):
    interim = 0
    for d in digits:
        interim = DAMM[interim][d]
    return interim


def wrong_code(rng):
    """20 random digits and their Damm digit: well-formed, passes the check, (almost surely) unknown."""
    digits = [rng.randrange(10) for _ in range(20)]
    return "".join(map(str, digits + [damm(digits)]))


# --- /proc readings ---------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return None


def machine_cpu():
    """(busy, total) seconds over all cores from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts[:8]]
    idle = vals[3] + vals[4]
    return (sum(vals) - idle) / CLK_TCK, sum(vals) / CLK_TCK


def proc_status(pid, key):
    """An integer field of /proc/PID/status (kB for the Vm* fields); None if unreadable."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# --- kdf ------------------------------------------------------------------------------------

def _scrypt_once(i):
    return hashlib.scrypt(b"candor-bench-%d" % i, salt=b"candor/tracking-scrypt/v1",
                          n=16384, r=8, p=1, maxmem=64 * 1024 * 1024, dklen=64)


def _kdf_worker(args):
    seconds, start_at = args
    while time.time() < start_at:           # all workers start together
        time.sleep(0.001)
    end = start_at + seconds
    cpu0 = time.process_time()
    count, times = 0, []
    while True:
        t = time.perf_counter()
        _scrypt_once(count)
        times.append(time.perf_counter() - t)
        count += 1
        if time.time() >= end:
            break
    return count, time.time() - start_at, times, time.process_time() - cpu0


def cmd_kdf(a):
    workers = a.workers or os.cpu_count()
    # Single thread: the cost of one derivation with the other core idle (as far as we control).
    _scrypt_once(0)
    single, t0 = [], time.perf_counter()
    while time.perf_counter() - t0 < a.single_seconds:
        t = time.perf_counter()
        _scrypt_once(len(single))
        single.append(time.perf_counter() - t)
    kdf_ms = statistics.median(single) * 1000
    # All cores: one process per core, a fixed window.
    busy0, tot0 = machine_cpu()
    with multiprocessing.Pool(workers) as pool:
        start_at = time.time() + 0.5
        results = pool.map(_kdf_worker, [(a.seconds, start_at)] * workers)
    busy1, tot1 = machine_cpu()
    total = sum(r[0] for r in results)
    elapsed = max(r[1] for r in results)
    per_worker_ms = [statistics.median(r[2]) * 1000 for r in results]
    out = {
        "kdf_ms": kdf_ms, "kdf_ms_min": min(single) * 1000, "kdf_single_samples": len(single),
        "workers": workers, "derivations": total, "seconds": elapsed,
        "kdf_limit_per_s": total / elapsed, "parallel_ms_per_worker": per_worker_ms,
        "machine_busy_cores": (busy1 - busy0) / elapsed,
        # Share of a core each scrypt process actually got: below 1, other work took the rest.
        "worker_core_share": sum(r[3] for r in results) / elapsed / workers,
    }
    json.dump(out, open(a.out, "w"), indent=1)
    print(f"kdf: single-thread {kdf_ms:.1f} ms/derivation (min {min(single)*1000:.1f}, n={len(single)}); "
          f"{workers} processes: {total} derivations in {elapsed:.2f} s = {out['kdf_limit_per_s']:.2f}/s "
          f"(per-process median {', '.join(f'{m:.1f}' for m in per_worker_ms)} ms; "
          f"each process got {out['worker_core_share']:.2f} of a core)")


# --- the report body --------------------------------------------------------------------------

NARRATIVE_PARTS = [
    "2024年3月至8月期间，采购部在办公楼维修项目(合同编号 CG-2024-0317)的招标中，",
    "将评标标准在开标前两天修改为只有一家供应商能满足的条款；",
    "the winning bidder, Hengda Building Services Ltd., quoted 1,280,000 yuan against an internal estimate of 760,000 yuan. ",
    "项目负责人与该供应商法定代表人系亲属关系，但未按规定申请回避。",
    "Invoices for materials (steel, cable, fire doors) were signed off the same day they were issued, ",
    "验收记录显示部分材料并未进场。",
    "I saw the revised scoring sheet on the shared drive on 14 March; it was deleted on 20 March. ",
    "相关邮件和会议纪要可以在部门共享盘的备份中找到。",
]


def build_narrative(tag, size=2048):
    text, i = f"[{tag}] ", 0
    while len(text.encode()) < size:
        text += NARRATIVE_PARTS[i % len(NARRATIVE_PARTS)]
        i += 1
    raw = text.encode()[:size]
    return raw.decode("utf-8", errors="ignore")  # cut on a character boundary


def multipart_body(tag):
    boundary = f"----candorbench{tag}{random.getrandbits(48):012x}"
    fields = [
        ("category", "private_contracting"),
        ("narrative", build_narrative(tag)),
        ("when", "2024年3月至8月"),
        ("where", "总部办公楼 / HQ building, procurement office"),
        ("people", "采购部王某、财务部李某"),
        ("accused_name_0", "张某某"),
        ("accused_post_0", "采购部副经理"),
        ("loss", "520,000"),
        ("mode", "anonymous"),
    ]
    parts = []
    for name, value in fields:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode()
                     + value.encode() + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# --- load -----------------------------------------------------------------------------------

class Connection:
    """A keep-alive HTTP/1.1 connection that reopens itself after the server closes it."""

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method, path, body, headers):
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.will_close:
                self.conn.close()
            return resp.status, resp.getheader("Content-Type"), data
        except Exception:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            raise


def submitter(idx, a, start, warm_end, end, rec, lock):
    body, ctype = multipart_body(f"r{idx}")
    headers = {"Content-Type": ctype, "Content-Length": str(len(body)), "Connection": "keep-alive"}
    c = Connection(a.host, a.port, a.timeout)
    lat, ok_measured, errors, kinds = [], 0, 0, {}
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        try:
            status, _, data = c.request("POST", "/report", body, headers)
            kind = None if status == 200 and TRACKING_RE.search(data) else (
                f"http {status}" if status != 200 else "200 without tracking code")
        except Exception as e:  # noqa: BLE001 - any exception is an error
            kind = type(e).__name__
        t1 = time.perf_counter()
        if kind:
            errors += 1
            kinds[kind] = kinds.get(kind, 0) + 1
        elif t0 >= warm_end and t1 <= end:
            lat.append(t1 - t0)
            ok_measured += 1
        elif t0 < warm_end <= t1 <= end:
            ok_measured += 1  # completed inside the window; its latency straddles warm-up
    with lock:
        rec["lat"].extend(lat)
        rec["ok"] += ok_measured
        rec["errors"] += errors
        for k, v in kinds.items():
            rec["kinds"][k] = rec["kinds"].get(k, 0) + v


def flood_process(a, start_wall, end_wall, q):
    """Runs in its own process, so its GIL never delays the submitters' timing."""
    counts, lock = {}, threading.Lock()

    def flooder(idx):
        rng = random.Random(os.getpid() * 1000 + idx)
        bodies = [f"code={wrong_code(rng)}".encode() for _ in range(512)]
        c = Connection(a.host, a.port, a.timeout)
        local, i = {}, 0
        while time.time() < start_wall:
            time.sleep(0.005)
        while time.time() < end_wall:
            b = bodies[i % len(bodies)]
            i += 1
            try:
                status, _, _ = c.request("POST", "/status", b, {
                    "Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(b))})
                k = str(status)
            except Exception as e:  # noqa: BLE001
                k = type(e).__name__
            local[k] = local.get(k, 0) + 1
        with lock:
            for k, v in local.items():
                counts[k] = counts.get(k, 0) + v

    threads = [threading.Thread(target=flooder, args=(i,), daemon=True) for i in range(a.flood)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(a.timeout + 5)
    t = os.times()
    q.put({"counts": counts, "cpu_s": t.user + t.system})


def genuine_code(a):
    """A report of its own, so that the genuine reporter holds a real code before the flood starts."""
    body, ctype = multipart_body("genuine")
    status, _, data = Connection(a.host, a.port, a.timeout).request(
        "POST", "/report", body, {"Content-Type": ctype, "Content-Length": str(len(body))})
    m = TRACKING_RE.search(data)
    if status != 200 or not m:
        sys.exit(f"load: the genuine reporter's report answered {status} without a tracking code")
    return m.group(1).decode().replace(" ", "")


def genuine_reporter(a, code, warm_end, end, rec):
    """One reporter opening their own case, again and again, while the flood runs: every attempt
    counts, and only an immediate 303 (the case opened on the first try) is a success; a 503
    ("busy, try again") or anything else is a failure. A short pause between attempts, as a
    person would not hammer the form, and so that it does not add to the flood."""
    b = f"code={code}".encode()
    h = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(b))}
    c = Connection(a.host, a.port, a.timeout)
    while time.perf_counter() < warm_end:
        time.sleep(0.01)
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        try:
            status, _, _ = c.request("POST", "/status", b, h)
            k = str(status)
        except Exception as e:  # noqa: BLE001
            k = type(e).__name__
        rec["lat"].append((time.perf_counter() - t0) * 1000)
        rec["answers"][k] = rec["answers"].get(k, 0) + 1
        time.sleep(0.1)


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))  # nearest rank
    return s[k]


def cmd_load(a):
    rec, lock = {"lat": [], "ok": 0, "errors": 0, "kinds": {}}, threading.Lock()
    server_cpu0 = proc_cpu_seconds(a.server_pid) if a.server_pid else None
    busy0, _ = machine_cpu()
    self0 = os.times()
    now_wall, now = time.time(), time.perf_counter()
    lead = 0.3
    start, warm_end, end = now + lead, now + lead + a.warmup, now + lead + a.warmup + a.duration
    flood_proc = q = None
    genuine = {"lat": [], "answers": {}}
    genuine_thread = None
    if a.flood:
        code = genuine_code(a)
        now_wall, now = time.time(), time.perf_counter()
        start, warm_end, end = now + lead, now + lead + a.warmup, now + lead + a.warmup + a.duration
        genuine_thread = threading.Thread(target=genuine_reporter, args=(a, code, warm_end, end, genuine), daemon=True)
        genuine_thread.start()
        q = multiprocessing.Queue()
        flood_proc = multiprocessing.Process(
            target=flood_process, args=(a, now_wall + lead, now_wall + lead + a.warmup + a.duration, q))
        flood_proc.start()
    while time.perf_counter() < start:
        time.sleep(0.001)
    threads = [threading.Thread(target=submitter, args=(i, a, start, warm_end, end, rec, lock), daemon=True)
               for i in range(a.concurrency)]
    for t in threads:
        t.start()
    # Mid-window snapshot of where the CPU goes.
    top_text, server_threads = "", None
    mid = warm_end + a.duration / 2
    while time.perf_counter() < mid:
        time.sleep(0.05)
    if a.server_pid:
        server_threads = proc_status(a.server_pid, "Threads")
    if a.top:
        try:
            top_text = subprocess.run(["top", "-b", "-n1", "-w", "160"], capture_output=True, text=True,
                                      timeout=10).stdout
            top_text = "\n".join(top_text.splitlines()[:16])
        except Exception as e:  # noqa: BLE001
            top_text = f"(top failed: {e})"
    # CPU readings at the end of the measured window (not after stragglers finish).
    while time.perf_counter() < end:
        time.sleep(0.01)
    server_cpu1 = proc_cpu_seconds(a.server_pid) if a.server_pid else None
    busy1, _ = machine_cpu()
    self1 = os.times()
    for t in threads:
        t.join(a.timeout + 5)
    if genuine_thread:
        genuine_thread.join(a.timeout + 5)
    rss_kb = proc_status(a.server_pid, "VmRSS") if a.server_pid else None
    hwm_kb = proc_status(a.server_pid, "VmHWM") if a.server_pid else None
    flood = None
    if flood_proc:
        flood = q.get(timeout=a.timeout + 30)
        flood_proc.join(10)
    window = a.warmup + a.duration
    lat_ms = [x * 1000 for x in rec["lat"]]
    client_cpu = (self1.user + self1.system) - (self0.user + self0.system)
    out = {
        "concurrency": a.concurrency, "flood": a.flood, "duration": a.duration, "warmup": a.warmup,
        "ok": rec["ok"], "rps": rec["ok"] / a.duration, "errors": rec["errors"], "error_kinds": rec["kinds"],
        "latency_samples": len(lat_ms),
        "p50_ms": pct(lat_ms, 50), "p90_ms": pct(lat_ms, 90), "p99_ms": pct(lat_ms, 99),
        "max_ms": max(lat_ms) if lat_ms else None, "mean_ms": statistics.mean(lat_ms) if lat_ms else None,
        # CPU figures cover warm-up + measured window, in cores (seconds of CPU per wall second).
        "server_cores": (server_cpu1 - server_cpu0) / window if server_cpu0 is not None else None,
        "client_cores": client_cpu / window,
        "machine_busy_cores": (busy1 - busy0) / window,
        "server_threads_mid": server_threads,
        "server_rss_mb_after": rss_kb / 1024 if rss_kb else None,
        "server_hwm_mb_after": hwm_kb / 1024 if hwm_kb else None,
        "top": top_text,
    }
    if flood:
        total = sum(flood["counts"].values())
        out["flood_counts"] = flood["counts"]
        out["flood_rps"] = total / window
        out["flood_client_cores"] = flood["cpu_s"] / window
        attempts = sum(genuine["answers"].values())
        out["genuine_answers"] = genuine["answers"]
        out["genuine_attempts"] = attempts
        out["genuine_first_try_rate"] = genuine["answers"].get("303", 0) / attempts if attempts else 0.0
        out["genuine_p99_ms"] = pct(genuine["lat"], 99)
    # What neither the server nor this client used: other work on the machine (builds, tests).
    if out["server_cores"] is not None:
        out["other_cores"] = max(0.0, out["machine_busy_cores"] - out["server_cores"] - out["client_cores"]
                                 - out.get("flood_client_cores", 0.0))
    json.dump(out, open(a.out, "w"), indent=1)
    f = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
    line = (f"c={a.concurrency}{' +flood ' + str(a.flood) if a.flood else ''}: {out['rps']:.2f} submissions/s, "
            f"p50 {f(out['p50_ms'])} p99 {f(out['p99_ms'])} max {f(out['max_ms'])} ms, errors {out['errors']}"
            f"{' ' + json.dumps(rec['kinds']) if rec['kinds'] else ''}; CPU cores: server {f(out['server_cores'])[:4]}"
            f" client {out['client_cores']:.2f} other {out.get('other_cores', 0):.2f}; server RSS after "
            f"{f(out['server_rss_mb_after'])} MiB, VmHWM {f(out['server_hwm_mb_after'])} MiB")
    if flood:
        line += f"; flood {out['flood_rps']:.0f} req/s {json.dumps(flood['counts'])} (flood client {out['flood_client_cores']:.2f} cores)"
        line += (f"; genuine reporter: {out['genuine_attempts']} lookups {json.dumps(genuine['answers'])}, "
                 f"first-try rate {out['genuine_first_try_rate']:.3f}, p99 {f(out['genuine_p99_ms'])} ms")
    print(line)


# --- preflight --------------------------------------------------------------------------------

def cmd_preflight(a):
    body, ctype = multipart_body("preflight")
    c = Connection(a.host, a.port, a.timeout)
    status, _, data = c.request("POST", "/report", body, {"Content-Type": ctype, "Content-Length": str(len(body))})
    m = TRACKING_RE.search(data)
    if status != 200 or not m:
        sys.exit(f"preflight: POST /report answered {status} without a tracking code:\n{data[:2000]!r}")
    code = m.group(1).decode().replace(" ", "")
    if damm([int(d) for d in code]) != 0:
        sys.exit(f"preflight: receipt code {code} fails the client's Damm check: the table differs")
    b = f"code={code}".encode()
    h = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(b))}
    status, _, _ = c.request("POST", "/status", b, h)
    if status != 303:
        sys.exit(f"preflight: POST /status with the receipt's code answered {status}, expected 303")
    b = f"code={wrong_code(random.Random())}".encode()
    status, _, _ = c.request("POST", "/status", b, dict(h, **{"Content-Length": str(len(b))}))
    if status != 404:
        sys.exit(f"preflight: POST /status with a wrong well-formed code answered {status}, expected 404")
    print(f"preflight: report body {len(body)} bytes (narrative {len(build_narrative('x').encode())} bytes UTF-8); "
          f"receipt code passes Damm; its code -> 303; a wrong code -> 404")


# --- report -----------------------------------------------------------------------------------

def cmd_report(a):
    kdf = json.load(open(a.kdf))
    runs = {k: json.load(open(v)) for k, v in (x.split("=", 1) for x in a.runs)}
    missing = [k for k in ("c1", "c32", "flood") if k not in runs]
    if missing:
        sys.exit(f"FAIL: no {', '.join(missing)} run: the targets need 1 and 32 reporters and the flood run")
    c1, c32, fl = runs["c1"], runs["c32"], runs["flood"]
    kdf_limit = kdf["kdf_limit_per_s"]
    kdf_ms = kdf["kdf_ms"]
    rps32 = c32["rps"]
    eff = rps32 / kdf_limit if kdf_limit else 0
    errors = sum(r["errors"] for r in runs.values())
    p99_1 = c1["p99_ms"] or 0
    flood_rps = fl["rps"]
    idle, peak = a.idle_rss_mb, a.peak_rss_mb

    def mark(ok):
        return "ok  " if ok else "MISS"

    print()
    print("== intake benchmark")
    print(f"{'run':<16}{'subm/s':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
          f"{'srv cores':>11}{'client':>8}{'other':>7}{'thr':>5}{'RSS MiB':>9}{'HWM MiB':>9}")
    for name, r in runs.items():
        g = lambda v: "-" if v is None else f"{v:.1f}"  # noqa: E731
        print(f"{name:<16}{r['rps']:>8.2f}{g(r['p50_ms']):>9}{g(r['p90_ms']):>9}{g(r['p99_ms']):>9}"
              f"{g(r['max_ms']):>9}{r['errors']:>8}{g(r['server_cores']):>11}"
              f"{r['client_cores'] + r.get('flood_client_cores', 0):>8.2f}{r.get('other_cores', 0):>7.2f}"
              f"{str(r['server_threads_mid']):>5}{g(r['server_rss_mb_after']):>9}{g(r['server_hwm_mb_after']):>9}")
    print("(cores = CPU seconds per wall second over warm-up + window; client includes the flood process;"
          " other = the rest of the machine; thr = server threads mid-run; RSS/HWM after the run)")
    for name, r in runs.items():
        if r.get("other_cores", 0) > 0.2:
            print(f"WARNING: other processes used {r['other_cores']:.2f} cores during {name}: its figures are disturbed")
    if kdf.get("worker_core_share", 1) < 0.9:
        print(f"WARNING: each scrypt process got only {kdf['worker_core_share']:.2f} of a core: "
              "the kdf limit is understated")
    if "flood_counts" in fl:
        print(f"flood: {fl['flood_rps']:.0f} POST /status per s, answers {fl['flood_counts']}, "
              f"flood client used {fl['flood_client_cores']:.2f} cores")
    print(f"kdf: {kdf_ms:.1f} ms per derivation single-thread; {kdf['workers']} processes "
          f"-> {kdf_limit:.2f} derivations/s")
    print(f"server RSS: idle {idle:.1f} MiB; peak during the benchmark {peak:.1f} MiB"
          f" (lifetime VmHWM incl. demo setup {a.setup_hwm_mb:.1f} MiB{'' if a.hwm_reset else '; reset not possible, peak = lifetime'})")
    print()
    print("== against the targets")
    # The flood's own answers: a wrong code is a 404, a refused lookup a 503. Anything else (a
    # 500, a dropped connection) is the server failing under the flood, not the flood's success.
    flood_bad = {k: v for k, v in fl.get("flood_counts", {}).items() if k not in ("404", "503")}
    flood_unexpected = sum(flood_bad.values())
    te, slack, share = a.target_efficiency, a.target_p99_slack_ms, a.target_flood_share
    genuine_rate, genuine_p99 = fl.get("genuine_first_try_rate", 0.0), fl.get("genuine_p99_ms") or 0.0
    rows = [
        (f"efficiency = submit_rps_c32 / kdf_limit = {rps32:.2f} / {kdf_limit:.2f}", f"{eff:.2f}", f">= {te:.2f}",
         eff >= te),
        ("errors in the submission runs", str(errors), "0", errors == 0),
        ("flood answers other than 404 or 503", f"{flood_unexpected}{' ' + json.dumps(flood_bad) if flood_bad else ''}",
         "0", flood_unexpected == 0),
        ("submit p99 at 1 reporter", f"{p99_1:.1f} ms", f"<= kdf_ms + {slack:g} = {kdf_ms + slack:.1f} ms", p99_1 <= kdf_ms + slack),
        ("submit rps at 32 under flood", f"{flood_rps:.2f}/s", f">= {share:g} x {rps32:.2f} = {share * rps32:.2f}/s",
         flood_rps >= share * rps32),
        (f"genuine lookup first try under flood ({fl.get('genuine_attempts', 0)} lookups)", f"{genuine_rate:.3f}",
         f">= {a.target_genuine_rate:g}", genuine_rate >= a.target_genuine_rate),
        ("idle RSS", f"{idle:.1f} MiB", f"<= {a.target_idle_rss_mb:g} MiB", idle <= a.target_idle_rss_mb),
        ("peak RSS", f"{peak:.1f} MiB", f"<= {a.target_peak_rss_mb:g} MiB", peak <= a.target_peak_rss_mb),
    ]
    for what, value, target, ok in rows:
        print(f"  {mark(ok)} {what:<58} {value:>12}   target {target}")
    print(f"TARGETS efficiency ≥ {te:g}; 0 errors (submissions, and flood answers other than 404/503); "
          f"p99 at 1 reporter ≤ one derivation + {slack:g} ms; ≥ {share:g} × c32 under flood; "
          f"genuine lookup first try ≥ {a.target_genuine_rate:g} under flood; "
          f"idle ≤ {a.target_idle_rss_mb:g} MiB; peak ≤ {a.target_peak_rss_mb:g} MiB")
    print(f"RESULT kdf_limit_per_s={kdf_limit:.2f} submit_rps_c32={rps32:.2f} efficiency={eff:.2f} "
          f"submit_p99_ms_c1={p99_1:.1f} kdf_ms={kdf_ms:.1f} flood_submit_rps_c32={flood_rps:.2f} "
          f"errors={errors} flood_unexpected={flood_unexpected} idle_rss_mb={idle:.1f} peak_rss_mb={peak:.1f} "
          f"genuine_lookup_first_try_rate={genuine_rate:.3f} genuine_lookup_p99_ms={genuine_p99:.1f}")
    missed = [f"{what} = {value}, target {target}" for what, value, target, ok in rows if not ok]
    if missed:
        print("bench-intake FAILED:", file=sys.stderr)
        for m in missed:
            print(f"  missed: {m}", file=sys.stderr)
        sys.exit(1)
    print("bench-intake: every target met, no errors")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("kdf")
    k.add_argument("--seconds", type=float, default=5)
    k.add_argument("--single-seconds", type=float, default=2)
    k.add_argument("--workers", type=int, default=0)
    k.add_argument("--out", required=True)
    for name in ("load", "preflight"):
        s = sub.add_parser(name)
        s.add_argument("--host", default="127.0.0.1")
        s.add_argument("--port", type=int, required=True)
        s.add_argument("--timeout", type=float, default=60)
        if name == "load":
            s.add_argument("--concurrency", type=int, required=True)
            s.add_argument("--flood", type=int, default=0)
            s.add_argument("--duration", type=float, default=10)
            s.add_argument("--warmup", type=float, default=2)
            s.add_argument("--server-pid", type=int, default=0)
            s.add_argument("--top", action="store_true")
            s.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--kdf", required=True)
    r.add_argument("--idle-rss-mb", type=float, required=True)
    r.add_argument("--peak-rss-mb", type=float, required=True)
    r.add_argument("--setup-hwm-mb", type=float, required=True)
    r.add_argument("--hwm-reset", type=int, default=1)
    r.add_argument("--target-efficiency", type=float, default=0.8)
    r.add_argument("--target-p99-slack-ms", type=float, default=25)
    r.add_argument("--target-flood-share", type=float, default=0.5)
    r.add_argument("--target-idle-rss-mb", type=float, default=30)
    r.add_argument("--target-peak-rss-mb", type=float, default=100)
    r.add_argument("--target-genuine-rate", type=float, default=0.99)
    r.add_argument("runs", nargs="+", help="NAME=FILE for c1, c8, c32, flood")
    a = p.parse_args()
    {"kdf": cmd_kdf, "load": cmd_load, "preflight": cmd_preflight, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
