import Casework
import SQLiteDB

extension Ledger.RewardRecord {
    /// Decodes a `rewards` row (every query reading that table selects `*`): the workflow state in
    /// the clear, with the sealed figures (`RewardFigures`, issue 14) opened beside it and the band
    /// the current settings give the verified loss.
    init(row: Row, figures: RewardFigures, bands: RewardBands) throws {
        let r = row.reader(table: "rewards")
        let loss = Fen(figures.verifiedLossFen)
        self.init(verifiedLoss: loss, state: try r.required("state"), exclusions: figures.exclusions,
                  amount: figures.amountFen.map(Fen.init),
                  approvals: Set(try r.required("approvals", as: String.self).split(separator: ",").compactMap { Seat(rawValue: String($0)) }),
                  claimRef: try r.optional("claim_ref"), paidOn: try r.optional("paid_day", as: Int.self).map(Day.init(ordinal:)),
                  band: bands.band(forLoss: loss))
    }
}
