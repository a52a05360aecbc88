import Foundation
import Synchronization

/// The server's log: start, stop, fatal errors and mail that could not be delivered, one line
/// each in logfmt (`level=info event=start listen=127.0.0.1:8080 tls=off`), on standard error
/// where journald (or any collector reading the process's output) takes it. Never a request,
/// never an address, a user agent, a code or anything of a report: an event names the
/// installation's own state, and a notice by its outbox id.
public struct EventLog: Sendable {
    public enum Level: String, Sendable { case info, warn, error }
    let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardError = EventLog { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }

    public func emit(_ event: String, level: Level = .info, _ fields: [(String, String)] = []) {
        write(EventLog.line(event, level: level, fields))
    }

    /// One line whatever the values hold: a value with a space, a quote, an equals sign or a
    /// control character is quoted, and newlines become `\n`, so one event is always one line.
    static func line(_ event: String, level: Level, _ fields: [(String, String)]) -> String {
        ([("level", level.rawValue), ("event", event)] + fields).map { "\($0.0)=\(quoted($0.1))" }.joined(separator: " ")
    }

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// Lines kept in memory, for tests.
    public final class Memory: Sendable {
        private let lines = Mutex<[String]>([])
        public init() {}
        public var log: EventLog { EventLog { [self] line in lines.withLock { $0.append(line) } } }
        public var all: [String] { lines.withLock { $0 } }
    }
}
