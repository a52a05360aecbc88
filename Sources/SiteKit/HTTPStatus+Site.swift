import HTTPCore

extension HTTPStatus {
    /// A form that parsed but failed validation comes back filled in with this status (RFC 9110 §15.5.21).
    public static let unprocessableContent = HTTPStatus(422, "Unprocessable Content")
}
