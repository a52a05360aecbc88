import Casework
import SQLiteDB

extension Ledger.RewardRecord {
    /// Decodes a `rewards` row (every query reading that table selects `*`), with the band the
    /// current settings give its verified loss.
    init(row: Row, bands: RewardBands) throws {
        let r = row.reader(table: "rewards")
        let loss = Fen(try r.required("verified_loss_fen", as: Int64.self))
        self.init(verifiedLoss: loss, state: try r.required("state"),
                  exclusions: try r.required("exclusions", as: String.self).split(separator: ";").map(String.init),
                  amount: try r.optional("amount_fen", as: Int64.self).map(Fen.init),
                  approvals: Set(try r.required("approvals", as: String.self).split(separator: ",").compactMap { Seat(rawValue: String($0)) }),
                  claimRef: try r.optional("claim_ref"), paidOn: try r.optional("paid_day", as: Int.self).map(Day.init(ordinal:)),
                  band: bands.band(forLoss: loss))
    }
}
