import Casefile
extension CandorCLI {
    /// `candor user email LOGIN ADDRESS [--notify immediate|digest|none]`: where a staff
    /// member's notices go and how often. ADDRESS `-` removes the address.
    static func userEmail(_ ledger: Ledger, _ args: Arguments) throws -> Int32 {
        guard args.positional.count == 3 else {
            throw Arguments.Invalid(description: "usage: candor user email LOGIN ADDRESS [--notify immediate|digest|none] (ADDRESS - removes it)")
        }
        let text = args.value("notify", default: NotifyPreference.immediate.rawValue)
        guard let notify = NotifyPreference(rawValue: text) else {
            throw Arguments.Invalid(description: "--notify is one of immediate, digest, none")
        }
        let login = args.positional[1]
        let address = args.positional[2] == "-" ? nil : args.positional[2]
        try ledger.setNotification(login: login, email: address, notify: notify, actor: "cli")
        if !ledger.settings.notifications.enabled {
            Terminal.warn("note: notifications.transport is \"none\" in the settings, so nothing is sent until a transport is configured (docs/configuration.md)")
        }
        Terminal.say("\(login): \(address ?? "no address"), notices \(notify.rawValue).")
        return 0
    }
}
