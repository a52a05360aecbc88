#!/usr/bin/env python3
"""How long `candor backup` and `candor restore` take for a large installation.

Builds N cases from the upgrade fixture's four real cases (Tests/Fixtures/upgrade/0012-…): each
clone copies a template case's rows (case, pieces, grants, assignments) under a new reference,
lookup id and register number, with one sealed file of FILE_BYTES random bytes, and AUDIT audit
entries chained with the fixture's audit key (so the restore's audit verification walks a real
chain). The clones are not openable as cases (their sealed pieces are bound to the template's
reference), which does not matter here: backup and restore copy, hash and verify bytes, check the
database's integrity and walk the audit chain; they never open a case.

    scripts/measure-restore.py [N] [--file-bytes B] [--audit K] [--binary PATH]
Last line: RESULT cases=N files=N file_bytes=B audit_entries=E db_mib=… backup_s=… restore_s=…
"""
import argparse, hashlib, hmac, os, secrets, shutil, sqlite3, struct, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fixture = os.path.join(root, "Tests/Fixtures/upgrade/0012-no-plaintext-at-rest")

def chain_mac(key, previous, id_, at, actor, action, case_ref, detail):
    message = b"candor/audit/v1" + previous
    for field in (str(id_), str(at), actor, action, case_ref if case_ref is not None else "\0", detail):
        data = field.encode()
        message += struct.pack(">I", len(data)) + data
    return hmac.new(key, message, hashlib.sha256).digest()

def columns(db, table):
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]

def main():
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int, nargs="?", default=100000)
    p.add_argument("--file-bytes", type=int, default=4096)
    p.add_argument("--audit", type=int, default=10)
    p.add_argument("--binary", default=os.path.join(root, ".build/debug/candor"))
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="candor-restore-")
    shutil.copytree(fixture, os.path.join(work, "inst"))
    inst = os.path.join(work, "inst")
    for d, _, files in os.walk(inst):
        os.chmod(d, 0o700)
        for f in files: os.chmod(os.path.join(d, f), 0o600)
    data, keys = os.path.join(inst, "data"), os.path.join(inst, "Keys")
    key = open(os.path.join(keys, "audit.key"), "rb").read()
    db = sqlite3.connect(os.path.join(data, "candor.sqlite"))
    case_cols = [c for c in columns(db, "cases") if c != "id"]
    templates = [r[0] for r in db.execute("SELECT id FROM cases ORDER BY id")]
    per_case = {t: [c for c in ("blobs", "attachments", "grants", "internal_grants", "identity_grants", "assignments")] for t in templates}
    year, seq = db.execute("SELECT register_year, max(register_seq) FROM cases").fetchone()
    last_id, last_mac = db.execute("SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    at = int(time.time())
    t0 = time.time()
    db.execute("BEGIN")
    for i in range(a.n - len(templates)):
        t = templates[i % len(templates)]
        seq += 1
        ref = secrets.token_hex(16)
        values = {"ref": ref, "lookup_id": secrets.token_bytes(32), "register_seq": seq}
        select = ", ".join("?" if c in values else c for c in case_cols)
        args = [values[c] for c in case_cols if c in values]
        cur = db.execute(f"INSERT INTO cases({', '.join(case_cols)}) SELECT {select} FROM cases WHERE id = ?", args + [t])
        new = cur.lastrowid
        for table in per_case[t]:
            cols = [c for c in columns(db, table) if c != "id"]
            fresh = {"case_id": new}
            if table == "blobs": fresh["slot"] = None
            if table == "attachments": fresh["file"] = None
            rows = db.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE case_id = ?", (t,)).fetchall()
            for row in rows:
                row = list(row)
                for k in fresh:
                    j = cols.index(k)
                    if k == "case_id": row[j] = new
                    elif k == "slot": row[j] = secrets.token_hex(16)
                    elif k == "file":
                        row[j] = secrets.token_hex(16)
                        path = os.path.join(data, "files", row[j])
                        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
                            f.write(secrets.token_bytes(a.file_bytes))
                db.execute(f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", row)
        for k in range(a.audit):
            last_id += 1
            action, detail = ("intake", "") if k == 0 else ("case_view", "")
            mac = chain_mac(key, last_mac, last_id, at, "staff:1", action, ref, detail)
            db.execute("INSERT INTO audit_log(id, at, actor, action, case_ref, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (last_id, at, "staff:1", action, ref, detail, mac))
            last_mac = mac
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    print(f"built {a.n} cases in {time.time() - t0:.1f} s", flush=True)
    db_mib = os.path.getsize(os.path.join(data, "candor.sqlite")) / 2**20
    env = dict(os.environ, SWIFT_BACKTRACE="enable=no")
    def run(args):
        start = time.time()
        out = subprocess.run([a.binary] + args, capture_output=True, text=True, env=env)
        if out.returncode != 0:
            sys.exit(f"{args[0]} failed: {out.stdout}{out.stderr}")
        return time.time() - start, out.stdout
    backup_s, _ = run(["backup", os.path.join(work, "backup"), "--data", data, "--keys", keys])
    restore_s, said = run(["restore", os.path.join(work, "backup"), "--data", os.path.join(work, "restored"), "--keys", keys])
    print(said.strip().splitlines()[-1])
    print(f"RESULT cases={a.n} files={a.n} file_bytes={a.file_bytes} audit_entries={last_id} db_mib={db_mib:.0f} "
          f"backup_s={backup_s:.1f} restore_s={restore_s:.1f} binary={os.path.relpath(a.binary, root)}")
    shutil.rmtree(work)

if __name__ == "__main__":
    main()
