/// How often a staff member hears that something waits in the console.
public enum NotifyPreference: String, CaseIterable, Sendable {
    /// A notice at each event (new report, reporter reply, approval, deadline).
    case immediate
    /// One notice a day, the same every day whatever happened.
    case digest
    case none
}
