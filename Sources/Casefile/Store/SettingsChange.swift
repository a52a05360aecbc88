import Casework
import Foundation

/// The administrator's change of the settings: validated by `Settings.load`, written to the file
/// the server was started with (so a restart keeps it), then put in effect. The audit entry names
/// the top-level keys that changed and nothing of their values: a channel address or an alternate's
/// login is configuration, but the log is not the place to copy it.
extension Ledger {
    /// Returns the top-level keys that changed (empty: nothing was written or audited).
    ///
    /// Issue 13: alternates that `Alternates.problems` finds fault with (one missing, unknown, of
    /// the wrong role, holding a seat, named twice) are refused with `AlternatesRefused` and
    /// nothing is written. New alternates are not put in force here: they wait, recorded, for a
    /// second reader's confirmation (`confirmReaderChange`), and the alternates in force stay.
    @discardableResult
    public func changeSettings(json: [UInt8], file: URL?, actor: String) throws -> [String] {
        var new = try Settings.load(json: json)
        let problems = try alternatesProblems(new.alternates)
        guard problems.isEmpty else { throw AlternatesRefused(problems: problems.map(\.description)) }
        let asked = new.alternates
        new.alternates = settings.alternates
        let pending = try pendingAlternates()
        let alternatesAsked = asked != settings.alternates && asked != pending
        let changed = try Ledger.changedKeys(from: settings, to: new)
        if alternatesAsked { try requestAlternates(asked, actor: actor) }
        guard !changed.isEmpty else { return alternatesAsked ? ["alternates"] : [] }
        if let file {
            // Written whole and renamed into place: a crash leaves the old file or the new one.
            try PrivateFiles.write(try new.encodedJSON(), to: file)
        }
        replaceSettings(new)
        try DueDays.refreshAllIfRulesChanged(pool, settings: new)
        let now = clock()
        let audit = self.audit
        _ = try pool.write { db in
            try audit.append(db, actor: actor, action: "setting_change", detail: "keys=\(changed.joined(separator: ","))", at: now)
        }
        return changed
    }

    static func changedKeys(from old: Settings, to new: Settings) throws -> [String] {
        func object(_ s: Settings) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(try s.encodedJSON())) as? [String: Any] ?? [:]
        }
        func canonical(_ value: Any?) throws -> Data {
            guard let value else { return Data() }
            return try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        }
        let (a, b) = (try object(old), try object(new))
        return try Set(a.keys).union(b.keys).sorted().filter { try canonical(a[$0]) != canonical(b[$0]) }
    }
}
