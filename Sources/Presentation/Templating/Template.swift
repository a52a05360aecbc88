/// A parsed template. The syntax is a small, logic-less subset of Mustache:
///
/// | tag | meaning |
/// |---|---|
/// | `{{name}}`, `{{a.b}}`, `{{.}}` | a value, HTML-escaped |
/// | `{{{name}}}` | a value unescaped, but only if it is `TrustedHTML`; anything else is still escaped |
/// | `{{@key}}` | the text for `key` in the page's language (`Templates/i18n/*.json`), escaped |
/// | `{{#name}}…{{/name}}` | a section: once per list item, once for a true/non-empty value |
/// | `{{^name}}…{{/name}}` | the inverse: when missing, false or empty |
/// | `{{>partial}}` | another template, in the current context |
/// | `{{!comment}}` | nothing |
///
/// Escaping is the default and cannot be forgotten: there is no way to print a request's text raw.
struct Template: Sendable {
    indirect enum Node: Sendable {
        case literal(String)
        case value(path: [String], raw: Bool)
        case text(key: String)
        case section(path: [String], inverted: Bool, body: [Node])
        case partial(String)
    }

    let name: String
    let nodes: [Node]

    struct SyntaxError: Error, CustomStringConvertible, Sendable {
        let template: String
        let line: Int
        let message: String
        var description: String { "\(template):\(line): \(message)" }
    }

    init(name: String, source: String) throws {
        self.name = name
        var parser = Parser(name: name, source: Array(source.utf8))
        nodes = try parser.parse()
    }

    private struct Parser {
        let name: String
        let source: [UInt8]
        var index = 0

        init(name: String, source: [UInt8]) {
            self.name = name
            self.source = source
        }

        func line(at i: Int) -> Int { 1 + source[..<min(i, source.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

        func error(_ message: String, at i: Int) -> SyntaxError {
            SyntaxError(template: name, line: line(at: i), message: message)
        }

        mutating func parse() throws -> [Node] {
            var stack: [(path: [String], inverted: Bool, nodes: [Node], opened: Int)] = [([], false, [], 0)]
            var literalStart = index
            func flush(_ end: Int, into stack: inout [(path: [String], inverted: Bool, nodes: [Node], opened: Int)]) {
                if end > literalStart {
                    stack[stack.count - 1].nodes.append(.literal(String(decoding: source[literalStart..<end], as: UTF8.self)))
                }
            }
            while index < source.count {
                guard source[index] == 0x7B, index + 1 < source.count, source[index + 1] == 0x7B else {
                    index += 1
                    continue
                }
                let tagStart = index
                flush(tagStart, into: &stack)
                let triple = index + 2 < source.count && source[index + 2] == 0x7B
                let open = triple ? 3 : 2
                let close: [UInt8] = triple ? [0x7D, 0x7D, 0x7D] : [0x7D, 0x7D]
                var end = index + open
                while end + close.count <= source.count && Array(source[end..<end + close.count]) != close {
                    end += 1
                }
                guard end + close.count <= source.count else { throw error("unclosed tag", at: tagStart) }
                let inner = String(decoding: source[(index + open)..<end], as: UTF8.self).trimmingSpaces()
                index = end + close.count
                literalStart = index
                guard let sigil = inner.first else { throw error("empty tag", at: tagStart) }
                let rest = String(inner.dropFirst()).trimmingSpaces()
                if triple {
                    stack[stack.count - 1].nodes.append(.value(path: try path(inner, at: tagStart), raw: true))
                    continue
                }
                switch sigil {
                case "!":
                    continue
                case "@":
                    guard !rest.isEmpty, rest.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }) else {
                        throw error("bad text key '\(rest)'", at: tagStart)
                    }
                    stack[stack.count - 1].nodes.append(.text(key: rest))
                case ">":
                    stack[stack.count - 1].nodes.append(.partial(rest))
                case "#", "^":
                    stack.append((try path(rest, at: tagStart), sigil == "^", [], tagStart))
                case "/":
                    let closing = try path(rest, at: tagStart)
                    guard stack.count > 1 else { throw error("'{{/\(rest)}}' closes nothing", at: tagStart) }
                    let top = stack.removeLast()
                    guard top.path == closing else {
                        throw error("'{{/\(rest)}}' closes '\(top.path.joined(separator: "."))' opened on line \(line(at: top.opened))", at: tagStart)
                    }
                    stack[stack.count - 1].nodes.append(.section(path: top.path, inverted: top.inverted, body: top.nodes))
                default:
                    stack[stack.count - 1].nodes.append(.value(path: try path(inner, at: tagStart), raw: false))
                }
            }
            flush(source.count, into: &stack)
            guard stack.count == 1 else {
                throw error("'\(stack.last!.path.joined(separator: "."))' is never closed", at: stack.last!.opened)
            }
            return stack[0].nodes
        }

        func path(_ text: String, at i: Int) throws -> [String] {
            if text == "." { return [] }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else {
                throw error("bad name '\(text)'", at: i)
            }
            return parts
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
