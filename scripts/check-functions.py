#!/usr/bin/env python3
"""No function over 60 lines outside parsers and tables: `make test` runs this after the
layering check.

A long function is where a reader stops following the reasoning, and where the review of a change
misses the line that matters. Parsers that walk a grammar byte by byte, and tables (a switch over
every transition), read best in one piece; they are listed in ALLOWED with the reason.

    scripts/check-functions.py [--root DIR] [--limit N]   the self-test, then the check of DIR/Sources
    scripts/check-functions.py --self-test                plants a long function and a long allowed
                                                          parser in a temporary tree and expects
                                                          exactly the first to be reported
"""
import os
import re
import sys
import tempfile

LIMIT = 60

# file (relative to Sources/) and function name -> why it may be longer.
ALLOWED = {
    ("HTTPCore/RequestHeadParser.swift", "parse"): "RFC 9112 §2–§5 request-line and field grammar, one pass",
    ("HTTPCore/Forms/MultipartParser.swift", "process"): "RFC 7578 / RFC 2046 §5.1 boundary state machine",
    ("HTTPCore/ChunkedDecoder.swift", "decode"): "RFC 9112 §7.1 chunked framing state machine",
    ("HTTPCore/Forms/MultipartHeaderParameters.swift", "parse"): "RFC 2231 / RFC 6266 parameter grammar",
    ("Presentation/Metadata/JPEGMetadataStripper.swift", "process"): "JPEG segment state machine (ITU T.81 B.1)",
    ("Presentation/Templating/Template.swift", "parse"): "the template grammar, one pass",
    ("Casework/Workflow.swift", "apply"): "the table of every case transition (art. 5–9)",
}

DECL = re.compile(
    r'^\s*(?:@\w+(?:\([^)]*\))?\s+)*'
    r'(?:(?:public|private|fileprivate|internal|package|static|final|override|mutating|nonisolated|'
    r'convenience|required|class|open)(?:\([^)]*\))?\s+)*'
    r'(?:func\s+([^\s(<]+)|(init)[?!]?\s*[(<]|(deinit)\b|(subscript)\s*[(<])'
)
STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def code_of(line):
    """The line without string literals and its line comment, for counting braces."""
    return STRING.sub('""', line).split("//")[0]


def functions(path):
    """(name, first line, length in lines) of every function, initializer and subscript."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    for i, line in enumerate(lines):
        m = DECL.match(line)
        if not m:
            continue
        name = next(g for g in m.groups() if g)
        depth, opened, j = 0, False, i
        while j < len(lines) and j < i + 5000:
            for c in code_of(lines[j]):
                if c == "{":
                    depth, opened = depth + 1, True
                elif c == "}":
                    depth -= 1
            if opened and depth <= 0:
                break
            if not opened and (j > i + 20 or (j > i and DECL.match(lines[j]))):
                break  # a protocol requirement: no body
            j += 1
        if opened:
            out.append((name, i + 1, j - i + 1))
    return out


def check(root, limit):
    problems = []
    sources = os.path.join(root, "Sources")
    for folder, _, files in os.walk(sources):
        for f in sorted(files):
            if not f.endswith(".swift"):
                continue
            path = os.path.join(folder, f)
            rel = os.path.relpath(path, sources)
            for name, line, length in functions(path):
                if length > limit and (rel, name) not in ALLOWED:
                    problems.append(f"LONG FUNCTION: Sources/{rel}:{line}: {name} is {length} lines (limit {limit})")
    return sorted(problems)


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "Sources/HTTPCore"))
        body = "\n".join(f'        let x{i} = "{{ not a brace }}" // }}' for i in range(LIMIT + 5))
        with open(os.path.join(tmp, "Sources/HTTPCore/Planted.swift"), "w") as f:
            f.write("struct Planted {\n    public static func tooLong(_ a: Int) -> Int {\n" + body + "\n        return a\n    }\n"
                    "    func short() {\n        _ = 1\n    }\n    init?(x: Int) {\n" + body + "\n    }\n}\n"
                    "protocol P {\n    func required()\n    func other()\n}\n")
        with open(os.path.join(tmp, "Sources/HTTPCore/RequestHeadParser.swift"), "w") as f:
            f.write("enum RequestHeadParser {\n    static func parse() {\n" + body + "\n    }\n}\n")
        got = check(tmp, LIMIT)
        names = [p.split(": ")[2].split(" ")[0] for p in got]
        if names != ["tooLong", "init"] or "Planted.swift:2:" not in got[0]:
            print("function length self-test FAILED: expected tooLong and init in Planted.swift, got:", got)
            return False
    print("function length self-test: planted long function and initializer caught, allowed parser passed")
    return True


def main(argv):
    root, limit = os.path.dirname(os.path.dirname(os.path.abspath(__file__))), LIMIT
    if "--root" in argv:
        root = argv[argv.index("--root") + 1]
    if "--limit" in argv:
        limit = int(argv[argv.index("--limit") + 1])
    if not self_test():
        return 1
    if "--self-test" in argv:
        return 0
    problems = check(root, limit)
    for p in problems:
        print(p)
    print(f"function length check: {len(problems)} function(s) over {limit} lines: {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
