/// Chooses a metadata stripper for an upload from its first bytes only. The file name and the
/// Content-Type are deliberately not consulted: both come from the reporter's browser (usually
/// guessed from the extension), and a PNG named .jpg must still be cleaned as a PNG.
public enum MetadataStripping {
    enum Format: Sendable, Equatable {
        case jpeg
        case png
        case isobmff
    }

    /// Pass at least this many first bytes (or the whole file if it is shorter) to decide.
    public static let sniffLength = 8

    /// JPEG: SOI (FF D8, ITU T.81 B.1.1.3) followed by the 0xFF of the next marker. PNG: the
    /// 8-byte signature of PNG spec §5.2, built to catch transfer corruption. ISO base media
    /// (MP4, MOV, 3GP, HEIC, AVIF): a first box of type `ftyp` (ISO/IEC 14496-12 §4.3).
    static func format(ofFirstBytes bytes: some Collection<UInt8>) -> Format? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: PNGMetadataStripper.signature) { return .png }
        if Array(bytes.prefix(8).dropFirst(4)) == Array("ftyp".utf8) { return .isobmff }
        return nil
    }

    /// A fresh stripper for the format of `firstBytes`, which are not consumed: feed the whole
    /// stream, these bytes included, to the stripper. Nil for any other format (or too few bytes):
    /// the gateway then stores the file as it is and warns the reporter, naming the format
    /// (`formatName`).
    public static func stripper(firstBytes: some Collection<UInt8>) -> (any StreamTransformer)? {
        switch format(ofFirstBytes: firstBytes) {
        case .jpeg: JPEGMetadataStripper()
        case .png: PNGMetadataStripper()
        case .isobmff: ISOBMFFMetadataStripper()
        case nil: nil
        }
    }
}
