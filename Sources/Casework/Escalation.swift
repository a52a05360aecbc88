/// Issue 17: a body a case may be handed over to (the superior discipline body, the group, an
/// authority), as configured in `settings.json` → `escalation_recipients`: a name to show and the
/// body's X25519 public key (64 hex digits, from `candor export keygen` or their own tool).
public struct EscalationRecipient: Codable, Equatable, Sendable {
    public var name: String
    public var publicKey: String
    /// True for the body one level up, to which the rules send a report about a principal leader
    /// (纪检监察机关处理检举控告工作规则, art. 15): the case page offers it first.
    public var superior: Bool

    public init(name: String, publicKey: String, superior: Bool = false) {
        self.name = name
        self.publicKey = publicKey
        self.superior = superior
    }

    enum CodingKeys: String, CodingKey {
        case name, superior
        case publicKey = "public_key"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        publicKey = try c.decode(String.self, forKey: .publicKey)
        superior = try c.decodeIfPresent(Bool.self, forKey: .superior) ?? false
    }
}
