import Foundation

/// The pages' languages: Chinese first (the policy's own language), English beside it.
public enum Language: String, CaseIterable, Sendable {
    case zh
    case en

    /// `lang` query or cookie value; anything else falls back to Chinese.
    public init(code: String?) { self = code.flatMap(Language.init(rawValue:)) ?? .zh }
}

/// Every template under `Templates/` (`*.html`) and the text catalogs under `Templates/i18n/`,
/// parsed once at start-up. A missing partial or a text key missing from any language is an
/// error at load time, not a blank on a page in production.
public final class TemplateLibrary: Sendable {
    let templates: [String: Template]
    let catalogs: [Language: [String: String]]

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public convenience init(directory: URL) throws {
        let fm = FileManager.default
        var sources: [String: String] = [:]
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else {
            throw LoadError(description: "templates: cannot read the folder \(directory.path); pass --templates")
        }
        for file in names where file.hasSuffix(".html") {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            sources[String(file.dropLast(5))] = String(decoding: data, as: UTF8.self)
        }
        // `i18n/zh.json` plus any `i18n/<area>.zh.json`, so each area of the site keeps its own
        // catalog; a key defined twice is an error rather than a silent override.
        var catalogs: [Language: [String: String]] = [:]
        let i18n = directory.appendingPathComponent("i18n")
        let files = (try? fm.contentsOfDirectory(atPath: i18n.path)) ?? []
        for language in Language.allCases {
            let mine = files.filter { $0 == "\(language.rawValue).json" || $0.hasSuffix(".\(language.rawValue).json") }.sorted()
            guard mine.contains("\(language.rawValue).json") else {
                throw LoadError(description: "templates: missing text catalog \(i18n.appendingPathComponent("\(language.rawValue).json").path)")
            }
            var table: [String: String] = [:]
            for file in mine {
                let url = i18n.appendingPathComponent(file)
                guard let data = try? Data(contentsOf: url),
                      let part = try? JSONDecoder().decode([String: String].self, from: data) else {
                    throw LoadError(description: "templates: \(url.path) must be one JSON object of strings")
                }
                for (key, value) in part {
                    guard table[key] == nil else { throw LoadError(description: "templates: text key '\(key)' is defined twice (in \(file))") }
                    table[key] = value
                }
            }
            catalogs[language] = table
        }
        try self.init(sources: sources, catalogs: catalogs)
    }

    public init(sources: [String: String], catalogs: [Language: [String: String]]) throws {
        var templates: [String: Template] = [:]
        for (name, source) in sources {
            do { templates[name] = try Template(name: name, source: source) } catch {
                throw LoadError(description: "templates: \(error)")
            }
        }
        self.templates = templates
        self.catalogs = catalogs
        try check()
    }

    private func check() throws {
        var keys: Set<String> = []
        func walk(_ nodes: [Template.Node], in template: String) throws {
            for node in nodes {
                switch node {
                case .text(let key): keys.insert(key)
                case .partial(let name):
                    guard templates[name] != nil else {
                        throw LoadError(description: "templates: \(template) includes '\(name)', which does not exist")
                    }
                case .section(_, _, let body): try walk(body, in: template)
                case .literal, .value: break
                }
            }
        }
        for (name, template) in templates { try walk(template.nodes, in: name) }
        for language in Language.allCases {
            let missing = keys.subtracting(catalogs[language]?.keys.map { $0 } ?? []).sorted()
            guard missing.isEmpty else {
                throw LoadError(description: "templates: i18n/\(language.rawValue).json lacks \(missing.joined(separator: ", "))")
            }
        }
    }

    func has(_ name: String) -> Bool { templates[name] != nil }

    /// The text for a key in a language, for messages built in code (errors, flash notices).
    public func text(_ key: String, _ language: Language) -> String {
        catalogs[language]?[key] ?? catalogs[.zh]?[key] ?? key
    }

    public func render(_ name: String, language: Language, context: TemplateValue) throws -> String {
        guard let template = templates[name] else {
            throw LoadError(description: "templates: no template named '\(name)'")
        }
        var out = ""
        out.reserveCapacity(8192)
        var stack: [TemplateValue] = [["lang": .text(language.rawValue)], context]
        try render(template.nodes, language: language, stack: &stack, into: &out, depth: 0)
        return out
    }

    private func lookup(_ path: [String], in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = path.first else { return stack.last }
        for frame in stack.reversed() {
            if var value = frame[first] {
                for key in path.dropFirst() {
                    guard let next = value[key] else { return nil }
                    value = next
                }
                return value
            }
        }
        return nil
    }

    private func render(_ nodes: [Template.Node], language: Language, stack: inout [TemplateValue],
                        into out: inout String, depth: Int) throws {
        guard depth < 32 else { throw LoadError(description: "templates: partials nest more than 32 deep") }
        for node in nodes {
            switch node {
            case .literal(let s):
                out += s
            case .value(let path, let raw):
                switch lookup(path, in: stack) {
                case .text(let s)?: out += HTMLEscape.escape(s)
                case .html(let h)?: out += raw ? h.markup : HTMLEscape.escape(h.markup)
                case .bool(let b)?: out += b ? "true" : "false"
                case .list?, .object?, nil: break
                }
            case .text(let key):
                out += HTMLEscape.escape(text(key, language))
            case .partial(let name):
                try render(templates[name]!.nodes, language: language, stack: &stack, into: &out, depth: depth + 1)
            case .section(let path, let inverted, let body):
                let value = lookup(path, in: stack)
                let truthy = value?.isTruthy ?? false
                if inverted {
                    if !truthy { try render(body, language: language, stack: &stack, into: &out, depth: depth) }
                } else if truthy, let value {
                    let items: [TemplateValue]
                    if case .list(let list) = value { items = list } else { items = [value] }
                    for item in items {
                        stack.append(item)
                        try render(body, language: language, stack: &stack, into: &out, depth: depth)
                        stack.removeLast()
                    }
                }
            }
        }
    }
}
