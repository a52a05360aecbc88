#!/usr/bin/env python3
"""Ledger's public surface, read from the sources: one line per public member of `Ledger`
(the class and every `extension Ledger` in Sources/Casefile), grouped by area, with the first
sentence of its doc comment. The README's list is checked against this output.

    scripts/ledger-surface.py [--root DIR]   print the list (Markdown)
    scripts/ledger-surface.py --check        also exit 1, naming them, if a public member has no
                                             doc comment, or if README.md's list (between the
                                             ledger-surface markers) differs from this output
    scripts/ledger-surface.py --write-readme rewrite README.md's list from the sources

It reads declarations by brace depth, not by parsing Swift: braces inside string literals would
mislead it, which is why `--check` also prints how many members it found.
"""
import os
import re
import sys

# Area by source file (relative to Sources/Casefile); the Ledger's own file is the store itself.
AREAS = [
    ("cases", ["Cases/Intake.swift", "Cases/CaseListing.swift", "Cases/CaseFigures.swift"]),
    ("reporter", ["Cases/ReporterAccess.swift", "Cases/ReporterView.swift"]),
    ("staff", ["Cases/StaffAccess.swift", "Cases/CaseActions.swift", "Cases/IdentityAccess.swift",
               "Cases/Regrant.swift", "Cases/RecoveryAccess.swift", "Cases/RewardDesk.swift"]),
    ("accounts", ["Accounts/"]),
    ("outbox", ["Outbox/"]),
    ("backup/purge", ["Store/Backup.swift", "Cases/Purge.swift"]),
    ("audit", ["Store/AuditTrail.swift", "Store/AuditLog.swift"]),
    ("store", ["Store/"]),
]

OPENER = re.compile(r"^(public\s+)?(final\s+)?(class\s+Ledger\b|extension\s+Ledger\b)")
MEMBER = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*public\s+(?:static\s+|final\s+|nonisolated\s+)*"
                    r"(func|var|let|init|struct|enum|final class|class|typealias)\b")


def area_of(relative):
    for name, prefixes in AREAS:
        if any(relative == p or (p.endswith("/") and relative.startswith(p)) for p in prefixes):
            return name
    return "other"


def strip_strings(line):
    """The line without string literals and comments, for counting braces."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    return line.split("//", 1)[0]


def signature(lines, start):
    """The declaration from `start` up to its body's brace (or its end), on one line."""
    text = ""
    for line in lines[start:start + 6]:
        text += " " + line.strip()
        if "{" in strip_strings(line) or not line.rstrip().endswith((",", "(")):
            break
    text = re.sub(r"\s+", " ", text).strip()
    text = text.split(" {", 1)[0] if " {" in text else text
    return re.sub(r"^(@\w+(\([^)]*\))?\s+)*public\s+", "", text)


def doc_before(lines, index):
    doc = []
    i = index - 1
    while i >= 0 and re.match(r"^\s*@\w+", lines[i]):
        i -= 1
    while i >= 0 and lines[i].strip().startswith("///"):
        doc.insert(0, lines[i].strip()[3:].strip())
        i -= 1
    return " ".join(d for d in doc if d)


def first_sentence(doc):
    """Up to the first full stop that ends a sentence (not "art. 9" nor "e.g. x")."""
    m = re.match(r"(.+?(?<!\bart)(?<!\barts)(?<!e\.g)(?<!i\.e)\.)(\s+(?=[A-Z`(])|$)", doc)
    return m.group(1) if m else doc


def members(root):
    folder = os.path.join(root, "Sources", "Casefile")
    found = []
    for dirpath, _, files in os.walk(folder):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(dirpath, name)
            relative = os.path.relpath(path, folder)
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            depth, inside, in_block_string = 0, False, False
            for i, line in enumerate(lines):
                if line.count('"""') % 2 == 1:
                    in_block_string = not in_block_string
                    continue
                if in_block_string:
                    continue
                if depth == 0 and OPENER.match(line):
                    inside = True
                elif inside and depth == 1 and MEMBER.match(line):
                    found.append((area_of(relative), relative, signature(lines, i), doc_before(lines, i)))
                code = strip_strings(line)
                depth += code.count("{") - code.count("}")
                if depth == 0:
                    inside = False
    return found


BEGIN, END = "<!-- ledger-surface:begin (scripts/ledger-surface.py --write-readme) -->", "<!-- ledger-surface:end -->"


def listing(found):
    out = []
    order = [name for name, _ in AREAS] + ["other"]
    for area in order:
        rows = [m for m in found if m[0] == area]
        if not rows:
            continue
        out.append(f"\n**{area}**\n")
        for _, relative, sig, doc in rows:
            out.append(f"- `{sig}` ({relative}): {first_sentence(doc) or 'UNDOCUMENTED'}")
    return "\n".join(out).strip() + "\n"


def readme_block(path):
    text = open(path, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        return text, None
    head, rest = text.split(BEGIN, 1)
    block, tail = rest.split(END, 1)
    return text, (head, block, tail)


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if "--root" in argv:
        root = argv[argv.index("--root") + 1]
    found = members(root)
    text = listing(found)
    readme = os.path.join(root, "README.md")
    if "--write-readme" in argv:
        _, parts = readme_block(readme)
        if parts is None:
            print(f"ledger surface: README.md has no {BEGIN} … {END} block", file=sys.stderr)
            return 1
        with open(readme, "w", encoding="utf-8") as f:
            f.write(parts[0] + BEGIN + "\n" + text + END + parts[2])
        return 0
    if "--check" not in argv:
        print(text)
        return 0
    problems = [f"LEDGER SURFACE: {relative}: `{sig}` has no doc comment" for _, relative, sig, doc in found if not doc]
    _, parts = readme_block(readme)
    if parts is None or parts[1].strip() != text.strip():
        problems.append("LEDGER SURFACE: README.md's list of Ledger's public surface is not what the sources say: "
                        "run scripts/ledger-surface.py --write-readme")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"ledger surface: {len(found)} public members, {sum(1 for m in found if not m[3])} without a doc comment, "
          f"README {'differs' if parts is None or parts[1].strip() != text.strip() else 'matches'}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
