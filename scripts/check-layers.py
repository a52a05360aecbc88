#!/usr/bin/env python3
"""The module graph, checked: `make test` runs this before the tests.

Fails, naming the file and the import, when a module's sources import a module the graph below
does not allow, and, naming the target, when Package.swift gives a target a dependency the graph
does not allow or declares a target the graph does not know. The compiler enforces Package.swift;
this keeps Package.swift (and so the compiler) honest against the design: the README's "Layout".
Test targets are not checked: tests may reach into what they test, and ship nowhere.

    scripts/check-layers.py [--root DIR]   the self-test, then the check of DIR (default: this repository)
    scripts/check-layers.py --self-test    plants forbidden imports and dependencies in copies of
                                           the tree and expects each to add the problem it plants
                                           (and an import in a comment to add none)
"""
import os
import re
import shutil
import sys
import tempfile

# Modules every Swift module may import unless its row says otherwise.
SYSTEM = {"Foundation", "Glibc", "Dispatch", "Synchronization"}

# THE GRAPH: module -> the modules of ours it may import (and depend on in Package.swift); system
# modules come from SYSTEM or SYSTEM_ONLY. One direction only. A row whose module Package.swift does
# not declare yet waits for it.
GRAPH = {
    # The executable: the allocator's tuning, then the command line; nothing else.
    "candor": {"Commands"},
    # The command line, start-up (`serve`) included: it opens the ledger (Casefile), reads and
    # writes recovery keys (Vault), builds settings (Casework), serves (HTTPCore, Gateway).
    "Commands": {"Gateway", "Casefile", "Casework", "HTTPCore", "Vault"},
    # Composition (which routes, which middleware) and the mail worker: the sites, the ledger
    # they share, Courier for the worker's mail, Casework for its notice schedule, Presentation
    # for the template library. No keys (Vault), no SQL.
    "Gateway": {"ReporterSite", "ConsoleSite", "SiteKit", "Casefile",
                "HTTPCore", "Casework", "Courier", "Presentation"},
    # The two sites never import each other, nor SQL: queries they share live in Casefile, page
    # rendering and the role gate in SiteKit. Vault for the sessions' unlocked keys.
    "ReporterSite": {"SiteKit", "Casefile", "Presentation", "HTTPCore", "Casework", "Vault"},
    "ConsoleSite": {"SiteKit", "Casefile", "Presentation", "HTTPCore", "Casework", "Vault"},
    # What both sites share; it imports neither of them.
    "SiteKit": {"Casefile", "Presentation", "HTTPCore", "Casework", "Vault"},
    # The sealed store: the only app module that speaks SQL.
    "Casefile": {"SQLiteDB", "Vault", "Casework"},
    "Courier": {"COpenSSL"},
    "Vault": {"COpenSSL"},
    "SQLiteDB": {"CSQLite"},
    "HTTPCore": {"COpenSSL"},  # TLS only
    # Templates, charts, QR codes, metadata strippers: no SQL, no keys, no HTTP.
    "Presentation": {"Casework"},
    # The rules of the case: Foundation only (SYSTEM_ONLY below), none of ours.
    "Casework": set(),
    "COpenSSL": set(),
    "CSQLite": set(),
    # Test helpers shared by test targets: the SMTP sink (COpenSSL for its TLS) and a throwaway
    # ledger (Casefile's public API); nothing of the web app.
    "TestSupport": {"COpenSSL", "Casefile", "Casework", "Vault"},
}
# Rows whose system imports are narrower than SYSTEM.
SYSTEM_ONLY = {"Casework": {"Foundation"}}

TARGET = re.compile(r'\.(target|executableTarget|testTarget|systemLibrary|binaryTarget|plugin|macro)\(\s*name:\s*"([^"]+)"')
IMPORT = re.compile(
    r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*'                       # @testable, @_exported, @preconcurrency…
    r'(?:(?:public|package|internal|fileprivate|private)\s+)?'  # access-level imports (SE-0409)
    r'import\s+(?:(?:class|struct|enum|protocol|func|var|let|typealias)\s+)?'
    r'([A-Za-z_][A-Za-z0-9_]*)'
)


def balanced(text, start):
    """The text from the "(" at `start` to its matching ")", skipping string literals."""
    depth, i, in_string = 0, start, False
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    raise ValueError("unbalanced parentheses in Package.swift")


def targets(package_text):
    """name -> (kind, dependencies, path) for every target in Package.swift."""
    text = re.sub(r"//[^\n]*", "", package_text)
    found = {}
    for m in TARGET.finditer(text):
        kind, name = m.group(1), m.group(2)
        body = balanced(text, m.start() + 1 + len(kind))
        deps = []
        d = re.search(r"dependencies:\s*\[", body)
        if d:
            inner = body[d.end():body.index("]", d.end())]
            for item in filter(None, (s.strip() for s in inner.split(","))):
                plain = re.fullmatch(r'"([^"]+)"', item) or re.fullmatch(r'\.(?:target|byName)\(\s*name:\s*"([^"]+)"\s*\)', item)
                if not plain:
                    raise ValueError(f"{name}: a dependency this check cannot read: {item} (use \"Name\")")
                deps.append(plain.group(1))
        p = re.search(r'path:\s*"([^"]+)"', body)
        default = ("Tests/" if kind == "testTarget" else "Sources/") + name
        found[name] = (kind, deps, p.group(1) if p else default)
    return found


def imports(path):
    """(line number, module) for every import in one Swift file, comments left out."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # Block comments become blank lines, so that line numbers stay true.
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for number, line in enumerate(text.split("\n"), 1):
        for statement in line.split(";"):
            m = IMPORT.match(statement)
            if m:
                yield number, m.group(1)


def check(root):
    """The problems in the tree at `root`, one sentence each; empty when the graph holds."""
    problems = []
    with open(os.path.join(root, "Package.swift"), encoding="utf-8") as f:
        declared = targets(f.read())
    for name, (kind, deps, path) in sorted(declared.items()):
        if kind == "testTarget":
            continue  # tests may reach into what they test; they ship nowhere
        if name not in GRAPH:
            problems.append(f"Package.swift: target {name} is not in the graph (scripts/check-layers.py GRAPH): add its row")
            continue
        allowed = GRAPH[name]
        for dep in deps:
            if dep not in allowed:
                problems.append(f"Package.swift: target {name} depends on {dep}, which the graph forbids (allowed: {', '.join(sorted(allowed)) or 'none'})")
        system = SYSTEM_ONLY.get(name, SYSTEM)
        folder = os.path.join(root, path)
        for dirpath, _, files in os.walk(folder):
            for file in sorted(files):
                if not file.endswith(".swift"):
                    continue
                full = os.path.join(dirpath, file)
                for number, module in imports(full):
                    if module not in allowed and module not in system:
                        problems.append(f"{os.path.relpath(full, root)}:{number}: {name} imports {module}, which the graph forbids")
    # Code in Sources/ that no target compiles is code this check (and the compiler) never sees.
    sources = os.path.join(root, "Sources")
    paths = {os.path.normpath(p) for _, _, p in declared.values()}
    for entry in sorted(os.listdir(sources)):
        if os.path.isdir(os.path.join(sources, entry)) and os.path.normpath(f"Sources/{entry}") not in paths:
            problems.append(f"Sources/{entry}: no target in Package.swift builds it")
    return problems


def self_test():
    """Each planted violation must fail, naming where; the untouched copy must pass."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    declared_dirs = ["Sources"] + [p for _, _, p in targets(open(os.path.join(here, "Package.swift")).read()).values()
                                   if not p.startswith("Sources")]
    cases = 0

    def copy():
        dst = tempfile.mkdtemp(prefix="check-layers.")
        shutil.copy(os.path.join(here, "Package.swift"), dst)
        for d in declared_dirs:
            if os.path.isdir(os.path.join(here, d)) and not os.path.exists(os.path.join(dst, d)):
                shutil.copytree(os.path.join(here, d), os.path.join(dst, d),
                                ignore=lambda _, names: [n for n in names if n.startswith(".")])
        return dst

    def plant(root, module, line):
        folder = os.path.join(root, targets(open(os.path.join(root, "Package.swift")).read())[module][2])
        path = os.path.join(folder, "Planted.swift")
        with open(path, "w") as f:
            f.write(f"// planted by scripts/check-layers.py --self-test\n{line}\nlet planted = 1\n")
        return os.path.relpath(path, root)

    def edit_package(root, old, new):
        p = os.path.join(root, "Package.swift")
        text = open(p).read()
        if old not in text:
            raise AssertionError(f"self-test: Package.swift no longer contains {old!r}; update the self-test")
        open(p, "w").write(text.replace(old, new, 1))

    def run(setup):
        root = copy()
        try:
            setup(root)
            return check(root)
        finally:
            shutil.rmtree(root)

    # Relative to the copy as it is, so that a problem in the real tree is reported by the real
    # check (after this), not mistaken for a broken self-test.
    baseline = run(lambda r: None)

    def expect(what, setup, must_mention):
        nonlocal cases
        found = [p for p in run(setup) if p not in baseline]
        cases += 1
        if must_mention is None:
            if found:
                raise AssertionError(f"self-test: {what}: expected no new problem, got:\n  " + "\n  ".join(found))
        elif not any(all(part in p for part in must_mention) for p in found):
            raise AssertionError(f"self-test: {what}: expected a problem naming {must_mention}, got: {found}")

    present = set(targets(open(os.path.join(here, "Package.swift")).read()))
    expect("import in a comment", lambda r: plant(r, "Casework", "// import SQLiteDB\n/* import HTTPCore\nimport Vault */"), None)
    expect("Casework imports HTTPCore", lambda r: plant(r, "Casework", "import HTTPCore"),
           ["Casework/Planted.swift:2", "imports HTTPCore"])
    expect("Casework imports Glibc (Foundation only)", lambda r: plant(r, "Casework", "import Glibc"),
           ["Casework/Planted.swift:2", "imports Glibc"])
    expect("@testable import", lambda r: plant(r, "Vault", "@testable import SQLiteDB"),
           ["Vault/Planted.swift:2", "imports SQLiteDB"])
    expect("public import", lambda r: plant(r, "HTTPCore", "public import Vault"),
           ["HTTPCore/Planted.swift:2", "imports Vault"])
    expect("internal import of a declaration", lambda r: plant(r, "SQLiteDB", "internal import struct Casework.Day"),
           ["SQLiteDB/Planted.swift:2", "imports Casework"])
    expect("second statement on a line", lambda r: plant(r, "Courier", "import Foundation; import Vault"),
           ["Courier/Planted.swift:2", "imports Vault"])
    expect("Package.swift dependency", lambda r: edit_package(r, '.target(name: "Casework")', '.target(name: "Casework", dependencies: ["Vault"])'),
           ["target Casework depends on Vault"])
    expect("target not in the graph", lambda r: edit_package(r, '.target(name: "Casework")', '.target(name: "Casework"),\n        .target(name: "Stray")'),
           ["target Stray is not in the graph"])
    expect("folder no target builds", lambda r: os.makedirs(os.path.join(r, "Sources", "Orphan")),
           ["Sources/Orphan"])
    if "Presentation" in present:
        expect("Presentation imports SQLiteDB", lambda r: plant(r, "Presentation", "import SQLiteDB"),
               ["Presentation/Planted.swift:2", "imports SQLiteDB"])
        expect("Presentation imports Gateway", lambda r: plant(r, "Presentation", "@_exported import Gateway"),
               ["Presentation/Planted.swift:2", "imports Gateway"])
    if "Casefile" in present:
        expect("Gateway imports SQLiteDB", lambda r: plant(r, "Gateway", "import SQLiteDB"),
               ["Gateway/Planted.swift:2", "imports SQLiteDB"])
        expect("Casefile imports HTTPCore", lambda r: plant(r, "Casefile", "import HTTPCore"),
               ["Casefile/Planted.swift:2", "imports HTTPCore"])
        expect("Casefile imports Courier", lambda r: plant(r, "Casefile", "@testable import Courier"),
               ["Casefile/Planted.swift:2", "imports Courier"])
    if {"ReporterSite", "ConsoleSite"} <= present:
        expect("ReporterSite imports ConsoleSite", lambda r: plant(r, "ReporterSite", "import ConsoleSite"),
               ["ReporterSite/Planted.swift:2", "imports ConsoleSite"])
        expect("ConsoleSite imports ReporterSite", lambda r: plant(r, "ConsoleSite", "@testable import ReporterSite"),
               ["ConsoleSite/Planted.swift:2", "imports ReporterSite"])
        expect("ConsoleSite imports SQLiteDB", lambda r: plant(r, "ConsoleSite", "import SQLiteDB"),
               ["ConsoleSite/Planted.swift:2", "imports SQLiteDB"])
        expect("ReporterSite imports SQLiteDB", lambda r: plant(r, "ReporterSite", "import SQLiteDB"),
               ["ReporterSite/Planted.swift:2", "imports SQLiteDB"])
        expect("ReporterSite depends on ConsoleSite", lambda r: edit_package(r, '.target(name: "ReporterSite", dependencies: ["SiteKit", ', '.target(name: "ReporterSite", dependencies: ["ConsoleSite", "SiteKit", '),
               ["target ReporterSite depends on ConsoleSite"])
    if "SiteKit" in present:
        expect("SiteKit imports ConsoleSite", lambda r: plant(r, "SiteKit", "import ConsoleSite"),
               ["SiteKit/Planted.swift:2", "imports ConsoleSite"])
        expect("SiteKit imports ReporterSite", lambda r: plant(r, "SiteKit", "import ReporterSite"),
               ["SiteKit/Planted.swift:2", "imports ReporterSite"])
    print(f"layering check self-test: {cases} cases as expected")


def main(argv):
    if argv[1:] == ["--self-test"]:
        self_test()
        return 0
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if argv[1:2] == ["--root"] and len(argv) == 3:
        root = argv[2]
    elif argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    self_test()
    problems = check(root)
    for p in problems:
        print(f"LAYERING: {p}", file=sys.stderr)
    print(f"layering check: {len(problems)} problem(s): {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except AssertionError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
