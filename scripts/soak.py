#!/usr/bin/env python3
"""Soak test for Candor (`make soak`): a release `candor demo` on a free loopback port with fresh
temporary folders takes SOAK_REPORTS submissions from SOAK_CLIENTS concurrent clients while the
head logs in with TOTP, reads the inbox, opens cases and registers some. Afterwards every
acknowledged receipt must be in the database, a random sample (at least 500, all if the time
budget allows) must open with its tracking code, the audit chain must verify, and the server's
RSS must have stopped growing.

Python 3.11 standard library only. Environment:
  SOAK_REPORTS         submissions (default 10000)
  SOAK_CLIENTS         concurrent submitting clients (default 64)
  SOAK_FILE_PERCENT    share of submissions with a file part (default 10)
  SOAK_VERIFY_MIN      codes verified at least (default 500)
  SOAK_VERIFY_SECONDS  time budget for verifying beyond the minimum (default 240; all codes if it fits)
  SOAK_RSS_INTERVAL    seconds between RSS samples (default 2)
  SOAK_KEEP            keep the temporary folder (default: removed on success)

The last line is `RESULT submitted=N lost=N errors=N rss_start_mb=N rss_end_mb=N`; the exit
status is non-zero if anything was lost, any request failed, or the audit chain does not verify.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

REPORTS = int(os.environ.get("SOAK_REPORTS", "10000"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "64"))
FILE_PERCENT = float(os.environ.get("SOAK_FILE_PERCENT", "10"))
VERIFY_MIN = int(os.environ.get("SOAK_VERIFY_MIN", "500"))
VERIFY_SECONDS = float(os.environ.get("SOAK_VERIFY_SECONDS", "240"))
RSS_INTERVAL = float(os.environ.get("SOAK_RSS_INTERVAL", "2"))
KEEP = os.environ.get("SOAK_KEEP", "") not in ("", "0")
# A submission that waits behind 63 others for one of two scrypt slots takes seconds, not
# minutes; a request that takes this long is a failure worth counting.
REQUEST_TIMEOUT = 120

CODE_RE = re.compile(r'<code id="tracking-code">([^<]+)</code>')
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
CASE_RE = re.compile(r'href="/console/case/([0-9a-f]{32})\?')
STATUS_RE = re.compile(r'data-status="([a-z_]+)"')


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


# ---------------------------------------------------------------- HTTP


class Client:
    """One keep-alive connection; reconnects once if the server closed an idle one."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers.setdefault("Host", f"127.0.0.1:{self.port}")
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if (r.getheader("Connection") or "").lower() == "close":
                    self.close()
                return r.status, r.getheaders(), data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed between requests: retry on a new one,
                # once. (A POST is only retried if it never reached the server: RemoteDisconnected
                # on a reused socket before any response byte.)
                self.close()
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def header(headers, name):
    for k, v in headers:
        if k.lower() == name.lower():
            return v
    return None


def cookie(headers, name):
    for k, v in headers:
        if k.lower() == "set-cookie" and v.startswith(name + "="):
            return v[len(name) + 1:].split(";", 1)[0]
    return None


def multipart(fields, files):
    boundary = "----CandorSoak" + os.urandom(12).hex()
    out = bytearray()
    for name, value in fields:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += value.encode() + b"\r\n"
    for name, filename, ctype, content in files:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {ctype}\r\n\r\n").encode()
        out += content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", bytes(out)


def urlencoded(pairs):
    return urllib.parse.urlencode(pairs).encode()


# ---------------------------------------------------------------- TOTP (RFC 6238, SHA-1, 6 digits, 30 s)


def totp(secret_b32, at):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# ---------------------------------------------------------------- state shared by the threads


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.codes = []            # acknowledged tracking codes
        self.errors = []           # (what, detail)
        self.latencies = []
        self.with_files = 0
        self.staff = {"logins": 0, "inbox": 0, "cases_opened": 0, "registered": 0, "register_refused": 0}

    def error(self, what, detail):
        with self.lock:
            self.errors.append((what, str(detail)[:300]))
            n = len(self.errors)
        if n <= 20:
            log("ERROR", what, str(detail)[:300])


NARRATIVE_WORDS = ["换热站", "工程", "被私下", "承包", "合同", "回扣", "采购", "招标", "账目", "虚报",
                   "contract", "kickback", "invoice", "tender", "site", "overtime", "payment"]


def submitter(port, indices, tally, stop):
    client = Client(port)
    rnd = random.Random()
    for i in indices:
        if stop.is_set():
            break
        narrative = f"SOAK-{i} " + " ".join(rnd.choice(NARRATIVE_WORDS) for _ in range(rnd.randint(10, 120)))
        fields = [("category", "private_contracting"), ("narrative", narrative),
                  ("accused_name_0", f"被举报人{i % 97}"), ("accused_post_0", "施工队长"), ("mode", "anonymous")]
        files = []
        if rnd.random() * 100 < FILE_PERCENT:
            files.append(("files", f"evidence-{i}.txt", "text/plain", os.urandom(rnd.randint(512, 32 * 1024))))
        ctype, body = multipart(fields, files)
        t0 = time.monotonic()
        try:
            status, headers, data = client.request("POST", "/report", body, {"Content-Type": ctype})
        except Exception as e:  # a dropped connection or a timeout is an error like a 500
            tally.error("submit", f"#{i}: {type(e).__name__}: {e}")
            client.close()
            continue
        elapsed = time.monotonic() - t0
        if not (200 <= status < 400):
            tally.error("submit", f"#{i}: HTTP {status}: {data[:200]!r}")
            continue
        m = CODE_RE.search(data.decode("utf-8", "replace"))
        if status != 200 or not m:
            tally.error("submit", f"#{i}: HTTP {status} without a tracking code")
            continue
        with tally.lock:
            tally.codes.append(m.group(1))
            tally.latencies.append(elapsed)
            if files:
                tally.with_files += 1
    client.close()


def staff_worker(port, account, tally, stop):
    """The head at work during the load: log in with password + TOTP, read the inbox, open cases,
    register some; log out and in again now and then (a TOTP code is accepted once per account,
    so each login waits for a step no earlier login used)."""
    client = Client(port)
    last_step = -1
    rnd = random.Random()
    while not stop.is_set():
        step = int(time.time()) // 30
        if step <= last_step:
            stop.wait(1)
            continue
        try:
            status, headers, data = client.request(
                "POST", "/console/login",
                urlencoded([("login", account["login"]), ("password", account["password"]),
                            ("totp", totp(account["totp_secret"], time.time()))]),
                {"Content-Type": "application/x-www-form-urlencoded"})
        except Exception as e:
            tally.error("staff-login", f"{type(e).__name__}: {e}")
            client.close()
            stop.wait(2)
            continue
        last_step = step
        session = cookie(headers, "candor_staff")
        if status != 303 or not session:
            # A code from the step that just ended can be refused at the boundary: not an error
            # of the server's, try the next step.
            log("staff login refused", status, "(retrying at the next TOTP step)")
            continue
        with tally.lock:
            tally.staff["logins"] += 1
        hdrs = {"Cookie": f"candor_staff={session}"}
        session_end = time.monotonic() + rnd.uniform(45, 90)
        csrf_token = ""
        while not stop.is_set() and time.monotonic() < session_end:
            try:
                status, _, data = client.request("GET", "/console", headers=hdrs)
                if status != 200:
                    tally.error("staff-inbox", f"HTTP {status}")
                    break
                with tally.lock:
                    tally.staff["inbox"] += 1
                inbox = data.decode("utf-8", "replace")
                m = CSRF_RE.search(inbox)
                csrf_token = m.group(1) if m else csrf_token
                refs = CASE_RE.findall(inbox)
                for ref in rnd.sample(refs, min(3, len(refs))):
                    status, _, page = client.request("GET", f"/console/case/{ref}", headers=hdrs)
                    if status != 200:
                        tally.error("staff-case", f"{ref}: HTTP {status}")
                        continue
                    with tally.lock:
                        tally.staff["cases_opened"] += 1
                    text = page.decode("utf-8", "replace")
                    csrf = CSRF_RE.search(text)
                    if f"/console/case/{ref}/act/register" in text and csrf and rnd.random() < 0.5:
                        status, _, body = client.request(
                            "POST", f"/console/case/{ref}/act/register",
                            urlencoded([("csrf", csrf.group(1)), ("category", "private_contracting"),
                                        ("text", "已受理，正在核查。Registered during the soak.")]),
                            {**hdrs, "Content-Type": "application/x-www-form-urlencoded"})
                        if status == 303:
                            with tally.lock:
                                tally.staff["registered"] += 1
                        elif status in (403, 409, 422):
                            # Another state by now: a refusal page, not a failure.
                            with tally.lock:
                                tally.staff["register_refused"] += 1
                        else:
                            tally.error("staff-register", f"{ref}: HTTP {status}: {body[:200]!r}")
            except Exception as e:
                tally.error("staff", f"{type(e).__name__}: {e}")
                client.close()
            stop.wait(rnd.uniform(0.5, 2.0))
        try:
            client.request("POST", "/console/logout", urlencoded([("csrf", csrf_token)]),
                           {**hdrs, "Content-Type": "application/x-www-form-urlencoded"})
        except Exception:
            client.close()
    client.close()


def rss_sampler(pid, samples, stop):
    while not stop.is_set():
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        samples.append((time.monotonic(), int(line.split()[1]) / 1024.0))
                        break
        except FileNotFoundError:
            return
        stop.wait(RSS_INTERVAL)


# ---------------------------------------------------------------- verification


def verify_code(client, code):
    """POST /status with the code → 303 and a session; GET /status → the page with data-status.
    503 (the lookup gate is full) is retried; it is an error only if it persists."""
    for attempt in range(30):
        status, headers, data = client.request("POST", "/status", urlencoded([("code", code)]),
                                               {"Content-Type": "application/x-www-form-urlencoded"})
        if status == 503 and header(headers, "Retry-After"):
            time.sleep(0.2 + 0.1 * attempt)
            continue
        break
    if status == 503:
        return "busy", f"503 after {attempt + 1} tries"
    if status == 404:
        return "missing", "404: no case opens with this code"
    if status != 303:
        return "error", f"POST /status HTTP {status}"
    session = cookie(headers, "candor_status") or next(
        (v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie"), None)
    if not session:
        return "error", "303 without a session cookie"
    if "=" not in session:
        session = "candor_status=" + session
    status, _, page = client.request("GET", "/status", headers={"Cookie": session})
    m = STATUS_RE.search(page.decode("utf-8", "replace"))
    if status != 200 or not m:
        return "error", f"GET /status HTTP {status}, data-status {'found' if m else 'absent'}"
    return "ok", m.group(1)


def verify(port, codes, tally):
    order = codes[:]
    random.shuffle(order)
    results = {"ok": 0, "missing": 0, "busy": 0, "error": 0}
    statuses = {}
    lock = threading.Lock()
    next_index = [0]
    start = time.monotonic()

    def worker():
        client = Client(port)
        while True:
            with lock:
                i = next_index[0]
                done = i >= len(order) or (i >= VERIFY_MIN and time.monotonic() - start > VERIFY_SECONDS)
                if done:
                    break
                next_index[0] += 1
            try:
                outcome, detail = verify_code(client, order[i])
            except Exception as e:
                outcome, detail = "error", f"{type(e).__name__}: {e}"
                client.close()
            with lock:
                results[outcome] += 1
                if outcome == "ok":
                    statuses[detail] = statuses.get(detail, 0) + 1
            if outcome != "ok":
                tally.error(f"verify-{outcome}", f"{order[i][:4]}…: {detail}")
        client.close()

    # The lookup gate admits one derivation and eight waiting: four clients keep it busy
    # without being turned away.
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, statuses, time.monotonic() - start


# ---------------------------------------------------------------- the run


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.environ.get("CANDOR", os.path.join(repo, ".build", "release", "candor"))
    templates = os.path.join(repo, "Templates")
    root = tempfile.mkdtemp(prefix="candor-soak-")
    data_dir, keys_dir = os.path.join(root, "data"), os.path.join(root, "Keys")
    log(f"soak: {REPORTS} reports from {CLIENTS} clients ({FILE_PERCENT:g}% with a file); folders in {root}")

    server_log = open(os.path.join(root, "server.log"), "wb")
    server = subprocess.Popen([binary, "demo", "--data", data_dir, "--keys", keys_dir, "--templates", templates,
                               "--host", "127.0.0.1", "--port", "0"],
                              stdout=server_log, stderr=subprocess.STDOUT,
                              env={**os.environ, "SWIFT_BACKTRACE": "enable=no"})
    port = None
    deadline = time.monotonic() + 60
    while port is None and time.monotonic() < deadline:
        if server.poll() is not None:
            break
        with open(os.path.join(root, "server.log"), "rb") as f:
            m = re.search(rb"serving on http://127\.0\.0\.1:(\d+)/", f.read())
        if m:
            port = int(m.group(1))
        else:
            time.sleep(0.1)
    if port is None:
        server.kill()
        sys.stdout.write(open(os.path.join(root, "server.log"), errors="replace").read())
        print("RESULT submitted=0 lost=0 errors=1 rss_start_mb=0 rss_end_mb=0")
        return 1
    accounts = {a["login"]: a for a in json.load(open(os.path.join(data_dir, "demo-accounts.json")))}
    log(f"server pid {server.pid} on port {port}")

    tally = Tally()
    samples = []
    stop_sampling, stop_staff = threading.Event(), threading.Event()
    sampler = threading.Thread(target=rss_sampler, args=(server.pid, samples, stop_sampling), daemon=True)
    sampler.start()
    time.sleep(RSS_INTERVAL + 0.1)  # one sample of the idle server

    staff = threading.Thread(target=staff_worker, args=(port, accounts["head"], tally, stop_staff), daemon=True)
    staff.start()

    started = time.monotonic()
    buckets = [list(range(c, REPORTS, CLIENTS)) for c in range(CLIENTS)]
    stop_submitting = threading.Event()
    submitters = [threading.Thread(target=submitter, args=(port, b, tally, stop_submitting)) for b in buckets]
    for t in submitters:
        t.start()
    last = 0
    while any(t.is_alive() for t in submitters):
        time.sleep(5)
        with tally.lock:
            n, e = len(tally.codes), len(tally.errors)
        rate = (n - last) / 5
        last = n
        rss = samples[-1][1] if samples else 0
        log(f"  {n}/{REPORTS} acknowledged, {e} errors, {rate:.1f}/s, RSS {rss:.0f} MB, staff {tally.staff}")
        if server.poll() is not None:
            tally.error("server", f"exited with {server.returncode} during the load")
            stop_submitting.set()
    for t in submitters:
        t.join()
    submit_seconds = time.monotonic() - started
    stop_staff.set()
    staff.join(timeout=30)
    acknowledged = len(tally.codes)
    lat = sorted(tally.latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0)
    log(f"submitted: {acknowledged} acknowledged in {submit_seconds:.0f} s ({acknowledged / max(submit_seconds, 1e-9):.1f}/s); "
        f"{tally.with_files} with a file; latency p50 {p(0.5):.2f} s p95 {p(0.95):.2f} s max {p(1.0):.2f} s")
    log(f"staff: {tally.staff}")

    results, statuses, verify_seconds = verify(port, tally.codes, tally)
    checked = sum(results.values())
    log(f"verified {checked}/{acknowledged} codes in {verify_seconds:.0f} s: {results}; statuses {statuses}")

    stop_sampling.set()
    sampler.join()
    server.send_signal(signal.SIGTERM)
    try:
        rc = server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        rc = server.wait()
        tally.error("server", "did not stop within 60 s of SIGTERM")
    if rc != 0:
        tally.error("server", f"exit status {rc} after SIGTERM")

    db = os.path.join(data_dir, "candor.sqlite")

    def sql(query):
        return subprocess.run(["sqlite3", db, query], capture_output=True, text=True, check=True).stdout.strip()

    found = int(sql("SELECT count(*) FROM cases"))
    with_report = int(sql("SELECT count(DISTINCT case_id) FROM blobs WHERE kind = 'report'"))
    with_reporter_grant = int(sql("SELECT count(DISTINCT case_id) FROM grants WHERE holder = 'reporter'"))
    attachments = int(sql("SELECT count(*) FROM attachments"))
    files_on_disk = len(os.listdir(os.path.join(data_dir, "files")))
    integrity = sql("PRAGMA integrity_check")
    registered = int(sql("SELECT count(*) FROM cases WHERE registered_day IS NOT NULL"))
    log(f"database: {found} cases ({with_report} with a report blob, {with_reporter_grant} with a reporter grant), "
        f"{registered} registered, {attachments} attachments, {files_on_disk} files on disk, integrity_check: {integrity}")
    if integrity != "ok":
        tally.error("integrity", integrity)
    if with_report != found or with_reporter_grant != found:
        tally.error("half-written", f"{found} cases, {with_report} report blobs, {with_reporter_grant} reporter grants")
    if files_on_disk != attachments or attachments != tally.with_files:
        tally.error("files", f"{tally.with_files} sent, {attachments} attachment rows, {files_on_disk} files on disk")
    if found > acknowledged:
        # A case stored whose receipt never reached the client: not lost, but worth seeing.
        log(f"note: {found - acknowledged} stored cases have no acknowledged receipt (a client gave up on them)")
    lost = max(acknowledged - found, results["missing"])

    audit = subprocess.run([binary, "audit", "verify", "--data", data_dir, "--keys", keys_dir],
                           capture_output=True, text=True)
    log(f"audit verify: exit {audit.returncode}: {(audit.stdout + audit.stderr).strip()}")

    rss = [mb for _, mb in samples]
    # Growth is judged on the samples taken under load: the verification phase after it has
    # no submissions, and would make any leak look smaller than it is.
    loaded = [mb for t, mb in samples if started <= t <= started + submit_seconds] or rss
    if loaded:
        n = len(loaded)
        middle = loaded[int(n * 0.4):max(int(n * 0.6), int(n * 0.4) + 1)]
        tail = loaded[int(n * 0.8):] or loaded[-1:]
        growth = statistics.mean(tail) - statistics.mean(middle)
        log(f"RSS: {len(rss)} samples every {RSS_INTERVAL:g} s ({n} under load); idle {rss[0]:.1f} MB, min {min(rss):.1f}, max {max(rss):.1f}, "
            f"under load: mean of middle 20% {statistics.mean(middle):.1f} MB, mean of last 20% {statistics.mean(tail):.1f} MB, "
            f"growth {growth:+.1f} MB ({100 * growth / statistics.mean(middle):+.1f}%)")
        with open(os.path.join(root, "rss.csv"), "w") as f:
            t0 = samples[0][0]
            for t, mb in samples:
                f.write(f"{t - t0:.1f},{mb:.1f}\n")
    errors = len(tally.errors)
    total = time.monotonic() - started
    log(f"total {total:.0f} s (submissions {submit_seconds:.0f} s, verification {verify_seconds:.0f} s)")
    failed = lost > 0 or errors > 0 or audit.returncode != 0
    if failed or KEEP:
        log(f"kept {root} (server.log, rss.csv, data)")
    else:
        shutil.rmtree(root, ignore_errors=True)
    print(f"RESULT submitted={acknowledged} lost={lost} errors={errors} "
          f"rss_start_mb={round(rss[0]) if rss else 0} rss_end_mb={round(rss[-1]) if rss else 0}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
