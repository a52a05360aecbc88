/// What `MultipartParser.feed` reports, in body order. Each part gives one `.partBegin`,
/// zero or more non-empty `.partData` chunks (their sizes depend on how the body was fed),
/// then one `.partEnd`.
public enum MultipartEvent: Sendable, Equatable {
    case partBegin(MultipartPartHeaders)
    case partData([UInt8])
    case partEnd
}
