/// Art. 10 and art. 7: a post the reporter names can be one of the company's own reading seats.
/// A report about "董事长" must never reach the chairman's seat, whatever name came with it, and a
/// report about "纪检监察部负责人" never the heads. GLOSSARY.md has the words.
public enum PostMatching {
    /// Whom a post names among the accounts that read cases.
    public struct Holders: Equatable, Sendable {
        public var seats: Set<Seat> = []
        /// Every account with the head role (the department's head, by whatever title).
        public var heads = false
        /// The post could name a seat or the heads but does not say which ("书记" alone): each of
        /// them is excluded, and the head is told the match was ambiguous.
        public var ambiguous = false

        public var isEmpty: Bool { seats.isEmpty && !heads }
    }

    /// The department's own words for its head, and the words that qualify a "书记".
    static let headPosts = ["纪检监察部负责人", "纪检监察部部长", "纪检监察部主任", "纪委书记", "纪检书记", "纪检组长",
                            "headofdiscipline", "headofthedepartment"]

    /// The seats and heads a post names. Deputies ("副董事长", "党委副书记") are other people and
    /// name no seat.
    public static func holders(ofPost post: String) -> Holders {
        let p = NameMatching.normalise(post)
        var out = Holders()
        guard !p.isEmpty else { return out }
        if headPosts.contains(where: p.contains) { out.heads = true }
        if p.contains("董事长") && !p.contains("副董事长") || p == "chairman" || p.contains("chairoftheboard") {
            out.seats.insert(.chairman)
        }
        if p.contains("党委书记") || p.contains("partysecretary") { out.seats.insert(.partySecretary) }
        let bareSecretary = p.hasSuffix("书记") && !p.contains("副书记") && !p.contains("党委") && !p.contains("纪委")
            && !p.contains("纪检") && !p.contains("支部") && !p.contains("团委")
        if bareSecretary {
            // "书记" alone is how a party secretary is addressed, but the discipline secretary is
            // one too: both are kept out rather than guess.
            out.seats.insert(.partySecretary)
            out.heads = true
            out.ambiguous = true
        }
        return out
    }

    /// The titles an account's role implies when its post was never typed in: a head is called
    /// 部长 or 主任 or 负责人, the chairman 董事长 or 董, the party secretary 书记.
    static func impliedTitles(role: Role, seat: Seat?) -> [String] {
        switch (role, seat) {
        case (.head, _): return ["部长", "主任", "负责人", "书记", "组长"]
        case (.approver, .chairman?): return ["董事长", "董", "董事"]
        case (.approver, .partySecretary?): return ["书记"]
        default: return []
        }
    }

    /// Whether a title the reporter used fits an account: its post contains it (so "部长" fits
    /// "副部长"), or, with no post on record, its role implies it.
    static func title(_ title: String, fits entry: RosterEntry) -> Bool? {
        let bare = title.hasPrefix("副") ? String(title.dropFirst()) : title
        if let post = entry.post.map(NameMatching.normalise), !post.isEmpty {
            if post.contains(bare) { return true }
            return impliedTitles(role: entry.role, seat: entry.seat).contains(bare) ? true : false
        }
        if impliedTitles(role: entry.role, seat: entry.seat).contains(bare) { return true }
        return nil
    }
}
