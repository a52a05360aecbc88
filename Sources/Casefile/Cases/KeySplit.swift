import Casework
import Foundation
import SQLiteDB
import Vault

/// A case made before it had two keys holds everything under one key, and the reporter's grant
/// is that key: a tracking code and a copy of the database would open its internal work. The
/// first staff holder (or the recovery key) to open such a case splits it, in one transaction:
/// that one key becomes the channel key (the reporter's grant keeps working unchanged), a new
/// internal key re-seals every internal piece in place and every staff evidence file under a new
/// name, both keys are sealed for every holder still cleared by art. 10 and for the recovery key,
/// and the case's seals are written from its rows as they stand (trust on first use: an old case
/// had no seal to check them against).
///
/// Why on the next open and not in a migration: the server holds no case key, so only someone
/// who opens the case can re-seal it. `candor recover --split-keys` does every case at once with
/// the recovery key, for an operator who does not want to wait for each case to be opened.
extension Ledger {
    enum OpenedKeys {
        case opened(CaseKeys)
        /// Another session split the case between our read and our write: open it again.
        case splitElsewhere
        case tampered([String])
    }

    /// Opens a holder's grants of a case, splitting an old case on the way; nil: no grant that
    /// opens (told and audited like no grant at all).
    func openKeys(_ sealed: (channel: [UInt8], internal: [UInt8]?)?, caseID: Int64, ref: String, accountID: Int64,
                  key: StaffPrivateKey) throws -> OpenedKeys? {
        guard let sealed else { return nil }
        let opened: Grants.Opened
        do { opened = try Grants.openCaseKeys(channel: sealed.channel, internal: sealed.internal, ref: ref, accountID: accountID, with: key) }
        catch is Grants.InternalGrantMissing { return .tampered(["internal grant: missing or does not open"]) }
        catch { return nil }
        return try finish(opened, caseID: caseID, ref: ref, actor: "staff:\(accountID)")
    }

    func finish(_ opened: Grants.Opened, caseID: Int64, ref: String, actor: String) throws -> OpenedKeys? {
        switch opened {
        case .keys(let keys): return .opened(keys)
        case .legacy(let channel):
            do {
                guard let keys = try splitKeys(caseID: caseID, ref: ref, channel: channel, actor: actor) else { return .splitElsewhere }
                return .opened(keys)
            } catch let tampered as CaseTampered {
                return .tampered(tampered.checks)
            } catch is KeySplitDone {
                // A grant under the old context on a case already split: a leftover, not a grant.
                return nil
            }
        }
    }

    struct KeySplitDone: Error {}

    /// What a split re-seals, read before the write.
    private struct Legacy {
        var pieces: [(kind: BlobKind, slot: String, plaintext: [UInt8])] = []
        var files: [(file: String, meta: [UInt8])] = []
        var holders: [(holder: String, accountID: Int64?)] = []
        var accused: [AccusedPerson] = []
        var exclusions: [ExclusionRecord] = []
    }

    /// Splits an old case (see above); nil when another session split it first.
    func splitKeys(caseID: Int64, ref: String, channel: ChannelKey, actor: String) throws -> CaseKeys? {
        let keys = CaseKeys(channel: channel, internal: try .random())
        let legacy = try readLegacy(caseID: caseID, ref: ref, channel: channel)
        let separation = CaseSeparation(ref: ref, accused: legacy.accused, records: legacy.exclusions)
        var grants: [Grants.Sealed] = []
        var dropped: [String] = []
        for holder in legacy.holders {
            if holder.holder == Holder.recovery {
                grants += try Grants.sealForRecovery(keys, ref: ref, to: self.keys.recoveryPublicKey)
            } else if let id = holder.accountID, let account = try account(id: id), Grants.refusal(for: account) == nil,
                      let cleared = try? separation.clear(account) {
                grants += try Grants.seal(keys, ref: ref, for: account, cleared: cleared)
            } else {
                // Excluded, disabled or awaiting confirmation: no grant to a split case (a head's
                // re-grant restores a lost one to an account still assigned and cleared).
                dropped.append(holder.holder)
            }
        }
        let pieces = try legacy.pieces.map { ($0.slot, try CaseCrypto.seal($0.plaintext, keys: keys, ref: ref, kind: $0.kind, slot: $0.slot)) }
        let moved = try moveFiles(legacy.files, ref: ref, channel: channel, keys: keys)
        let (now, audit, sealedGrants, droppedHolders) = (clock(), self.audit, grants, dropped)
        let done: Bool
        do {
            done = try pool.write { db -> Bool in
                guard !(try Grants.anyHeld(db, .internalKey, caseID: caseID)) else { return false }
                for (slot, sealed) in pieces {
                    try db.execute("UPDATE blobs SET sealed = ? WHERE case_id = ? AND slot = ?", [.blob(sealed), .integer(caseID), .text(slot)])
                }
                for m in moved {
                    try db.execute("UPDATE attachments SET file = ?, meta_sealed = ? WHERE case_id = ? AND file = ?",
                                   [.text(m.new), .blob(m.meta), .integer(caseID), .text(m.old)])
                }
                for grant in sealedGrants { try Grants.store(db, grant, caseID: caseID) }
                for holder in droppedHolders { try Grants.delete(db, .caseKey, caseID: caseID, holder: holder) }
                try CaseSeal.write(db, caseID: caseID, ref: ref, keys: keys)
                try audit.append(db, actor: actor, action: "keys_split", caseRef: ref,
                                 detail: "pieces=\(pieces.count) files=\(moved.count)", at: now)
                return true
            }
        } catch {
            for m in moved { files.delete(m.new) }
            throw error
        }
        for m in moved { files.delete(done ? m.old : m.new) }
        return done ? keys : nil
    }

    private func readLegacy(caseID: Int64, ref: String, channel: ChannelKey) throws -> Legacy {
        try pool.read { db in
            if try Grants.anyHeld(db, .internalKey, caseID: caseID) { throw KeySplitDone() }
            var legacy = Legacy()
            for row in try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? ORDER BY id", [.integer(caseID)]) {
                let blob = try BlobRow(row: row)
                let kind = try blob.blobKind()
                guard kind != .identity else { continue }
                guard let plaintext = try? CaseCrypto.openLegacy(blob.sealed, channel: channel, ref: ref, kind: blob.kind, slot: blob.slot) else {
                    throw CaseTampered(checks: ["blobs: a \(blob.kind) piece does not open under the case's key"])
                }
                if kind == .accused { legacy.accused = try JSONBytes.decode([AccusedPerson].self, plaintext) }
                if kind == .exclusions { legacy.exclusions = try JSONBytes.decode([ExclusionRecord].self, plaintext) }
                if !kind.isChannel { legacy.pieces.append((kind, blob.slot, plaintext)) }
            }
            for row in try db.query("SELECT file, meta_sealed FROM attachments WHERE case_id = ? AND internal = 1", [.integer(caseID)]) {
                let r = row.reader(table: "attachments")
                legacy.files.append((try r.required("file"), try r.required("meta_sealed")))
            }
            legacy.holders = try Grants.holders(db, .caseKey, caseID: caseID).filter { $0.holder != Holder.reporter }
            return legacy
        }
    }

    /// Staff evidence of an old case, copied under the internal key to new names; the old files
    /// are deleted once the split is committed.
    private func moveFiles(_ old: [(file: String, meta: [UInt8])], ref: String, channel: ChannelKey,
                           keys: CaseKeys) throws -> [(old: String, new: String, meta: [UInt8])] {
        var moved: [(old: String, new: String, meta: [UInt8])] = []
        do {
            for file in old {
                let meta = try CaseCrypto.openLegacy(file.meta, channel: channel, ref: ref, kind: "attachment", slot: "file:" + file.file)
                let name = try FileStore.newName()
                let writer = try keys.withFileKey(internal: true) {
                    try files.writer(name: name, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: name))
                }
                try channel.withSecret { try files.read(file.file, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: file.file), chunk: writer.write) }
                try writer.finish()
                moved.append((file.file, name, try CaseCrypto.sealMeta(meta, keys: keys, ref: ref, file: name, internal: true)))
            }
        } catch {
            for m in moved { files.delete(m.new) }
            throw error
        }
        return moved
    }
}
