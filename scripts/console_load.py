#!/usr/bin/env python3
"""The console's pages at many cases, for `make bench-console` (scripts/bench-console.sh).

Signs in as the demo head (password and TOTP from DATA/demo-accounts.json), then requests each
page REPEAT times one after another on one keep-alive connection and prints one JSON object:
p50/p99 in milliseconds per page (the inbox also right after a commit, `inbox_fresh`: its
section counts are then counted afresh), and the first related-reports computation (the first case page
of the session, when the console computes the related list; later ones read the session's cache).
"""
import argparse, base64, hashlib, hmac, http.client, json, re, sqlite3, struct, sys, time, urllib.parse

CASE_RE = re.compile(r'href="/console/case/([0-9a-f]{32})')
REGISTER_RE = re.compile(r"JB-\d{4}-\d{6}")


def totp(secret_b32, at):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Client:
    def __init__(self, port):
        self.port, self.cookie = port, ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path):
        start = time.perf_counter()
        self.conn.request("GET", path, headers={"Cookie": self.cookie} if self.cookie else {})
        r = self.conn.getresponse()
        body = r.read()
        return r.status, body.decode("utf-8", "replace"), (time.perf_counter() - start) * 1000, r

    def login(self, account):
        body = urllib.parse.urlencode({"login": account["login"], "password": account["password"],
                                       "totp": totp(account["totp_secret"], time.time())})
        self.conn.request("POST", "/console/login", body=body,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = self.conn.getresponse()
        r.read()
        cookie = [v for k, v in r.getheaders() if k.lower() == "set-cookie" and v.startswith("candor_staff=")]
        if r.status != 303 or not cookie:
            sys.exit(f"login refused: HTTP {r.status}")
        self.cookie = cookie[0].split(";")[0]


def pct(values, p):
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))], 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--repeat", type=int, default=100)
    a = ap.parse_args()
    accounts = json.load(open(f"{a.data}/demo-accounts.json"))
    head = next(x for x in accounts if x["login"] == "head")
    c = Client(a.port)
    c.login(head)
    status, inbox, _, _ = c.get("/console")
    refs = CASE_RE.findall(inbox)
    registers = REGISTER_RE.findall(inbox)
    if status != 200 or not refs:
        sys.exit(f"the inbox lists no case (HTTP {status})")
    # The first case page of the session computes the related reports.
    _, _, related_first, _ = c.get(f"/console/case/{refs[0]}")
    pages = {
        "inbox": lambda i: "/console",
        "filtered": lambda i: "/console?state=registered&sort=due&real_name=no",
        "deadlines": lambda i: "/console/deadlines",
        "case": lambda i: f"/console/case/{refs[i % len(refs)]}",
        "jump": lambda i: "/console?" + urllib.parse.urlencode({"register": registers[i % len(registers)] if registers else "JB-2026-000001"}),
        "stats": lambda i: "/console/stats",
    }
    out = {"related_first_ms": round(related_first, 1)}
    # The inbox right after a commit elsewhere (another process's, as the CLI's would be): the
    # section counts it keeps while nothing changes are counted afresh.
    db = sqlite3.connect(f"{a.data}/candor.sqlite", timeout=30)
    fresh = []
    for i in range(a.repeat):
        db.execute("UPDATE meta SET value = value WHERE name = (SELECT name FROM meta ORDER BY name LIMIT 1)")
        db.commit()
        status, _, ms, _ = c.get("/console")
        if status != 200:
            sys.exit(f"inbox after a commit: HTTP {status}")
        fresh.append(ms)
    db.close()
    out["inbox_fresh_p50_ms"], out["inbox_fresh_p99_ms"] = pct(fresh, 50), pct(fresh, 99)
    for name, path in pages.items():
        times = []
        for i in range(a.repeat):
            status, _, ms, _ = c.get(path(i))
            if status not in (200, 303):
                sys.exit(f"{name}: HTTP {status} for {path(i)}")
            times.append(ms)
        out[f"{name}_p50_ms"], out[f"{name}_p99_ms"] = pct(times, 50), pct(times, 99)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
