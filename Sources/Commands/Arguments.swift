/// `--name value`, `--name=value`, bare `--flag`, and positional words. Small on purpose: the
/// command line is an operator's tool, and every option it takes is listed in `candor --help`.
public struct Arguments: Sendable {
    public private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// - Parameter flagNames: options that take no value.
    public init(_ words: [String], flagNames: Set<String> = ["help", "dry-run", "yes", "all-assigned", "unheld", "with-identity", "split-keys", "hsts-preload"]) throws {
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == "--" {
                positional += words[(i + 1)...]
                break
            }
            if word.hasPrefix("--") {
                let body = String(word.dropFirst(2))
                if let eq = body.firstIndex(of: "=") {
                    options[String(body[..<eq])] = String(body[body.index(after: eq)...])
                } else if flagNames.contains(body) {
                    flags.insert(body)
                } else {
                    guard i + 1 < words.count, !words[i + 1].hasPrefix("--") else {
                        throw Invalid(description: "--\(body) needs a value")
                    }
                    options[body] = words[i + 1]
                    i += 1
                }
            } else if word == "-h" {
                flags.insert("help")
            } else {
                positional.append(word)
            }
            i += 1
        }
    }

    public func value(_ name: String) -> String? { options[name] }
    public func value(_ name: String, default fallback: String) -> String { options[name] ?? fallback }
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    public func int(_ name: String, default fallback: Int) throws -> Int {
        guard let text = options[name] else { return fallback }
        guard let v = Int(text) else { throw Invalid(description: "--\(name) takes a whole number, not '\(text)'") }
        return v
    }

    /// Options the command does not know are an error, not silently ignored: a typo in
    /// `--keys` must not start a server on the wrong folder.
    public func rejectUnknown(_ known: Set<String>) throws {
        let unknown = Set(options.keys).union(flags.subtracting(["help"])).subtracting(known)
        if let first = unknown.sorted().first {
            throw Invalid(description: "unknown option --\(first); see candor --help")
        }
    }
}
