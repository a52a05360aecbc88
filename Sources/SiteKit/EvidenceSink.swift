import Casefile
import HTTPCore
import Presentation
import Synchronization

/// Streams one uploaded file into sealed storage. JPEG, PNG and ISO base media files (MP4, MOV,
/// HEIC) pass through a metadata stripper; the original is sealed alongside until the stripper has seen the whole file, so a
/// photo the stripper cannot parse is kept as sent (and the reporter told) instead of lost.
public struct EvidenceSink: FilePartSink {
    let staging: IntakeStaging
    let store: FileStore
    let fileName: String
    let contentType: String
    let maxFiles: Int
    /// With a box to tell: a file over the limits is skipped (its bytes read and dropped) and
    /// named there, so the form comes back whole; without one, it fails the request.
    let refusals: UploadRefusals?
    let maxFileBytes: Int64
    private var refused: UploadRefusals.Reason?

    private var sniffed: [UInt8] = []
    private var decided = false
    private var stripper: (any StreamTransformer)?
    private var stripFailed = false
    private var cleaned: FileStore.Writer?
    private var original: FileStore.Writer?
    private var size: Int64 = 0
    private var formatName: String?

    public init(staging: IntakeStaging, store: FileStore, headers: MultipartPartHeaders, maxFiles: Int,
                maxFileBytes: Int = .max, refusals: UploadRefusals? = nil) throws {
        self.staging = staging
        self.store = store
        fileName = headers.filename ?? "file"
        contentType = headers.contentType
        self.maxFiles = maxFiles
        self.maxFileBytes = Int64(maxFileBytes)
        self.refusals = refusals
        guard (refusals?.accepted ?? staging.fileCount) < maxFiles else {
            guard refusals != nil else { throw HTTPError(.contentTooLarge, "At most \(maxFiles) files per report.") }
            refused = .tooMany
            return
        }
        refusals?.accept()
    }

    public mutating func write(_ bytes: [UInt8]) throws {
        size += Int64(bytes.count)
        if refused != nil { return }
        if size > maxFileBytes {
            refused = .tooBig
            refusals?.unaccept()
            abort()
            return
        }
        if !decided {
            sniffed += bytes
            guard sniffed.count >= MetadataStripping.sniffLength else { return }
            try decide()
            let pending = sniffed
            sniffed = []
            try pass(pending)
        } else {
            try pass(bytes)
        }
    }

    private mutating func decide() throws {
        decided = true
        stripper = MetadataStripping.stripper(firstBytes: sniffed)
        formatName = MetadataStripping.formatName(firstBytes: sniffed, fileName: fileName)
        original = try staging.beginFile(in: store)
        if stripper != nil { cleaned = try staging.beginFile(in: store) }
    }

    private mutating func pass(_ bytes: [UInt8]) throws {
        try original?.write(bytes)
        if var s = stripper, !stripFailed {
            do {
                let out = try s.feed(bytes)
                stripper = s
                try cleaned?.write(out)
            } catch is MetadataError {
                stripFailed = true
                cleaned?.discard()
                cleaned = nil
            }
        }
    }

    public mutating func finish() throws {
        if let refused {
            if size > 0 { refusals?.add(.init(name: fileName, size: size, reason: refused)) }
            return
        }
        if !decided {
            // Fewer bytes than a signature: an empty or tiny file. An empty part is what a browser
            // sends when no file was chosen; nothing is stored for it.
            guard !sniffed.isEmpty else {
                refusals?.unaccept()
                return
            }
            try decide()
            let pending = sniffed
            sniffed = []
            try pass(pending)
        }
        var metadataStripped: Bool? = false
        if var s = stripper, !stripFailed, let cleanedWriter = cleaned {
            do {
                try cleanedWriter.write(try s.finish())
                original?.discard()
                original = nil
                try staging.finishFile(cleanedWriter, meta: meta(stripped: true, size: cleanedWriter.plaintextCount))
                return
            } catch is MetadataError {
                cleaned?.discard()
                metadataStripped = nil
            }
        } else if stripper != nil {
            metadataStripped = nil
        }
        guard let originalWriter = original else { return }
        try staging.finishFile(originalWriter, meta: meta(stripped: metadataStripped, size: size))
        staging.noteMetadataKept(format: formatName)
    }

    public mutating func abort() {
        cleaned?.discard()
        original?.discard()
        cleaned = nil
        original = nil
    }

    private func meta(stripped: Bool?, size: Int64) -> AttachmentMeta {
        AttachmentMeta(fileName: fileName, contentType: contentType, size: size, metadataStripped: stripped)
    }
}

/// Files a form's reading skipped, named so the page can say which and why.
public final class UploadRefusals: Sendable {
    public enum Reason: Sendable { case tooBig, tooMany }
    public struct Refused: Sendable, Equatable {
        public let name: String
        public let size: Int64
        public let reason: Reason
    }

    private let state = Mutex<(accepted: Int, refused: [Refused])>((0, []))

    public init() {}

    public var refused: [Refused] { state.withLock { $0.refused } }
    var accepted: Int { state.withLock { $0.accepted } }
    func accept() { state.withLock { $0.accepted += 1 } }
    func unaccept() { state.withLock { $0.accepted -= 1 } }
    func add(_ r: Refused) { state.withLock { $0.refused.append(r) } }
}
