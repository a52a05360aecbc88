#!/usr/bin/env python3
"""`make measure`: runs the benchmarks and writes the README's "Measured" table from their output.

Runs, in order, `make bench-http`, `make bench-intake`, `make bench-timing` (when
scripts/bench-timing.sh exists), with MEASURE_CONSOLE=1 `make bench-console` and with MEASURE_BACKUP=1
`make bench-backup` (long: they seed 100,000 cases unless SEEDED names an earlier seed), with
MEASURE_SOAK=1 `make soak` (15-25 minutes), then `make fuzz`
(FUZZ_SECONDS each target) and `make e2e`, and with MEASURE_API_FUZZ=1 `make api-fuzz`. Each run's
last `RESULT ...` line (and its `TARGETS ...` line) goes with the date, the machine and the exit
status into docs/measured/<benchmark>.txt; the table between `<!-- measured:begin` and
`<!-- measured:end -->` in README.md is then generated from every file there, so a benchmark not
run this time keeps its last row, with its own date. No figure in the table is typed by hand.

A benchmark that fails (a missed target, an error, a failed build) still has its figures written,
marked FAILED with what it missed, and `make measure` exits non-zero; one that prints no RESULT
line keeps its previous row. MEASURE_ONLY="bench-http ..." runs a subset (the rest keep their
rows). Knobs set in the environment (DURATION, ROUNDS, ...) are recorded beside the command.
"""

import datetime
import os
import platform
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MEASURED = os.path.join(ROOT, "docs", "measured")
README = os.path.join(ROOT, "README.md")
BEGIN, END = "<!-- measured:begin", "<!-- measured:end -->"
ORDER = ["bench-http", "bench-intake", "bench-timing", "bench-console", "bench-backup", "soak", "fuzz", "e2e", "api-fuzz"]
# Environment variables that change what a benchmark measures; shown with its command.
KNOBS = {
    "bench-http": re.compile(r"^(ROUNDS|DURATION|CONNECTIONS|PARTS|WRK_PATH_SUFFIX|TARGET_[A-Z0-9_]+)$"),
    "bench-intake": re.compile(r"^(DURATION|WARMUP|KDF_SECONDS|CONCURRENCY|FLOOD|TARGET_[A-Z0-9_]+)$"),
    "bench-timing": re.compile(r"^(BUDGET|MIN_ROUNDS|CODE_PAIRS|STOP_MDE|MAX_MDE|THRESHOLD|CODE_THRESHOLD|SEED)$"),
    "bench-console": re.compile(r"^(SIZES|REPEAT|DAYS|SEEDED)$"),
    "bench-backup": re.compile(r"^(SEEDED|CASES|FILES_MIB|FILES_GIB)$"),
    "soak": re.compile(r"^SOAK_[A-Z0-9_]+$"),
    "fuzz": re.compile(r"^(FUZZ_SECONDS|FUZZ_TARGETS|FUZZ_TIMEOUT)$"),
    "e2e": re.compile(r"^E2E_[A-Z0-9_]+$"),
    "api-fuzz": re.compile(r"^API_FUZZ_[A-Z]+$"),
}


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = re.sub(r"\s+", " ", line.split(":", 1)[1]).strip()
                break
    except OSError:
        pass
    try:
        out = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout
        m = re.search(r"Swift version (\S+)", out)
        swift = f"Swift {m.group(1)}" if m else "Swift (unknown version)"
    except (OSError, subprocess.SubprocessError):
        swift = "no swift"
    return f"{os.cpu_count()} cores, {model}, Linux {platform.release()}, {swift}"


def benchmarks():
    scripts = [("bench-http", "scripts/bench-http.sh"), ("bench-intake", "scripts/bench-intake.sh")]
    if os.path.exists(os.path.join(ROOT, "scripts", "bench-timing.sh")):
        scripts.append(("bench-timing", "scripts/bench-timing.sh"))
    # Seeding 100,000 cases takes about half an hour here: only when asked (SEEDED reuses a seed).
    if os.environ.get("MEASURE_CONSOLE") == "1":
        scripts.append(("bench-console", "scripts/bench-console.sh"))
    if os.environ.get("MEASURE_BACKUP") == "1" and os.path.exists(os.path.join(ROOT, "scripts", "bench-backup.sh")):
        scripts.append(("bench-backup", "scripts/bench-backup.sh"))
    if os.environ.get("MEASURE_SOAK") == "1":
        scripts.append(("soak", "scripts/soak.sh"))
    # Not benchmarks, but their figures belong in the same table, typed by nobody.
    scripts += [("fuzz", "scripts/fuzz.sh"), ("e2e", "scripts/e2e.sh")]
    if os.environ.get("MEASURE_API_FUZZ") == "1":
        scripts.append(("api-fuzz", "scripts/api-fuzz.sh"))
    only = os.environ.get("MEASURE_ONLY", "").split()
    if only:
        unknown = set(only) - {name for name, _ in scripts}
        if unknown:
            sys.exit(f"measure: MEASURE_ONLY names {', '.join(sorted(unknown))}, which this run would not run")
        scripts = [(n, s) for n, s in scripts if n in only]
    return scripts


def run(name, script):
    """Runs one benchmark, echoing its output; returns (exit status, its output lines)."""
    print(f"\n######## make {name} ({script})", flush=True)
    proc = subprocess.Popen([os.path.join(ROOT, script)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line.rstrip("\n"))
    return proc.wait(), lines


def record(name, rc, lines, when, where):
    """Writes docs/measured/NAME.txt; returns False when there was no RESULT line to write."""
    results = [l.strip() for l in lines if l.startswith("RESULT ")]
    if not results:
        return False
    targets = [l[len("TARGETS "):].strip() for l in lines if l.startswith("TARGETS ")]
    missed = [re.sub(r"^\s*(FAIL: |missed: )", "", l).strip() for l in lines
              if re.match(r"^\s*(FAIL: |missed: )", l)]
    pattern = KNOBS.get(name)
    knobs = " ".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if pattern and pattern.match(k))
    if rc == 0:
        verdict = "every target met"
    else:
        verdict = f"FAILED (exit {rc})" + (": " + "; ".join(missed) if missed else "")
    os.makedirs(MEASURED, exist_ok=True)
    with open(os.path.join(MEASURED, f"{name}.txt"), "w") as f:
        f.write(f"# Written by `make measure` (scripts/measure.py) from a run of `make {name}`;\n"
                "# README.md's \"Measured\" table is generated from these files. Do not edit by hand.\n")
        f.write(f"command: {(knobs + ' ') if knobs else ''}make {name}\n")
        f.write(f"date: {when}\n")
        f.write(f"machine: {where}\n")
        f.write(f"exit: {rc}\n")
        f.write(f"verdict: {verdict}\n")
        f.write(f"targets: {targets[-1] if targets else '(the script printed none)'}\n")
        f.write(f"result: {results[-1]}\n")
    return True


def read_records():
    rows = {}
    if not os.path.isdir(MEASURED):
        return rows
    for file in sorted(os.listdir(MEASURED)):
        if not file.endswith(".txt"):
            continue
        fields = {}
        for line in open(os.path.join(MEASURED, file)):
            if line.startswith("#") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
        if "result" in fields:
            rows[file[:-4]] = fields
    return rows


def cell(text):
    return text.replace("|", "\\|")


def table(rows, when, where):
    names = [n for n in ORDER if n in rows] + sorted(n for n in rows if n not in ORDER)
    out = [f"{BEGIN}: generated by `make measure` (scripts/measure.py) from docs/measured/*.txt; edits here are overwritten -->",
           f"Last `make measure`: {when}, on {where}. Each row says when and where its own run was; a benchmark",
           "not run that time keeps its row. Every target is enforced: a miss makes the command fail.",
           "",
           "| command | figures (its RESULT line) | targets | verdict | run |",
           "|---|---|---|---|---|"]
    for n in names:
        r = rows[n]
        out.append(f"| `{cell(r.get('command', 'make ' + n))}` | `{cell(r['result'])}` | {cell(r.get('targets', ''))} | "
                   f"{cell(r.get('verdict', ''))} | {cell(r.get('date', ''))}; {cell(r.get('machine', ''))} |")
    out.append(END)
    return "\n".join(out)


def write_readme(text):
    readme = open(README).read()
    start = readme.find(BEGIN)
    stop = readme.find(END)
    if start < 0 or stop < start:
        sys.exit(f"measure: README.md has no {BEGIN} ... {END} block to write the table into")
    new = readme[:start] + text + readme[stop + len(END):]
    if new != readme:
        open(README, "w").write(new)


def main():
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    where = machine()
    print(f"measure: {when}; {where}")
    failed = []
    for name, script in benchmarks():
        rc, lines = run(name, script)
        if not record(name, rc, lines, when, where):
            failed.append(f"{name}: no RESULT line (exit {rc}); its previous row is kept")
        elif rc != 0:
            failed.append(f"{name}: exit {rc}; its row says FAILED")
    write_readme(table(read_records(), when, where))
    print("\nmeasure: README.md's Measured table rewritten from docs/measured/*.txt")
    if failed:
        print("measure FAILED:\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
