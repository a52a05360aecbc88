#!/usr/bin/env python3
"""Soak test for Candor (`make soak`): a release `candor demo` on a free loopback port with fresh
temporary folders takes SOAK_REPORTS submissions from SOAK_CLIENTS concurrent clients while the
head logs in with TOTP, reads the inbox, opens cases and registers some. Then every acknowledged
receipt is checked twice, by its tracking code, not by counting rows:

- Through the server: every code is re-opened at /status (all of them, not a sample) and the
  status page must show the case of THAT receipt: the day the receipt says it was received and
  the number of files sent with that submission. The session is then ended, and the old cookie
  must no longer open the page. A code that no longer opens is LOST; a page that shows another
  day or file count is MISMATCHED.
- In the database (read-only, after the server stopped, nothing decrypted): for each receipt the
  script derives the case's lookup id from the code the way the server does (HMAC with the demo's
  pepper from Keys/, then scrypt N=2^14 r=8 p=1; OpenSSL's scrypt through hashlib) and looks the
  row up. Exactly one row must hold it, received that day, with the files sent, a report blob and
  a reporter grant. Receipts without their row are LOST (named by submission index, `#i`, which
  is also the `SOAK-i` marker in the narrative, never by code); rows no receipt points to are
  UNRECEIPTED (a case stored whose receipt never reached its client: a retried POST, a bug, an
  insertion), named by register number; rows that share a sealed blob byte for byte with another
  case are DUPLICATES (sealing uses a fresh random nonce, so equal ciphertext means a copy), as are
  two receipts that carry the same code.

Re-opening in parallel: lookups pass the server's gate of one scrypt derivation at a time with
eight waiting; a ninth concurrent lookup is answered 503 "busy" after a one-second tarpit. The
verification runs SOAK_VERIFY_CLIENTS (default 8) clients, so every lookup is admitted (the staff
worker does no lookups) and the derivation slot always has a lookup waiting while the other
clients read their status page or end their session. A 503 with Retry-After is retried after a
short pause (at most SOAK_BUSY_TRIES times, then the code counts as an error); every such retry is
counted and reported as busy_retries, but does not fail the run by itself. The database-side
derivations run meanwhile on SOAK_DERIVE_THREADS threads at nice +19 (hashlib's scrypt releases
the GIL), the same priority as the server's lookup worker, so the two share the cores.

Memory: RSS is sampled every SOAK_RSS_INTERVAL seconds. For the submission phase and for the
verification phase alike, the measure is the least-squares slope of RSS over the second half of
the phase, times that half's length, as a percentage of the fitted RSS at its start: how much
memory was still growing once the server had warmed up. Above SOAK_RSS_GROWTH_MAX_PCT (default
10) the run fails. Why 10 %: the allocator and SQLite's page cache settle within the first half
(the README's last run: +1.8 % from the middle to the last fifth), while a leak of ~1.5 KB per
report (the size of one sealed narrative) over the last 5,000 of 10,000 reports at ~70 MB RSS
already exceeds it. A phase with fewer than SOAK_RSS_MIN_SAMPLES (default 20) samples in its
second half is too short to judge: its growth is printed but not judged, and the RESULT says
rss_judged=0 (use a smaller SOAK_RSS_INTERVAL for short runs).

Staff: a refused staff login (the head's correct password and a fresh TOTP code) fails the run, as
does any 5xx or any other status the script did not expect, anywhere.

Python 3.11 standard library only. Environment:
  SOAK_REPORTS            submissions (default 10000)
  SOAK_CLIENTS            concurrent submitting clients (default 64)
  SOAK_FILE_PERCENT       share of submissions with a file part (default 10)
  SOAK_VERIFY_CLIENTS     concurrent re-opening clients (default 8; see above)
  SOAK_BUSY_TRIES         tries of one lookup answered 503 busy before it is an error (default 20)
  SOAK_DERIVE_THREADS     threads deriving lookup ids for the database check (default 1)
  SOAK_RSS_INTERVAL       seconds between RSS samples (default 2)
  SOAK_RSS_GROWTH_MAX_PCT memory growth that fails the run, in percent (default 10)
  SOAK_RSS_MIN_SAMPLES    samples a phase's second half needs to be judged (default 20)
  SOAK_SABOTAGE           test the soak itself: `delete-one` deletes one acknowledged case (and
                          everything of it) from the database while submissions run;
                          `duplicate` inserts a copy of one acknowledged case (new register number,
                          same sealed blobs and grants, no lookup id). Either must fail the run.
  SOAK_KEEP               keep the temporary folder (default: removed on success)

The last line is `RESULT submitted=N reopened=N lost=N duplicates=N unreceipted=N mismatched=N
errors=N refused_logins=N busy_retries=N rss_start_mb=N rss_end_mb=N rss_growth_pct=X
rss_judged=0|1`; the exit status is non-zero if any receipt is lost or mismatched, any case is
duplicated or unreceipted, any request failed or answered an unexpected status, any staff login
was refused, memory grew beyond the limit, or the audit chain does not verify.
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
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
VERIFY_CLIENTS = int(os.environ.get("SOAK_VERIFY_CLIENTS", "8"))
BUSY_TRIES = int(os.environ.get("SOAK_BUSY_TRIES", "20"))
DERIVE_THREADS = int(os.environ.get("SOAK_DERIVE_THREADS", "1"))
RSS_INTERVAL = float(os.environ.get("SOAK_RSS_INTERVAL", "2"))
RSS_GROWTH_MAX_PCT = float(os.environ.get("SOAK_RSS_GROWTH_MAX_PCT", "10"))
RSS_MIN_SAMPLES = int(os.environ.get("SOAK_RSS_MIN_SAMPLES", "20"))
SABOTAGE = os.environ.get("SOAK_SABOTAGE", "")
KEEP = os.environ.get("SOAK_KEEP", "") not in ("", "0")
# A submission that waits behind 63 others for one of two scrypt slots takes seconds, not
# minutes; a request that takes this long is a failure worth counting.
REQUEST_TIMEOUT = 120

CODE_RE = re.compile(r'<code id="tracking-code">([^<]+)</code>')
RECEIVED_RE = re.compile(r"<p>[^<]*?(\d{4}-\d{2}-\d{2})</p>")
STATUS_DAY_FILES_RE = re.compile(r"(\d{4}-\d{2}-\d{2}) · [^<\d]*(\d+)</p>")
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
CASE_RE = re.compile(r'href="/console/case/([0-9a-f]{32})\?')
STATUS_RE = re.compile(r'data-status="([a-z_]+)"')

if SABOTAGE not in ("", "delete-one", "duplicate"):
    sys.exit(f"SOAK_SABOTAGE={SABOTAGE!r}: use delete-one or duplicate")


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


# ---------------------------------------------------------------- HTTP


class Client:
    """One keep-alive connection; reconnects once if the server closed an idle one."""

    def __init__(self, port, tally=None):
        self.port = port
        self.conn = None
        self.tally = tally

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
                # once. A retried POST could have reached the server; if it stored a case, that
                # case has no receipt and the database check reports it as unreceipted.
                self.close()
                if attempt == 1:
                    raise
                if self.tally is not None and method == "POST":
                    with self.tally.lock:
                        self.tally.post_retries += 1
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


# ---------------------------------------------------------------- the lookup id, as Sources/Gateway/Casefile/TrackingKeys.swift


def lookup_id(pepper, code):
    digits = re.sub(r"\D", "", code)
    keyed = hmac.new(pepper, f"candor/tracking/v1|{digits}".encode(), hashlib.sha256).digest()
    out = hashlib.scrypt(keyed, salt=b"candor/tracking-scrypt/v1", n=1 << 14, r=8, p=1,
                         maxmem=64 * 1024 * 1024, dklen=64)
    return out[:32]


def day_ordinal(text):
    """A receipt's day (YYYY-MM-DD) as the database stores it: days since 1970-01-01."""
    return datetime.date.fromisoformat(text).toordinal() - datetime.date(1970, 1, 1).toordinal()


# ---------------------------------------------------------------- state shared by the threads


class Receipt:
    __slots__ = ("index", "code", "day", "files")

    def __init__(self, index, code, day, files):
        self.index, self.code, self.day, self.files = index, code, day, files

    def name(self):
        # Never the code: the submission index (the narrative's SOAK-i marker), the day, the files.
        return f"#{self.index} (received {self.day}, {self.files} file{'s' if self.files != 1 else ''})"


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.receipts = []         # acknowledged submissions, in the order acknowledged
        self.errors = []           # (what, detail)
        self.latencies = []
        self.with_files = 0
        self.post_retries = 0
        self.refused_logins = 0
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
    client = Client(port, tally)
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
        text = data.decode("utf-8", "replace")
        m, d = CODE_RE.search(text), RECEIVED_RE.search(text)
        if status != 200 or not m or not d:
            tally.error("submit", f"#{i}: HTTP {status}{'' if m else ' without a tracking code'}"
                                  f"{'' if d else ' without a received day'}: {data[:200]!r}")
            continue
        with tally.lock:
            tally.receipts.append(Receipt(i, m.group(1), d.group(1), len(files)))
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
        now = time.time()
        step = int(now) // 30
        # A code computed in the last second of its step may reach the server in the next one;
        # wait for a fresh step rather than send a code the server could fairly refuse.
        if step <= last_step or now % 30 > 28:
            stop.wait(1)
            continue
        try:
            status, headers, data = client.request(
                "POST", "/console/login",
                urlencoded([("login", account["login"]), ("password", account["password"]),
                            ("totp", totp(account["totp_secret"], now))]),
                {"Content-Type": "application/x-www-form-urlencoded"})
        except Exception as e:
            tally.error("staff-login", f"{type(e).__name__}: {e}")
            client.close()
            stop.wait(2)
            continue
        last_step = step
        session = cookie(headers, "candor_staff")
        if status != 303 or not session:
            # The right password and a fresh code for a step no earlier login used: a refusal is
            # the server's failure, and fails the run.
            with tally.lock:
                tally.refused_logins += 1
            tally.error("staff-login-refused", f"HTTP {status}")
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
            status, _, _ = client.request("POST", "/console/logout", urlencoded([("csrf", csrf_token)]),
                                          {**hdrs, "Content-Type": "application/x-www-form-urlencoded"})
            if status != 303:
                tally.error("staff-logout", f"HTTP {status}")
        except Exception as e:
            tally.error("staff-logout", f"{type(e).__name__}: {e}")
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


# ---------------------------------------------------------------- sabotage (a test of the soak itself)


def case_tables(db):
    """Every table with a case_id column (the purge triggers and foreign keys hang off these)."""
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [n for n in names if any(c[1] == "case_id" for c in db.execute(f"PRAGMA table_info({n})"))]


def sabotage(kind, db_path, pepper, receipt):
    """What a bug or an attacker with the database file could do, with Python's sqlite3 while the
    server runs (SQLite's locking makes the server's writers wait)."""
    db = sqlite3.connect(db_path, timeout=60, isolation_level=None)
    try:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT id, register_year, register_seq FROM cases WHERE lookup_id = ?",
                         (lookup_id(pepper, receipt.code),)).fetchone()
        if row is None:
            db.execute("ROLLBACK")
            return f"found no case for receipt {receipt.name()}"
        case_id, year, seq = row
        if kind == "delete-one":
            for table in case_tables(db):
                db.execute(f"DELETE FROM {table} WHERE case_id = ?", (case_id,))
            db.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            db.execute("COMMIT")
            return f"deleted the case of receipt {receipt.name()}, register {year}-{seq}"
        # A copy: a new row (new ref, a register number far from the server's counter, no lookup
        # id: the unique index allows no second one), with the same sealed blobs and grants.
        cols = [c[1] for c in db.execute("PRAGMA table_info(cases)") if c[1] != "id"]
        values = dict(zip(cols, db.execute(f"SELECT {', '.join(cols)} FROM cases WHERE id = ?", (case_id,)).fetchone()))
        values.update(ref=os.urandom(16).hex(), register_seq=seq + 1_000_000, lookup_id=None, lookup_params=None)
        cur = db.execute(f"INSERT INTO cases({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [values[c] for c in cols])
        copy_id = cur.lastrowid
        for table in ("blobs", "grants"):
            tcols = [c[1] for c in db.execute(f"PRAGMA table_info({table})") if c[1] != "id"]
            for r in db.execute(f"SELECT {', '.join(tcols)} FROM {table} WHERE case_id = ?", (case_id,)).fetchall():
                v = dict(zip(tcols, r))
                v["case_id"] = copy_id
                if "slot" in v:
                    v["slot"] = os.urandom(16).hex()
                db.execute(f"INSERT INTO {table}({', '.join(tcols)}) VALUES ({', '.join('?' * len(tcols))})",
                           [v[c] for c in tcols])
        db.execute("COMMIT")
        return f"copied the case of receipt {receipt.name()}, register {year}-{seq}, as {year}-{seq + 1_000_000}"
    finally:
        db.close()


# ---------------------------------------------------------------- verification through the server


def reopen(client, receipt, tally):
    """(outcome, detail): ok, lost, mismatched or error. POST /status with the code → 303 and a
    session; GET /status → the page must show the receipt's day and file count; POST /status/end
    → the old cookie must no longer open the page."""
    for attempt in range(BUSY_TRIES):
        status, headers, data = client.request("POST", "/status", urlencoded([("code", receipt.code)]),
                                               {"Content-Type": "application/x-www-form-urlencoded"})
        if status == 503 and header(headers, "Retry-After"):
            with tally.lock:
                tally.busy_retries += 1
            time.sleep(0.2 + 0.1 * attempt)
            continue
        break
    if status == 503:
        return "error", f"503 busy after {BUSY_TRIES} tries"
    if status == 404:
        return "lost", "404: no case opens with this code"
    if status != 303:
        return "error", f"POST /status HTTP {status}"
    session = cookie(headers, "candor_status")
    if not session:
        return "error", "303 without a candor_status cookie"
    hdrs = {"Cookie": f"candor_status={session}"}
    status, _, page = client.request("GET", "/status", headers=hdrs)
    text = page.decode("utf-8", "replace")
    m, s, csrf = STATUS_DAY_FILES_RE.search(text), STATUS_RE.search(text), CSRF_RE.search(text)
    if status != 200 or not m or not s or not csrf:
        return "error", f"GET /status HTTP {status}, day/files {'found' if m else 'absent'}, data-status {'found' if s else 'absent'}"
    shown_day, shown_files = m.group(1), int(m.group(2))
    status, _, _ = client.request("POST", "/status/end", urlencoded([("csrf", csrf.group(1))]),
                                  {**hdrs, "Content-Type": "application/x-www-form-urlencoded"})
    if status != 303:
        return "error", f"POST /status/end HTTP {status}"
    status, _, after = client.request("GET", "/status", headers=hdrs)
    if status != 200 or STATUS_RE.search(after.decode("utf-8", "replace")):
        return "error", f"the session still opens the case after /status/end (HTTP {status})"
    if shown_day != receipt.day or shown_files != receipt.files:
        return "mismatched", f"the page shows received {shown_day} with {shown_files} files"
    return "ok", s.group(1)


def verify_server(port, receipts, tally):
    results = {"ok": 0, "lost": 0, "mismatched": 0, "error": 0}
    statuses, bad = {}, {"lost": [], "mismatched": []}
    lock = threading.Lock()
    pending = list(receipts)
    start = time.monotonic()

    def worker():
        client = Client(port)
        while True:
            with lock:
                if not pending:
                    break
                receipt = pending.pop()
            try:
                outcome, detail = reopen(client, receipt, tally)
            except Exception as e:
                outcome, detail = "error", f"{type(e).__name__}: {e}"
                client.close()
            with lock:
                results[outcome] += 1
                if outcome == "ok":
                    statuses[detail] = statuses.get(detail, 0) + 1
                elif outcome in bad:
                    bad[outcome].append(receipt)
            if outcome != "ok":
                tally.error(f"reopen-{outcome}", f"{receipt.name()}: {detail}")
        client.close()

    threads = [threading.Thread(target=worker) for _ in range(VERIFY_CLIENTS)]
    for t in threads:
        t.start()
    last = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        if time.monotonic() - last >= 30:
            last = time.monotonic()
            with lock:
                done = sum(results.values())
            log(f"  re-opened {done}/{len(receipts)}: {results}, busy retries {tally.busy_retries}")
    for t in threads:
        t.join()
    return results, statuses, bad, time.monotonic() - start


def derive_all(pepper, receipts):
    """The lookup id of every receipt, on threads at the lowest priority (Linux: per thread)."""
    out = {}
    lock = threading.Lock()
    pending = list(receipts)

    def worker():
        os.setpriority(os.PRIO_PROCESS, 0, 19)
        while True:
            with lock:
                if not pending:
                    return
                r = pending.pop()
            lid = lookup_id(pepper, r.code)
            with lock:
                out[r.index] = lid

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, DERIVE_THREADS))]
    for t in threads:
        t.start()
    return threads, out


# ---------------------------------------------------------------- verification in the database


def verify_database(db_path, receipts, lookup_ids):
    """Read-only; nothing decrypted. Returns the findings as lists of names."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        cases = {r[0]: r for r in db.execute(
            "SELECT id, register_year, register_seq, lookup_id, received_day, purged_day FROM cases")}
        reporter = {r[0] for r in db.execute("SELECT case_id FROM grants WHERE holder = 'reporter'")}
        report = {r[0] for r in db.execute("SELECT DISTINCT case_id FROM blobs WHERE kind = 'report'")}
        attachments = dict(db.execute("SELECT case_id, count(*) FROM attachments GROUP BY case_id").fetchall())
        by_lookup = {}
        for cid, _, _, lid, _, _ in cases.values():
            if lid is not None:
                by_lookup.setdefault(bytes(lid), []).append(cid)
        # Equal ciphertext in two cases is a copy: every seal draws a fresh nonce.
        sealed_owner, copies = {}, set()
        for cid, digest in ((r[0], hashlib.sha256(r[1]).digest()) for r in db.execute("SELECT case_id, sealed FROM blobs")):
            first = sealed_owner.setdefault(digest, cid)
            if first != cid:
                copies.add(max(first, cid))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        attachment_rows = sum(attachments.values())
    finally:
        db.close()

    register = lambda cid: f"{cases[cid][1]}-{cases[cid][2]}"
    lost, mismatched, claimed, shared_codes = [], [], set(), []
    seen_codes = {}
    for r in receipts:
        other = seen_codes.setdefault(r.code, r)
        if other is not r:
            shared_codes.append(f"receipts {other.name()} and {r.name()} carry the same code")
        holders = by_lookup.get(lookup_ids[r.index], [])
        if not holders:
            lost.append(r)
            continue
        claimed.update(holders)
        cid = holders[0]
        problems = []
        if len(holders) > 1:
            problems.append(f"{len(holders)} cases hold its lookup id")
        if cases[cid][4] != day_ordinal(r.day):
            problems.append(f"received_day {cases[cid][4]} in the database")
        if attachments.get(cid, 0) != r.files:
            problems.append(f"{attachments.get(cid, 0)} attachments in the database")
        if cid not in reporter:
            problems.append("no reporter grant")
        if cid not in report:
            problems.append("no report blob")
        if problems:
            mismatched.append(f"{r.name()} → register {register(cid)}: {', '.join(problems)}")
    unreceipted = sorted((cid for cid in cases if cid not in claimed), key=lambda c: (cases[c][1], cases[c][2]))
    duplicates = [f"register {register(cid)} holds sealed blobs of another case" for cid in sorted(copies)]
    duplicates += [f"lookup id held by registers {', '.join(register(c) for c in cids)}"
                   for cids in by_lookup.values() if len(cids) > 1]
    duplicates += shared_codes
    return {
        "cases": len(cases), "reporter_grants": len(reporter), "report_blobs": len(report),
        "attachment_rows": attachment_rows, "integrity": integrity,
        "lost": lost, "mismatched": mismatched, "duplicates": duplicates,
        "unreceipted": [f"register {register(c)}" for c in unreceipted],
    }


# ---------------------------------------------------------------- memory


def growth(samples, t_start, t_end):
    """(growth %, samples judged on, judged?) over the second half of [t_start, t_end]: the
    least-squares slope times the half's length, over the fitted RSS at its start."""
    mid = (t_start + t_end) / 2
    half = [(t, mb) for t, mb in samples if mid <= t <= t_end]
    if len(half) < 2:
        return 0.0, len(half), False
    ts, ms = [t for t, _ in half], [mb for _, mb in half]
    mt, mm = statistics.mean(ts), statistics.mean(ms)
    var = sum((t - mt) ** 2 for t in ts)
    slope = sum((t - mt) * (m - mm) for t, m in half) / var if var > 0 else 0.0
    at_start = mm + slope * (ts[0] - mt)
    pct = 100 * slope * (ts[-1] - ts[0]) / at_start if at_start > 0 else 0.0
    return pct, len(half), len(half) >= RSS_MIN_SAMPLES


# ---------------------------------------------------------------- the run


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.environ.get("CANDOR", os.path.join(repo, ".build", "release", "candor"))
    templates = os.path.join(repo, "Templates")
    root = tempfile.mkdtemp(prefix="candor-soak-")
    data_dir, keys_dir = os.path.join(root, "data"), os.path.join(root, "Keys")
    db_path = os.path.join(data_dir, "candor.sqlite")
    log(f"soak: {REPORTS} reports from {CLIENTS} clients ({FILE_PERCENT:g}% with a file); "
        f"re-opened by {VERIFY_CLIENTS} clients; folders in {root}" + (f"; SABOTAGE={SABOTAGE}" if SABOTAGE else ""))

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
        print("RESULT submitted=0 reopened=0 lost=0 duplicates=0 unreceipted=0 mismatched=0 errors=1 "
              "refused_logins=0 busy_retries=0 rss_start_mb=0 rss_end_mb=0 rss_growth_pct=0 rss_judged=0")
        return 1
    accounts = {a["login"]: a for a in json.load(open(os.path.join(data_dir, "demo-accounts.json")))}
    with open(os.path.join(keys_dir, "pepper"), "rb") as f:
        pepper = f.read()
    log(f"server pid {server.pid} on port {port}")

    tally = Tally()
    tally.busy_retries = 0
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
    last, last_at, sabotaged = 0, time.monotonic(), None
    while any(t.is_alive() for t in submitters):
        time.sleep(0.5)
        with tally.lock:
            n, e = len(tally.receipts), len(tally.errors)
            candidates = [r for r in tally.receipts if r.files == 0][-1:] if SABOTAGE and n >= REPORTS // 2 else []
        if candidates and sabotaged is None:
            sabotaged = sabotage(SABOTAGE, db_path, pepper, candidates[0])
            log(f"SABOTAGE {SABOTAGE}: {sabotaged}")
        if time.monotonic() - last_at >= 5:
            rate = (n - last) / (time.monotonic() - last_at)
            last, last_at = n, time.monotonic()
            rss = samples[-1][1] if samples else 0
            log(f"  {n}/{REPORTS} acknowledged, {e} errors, {rate:.1f}/s, RSS {rss:.0f} MB, staff {tally.staff}")
        if server.poll() is not None:
            tally.error("server", f"exited with {server.returncode} during the load")
            stop_submitting.set()
    for t in submitters:
        t.join()
    submit_end = time.monotonic()
    submit_seconds = submit_end - started
    stop_staff.set()
    staff.join(timeout=30)
    receipts = list(tally.receipts)
    acknowledged = len(receipts)
    lat = sorted(tally.latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else 0)
    log(f"submitted: {acknowledged} acknowledged in {submit_seconds:.0f} s ({acknowledged / max(submit_seconds, 1e-9):.1f}/s); "
        f"{tally.with_files} with a file; latency p50 {p(0.5):.2f} s p95 {p(0.95):.2f} s max {p(1.0):.2f} s; "
        f"{tally.post_retries} POSTs retried on a closed connection")
    log(f"staff: {tally.staff}, {tally.refused_logins} logins refused")
    if SABOTAGE and sabotaged is None:
        tally.error("sabotage", "no acknowledged receipt without a file to sabotage")

    derivers, lookup_ids = derive_all(pepper, receipts)
    results, statuses, bad, verify_seconds = verify_server(port, receipts, tally)
    verify_end = time.monotonic()
    reopened = results["ok"] + results["mismatched"]
    log(f"re-opened {reopened}/{acknowledged} codes through the server in {verify_seconds:.0f} s with "
        f"{VERIFY_CLIENTS} clients: {results}; statuses {statuses}; {tally.busy_retries} busy (503) retries")

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

    t0 = time.monotonic()
    for t in derivers:
        t.join()
    log(f"lookup ids derived for {len(lookup_ids)} receipts ({time.monotonic() - t0:.0f} s after the re-opening ended)")
    found = verify_database(db_path, receipts, lookup_ids)
    files_on_disk = len(os.listdir(os.path.join(data_dir, "files")))
    log(f"database: {found['cases']} cases ({found['report_blobs']} with a report blob, {found['reporter_grants']} with a "
        f"reporter grant), {found['attachment_rows']} attachments, {files_on_disk} files on disk, integrity_check: {found['integrity']}")
    if found["integrity"] != "ok":
        tally.error("integrity", found["integrity"])
    if files_on_disk != found["attachment_rows"] or found["attachment_rows"] != tally.with_files:
        tally.error("files", f"{tally.with_files} sent, {found['attachment_rows']} attachment rows, {files_on_disk} files on disk")

    lost_names = sorted({r.name() for r in bad["lost"]} | {r.name() for r in found["lost"]},
                        key=lambda s: int(s[1:].split(" ", 1)[0]))
    mismatched = [f"{r.name()}: status page" for r in bad["mismatched"]] + found["mismatched"]
    for title, items in (("LOST (acknowledged, gone)", lost_names), ("MISMATCHED", mismatched),
                         ("DUPLICATE", found["duplicates"]),
                         ("UNRECEIPTED (stored, no acknowledged receipt)", found["unreceipted"])):
        if items:
            log(f"{title}: {len(items)}")
            for item in items[:20]:
                log(f"  {item}")
            if len(items) > 20:
                log(f"  … and {len(items) - 20} more")

    audit = subprocess.run([binary, "audit", "verify", "--data", data_dir, "--keys", keys_dir],
                           capture_output=True, text=True)
    log(f"audit verify: exit {audit.returncode}: {(audit.stdout + audit.stderr).strip()}")

    rss = [mb for _, mb in samples]
    load_pct, load_n, load_judged = growth(samples, started, submit_end)
    verify_pct, verify_n, verify_judged = growth(samples, submit_end, verify_end)
    judged = [pct for pct, ok in ((load_pct, load_judged), (verify_pct, verify_judged)) if ok]
    rss_growth = max([load_pct, verify_pct])
    rss_failed = any(pct > RSS_GROWTH_MAX_PCT for pct in judged)
    if rss:
        log(f"RSS: {len(rss)} samples every {RSS_INTERVAL:g} s; idle {rss[0]:.1f} MB, min {min(rss):.1f}, max {max(rss):.1f}, "
            f"end {rss[-1]:.1f}; growth over the second half of the load {load_pct:+.1f}% ({load_n} samples"
            f"{'' if load_judged else ', too few to judge'}), of the re-opening {verify_pct:+.1f}% ({verify_n} samples"
            f"{'' if verify_judged else ', too few to judge'}); limit {RSS_GROWTH_MAX_PCT:g}%"
            + (" — EXCEEDED" if rss_failed else ""))
        with open(os.path.join(root, "rss.csv"), "w") as f:
            t0 = samples[0][0]
            for t, mb in samples:
                f.write(f"{t - t0:.1f},{mb:.1f}\n")
    if rss_failed:
        tally.error("memory", f"RSS grew {max(judged):+.1f}% over the second half of a phase (limit {RSS_GROWTH_MAX_PCT:g}%)")

    errors = len(tally.errors)
    total = time.monotonic() - started
    log(f"total {total:.0f} s (submissions {submit_seconds:.0f} s, re-opening {verify_seconds:.0f} s)")
    failed = (bool(lost_names) or bool(mismatched) or bool(found["duplicates"]) or bool(found["unreceipted"])
              or reopened != acknowledged or errors > 0 or tally.refused_logins > 0 or audit.returncode != 0)
    if failed or KEEP:
        log(f"kept {root} (server.log, rss.csv, data)")
    else:
        shutil.rmtree(root, ignore_errors=True)
    log("FAILED" if failed else "passed")
    print(f"RESULT submitted={acknowledged} reopened={reopened} lost={len(lost_names)} "
          f"duplicates={len(found['duplicates'])} unreceipted={len(found['unreceipted'])} mismatched={len(mismatched)} "
          f"errors={errors} refused_logins={tally.refused_logins} busy_retries={tally.busy_retries} "
          f"rss_start_mb={round(rss[0]) if rss else 0} rss_end_mb={round(rss[-1]) if rss else 0} "
          f"rss_growth_pct={rss_growth:.1f} rss_judged={1 if judged else 0}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
