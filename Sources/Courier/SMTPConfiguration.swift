/// Where and how to reach the mail server.
public struct SMTPConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Refuse to send unless the server offers STARTTLS and the handshake succeeds. On by
    /// default: a notice is harmless, but credentials are not.
    public var requireSTARTTLS: Bool
    /// Credentials for AUTH PLAIN or LOGIN; sent only inside TLS.
    public var user: String?
    public var password: String?
    /// A PEM file of the only CA to trust (a local relay's own CA); nil: the system store.
    public var pinnedCAFile: String?
    /// The name this client gives in EHLO.
    public var heloName: String
    /// Seconds for connecting and for each read or write.
    public var timeout: Double

    public init(host: String, port: Int = 587, requireSTARTTLS: Bool = true, user: String? = nil, password: String? = nil,
                pinnedCAFile: String? = nil, heloName: String = "candor.localdomain", timeout: Double = 30) {
        self.host = host
        self.port = port
        self.requireSTARTTLS = requireSTARTTLS
        self.user = user
        self.password = password
        self.pinnedCAFile = pinnedCAFile
        self.heloName = heloName
        self.timeout = timeout
    }
}
