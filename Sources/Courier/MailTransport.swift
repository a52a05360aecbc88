/// Something that delivers one message or says precisely why it did not.
public protocol MailTransport: Sendable {
    func send(_ message: MailMessage) throws
}
