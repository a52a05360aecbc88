import Casefile
import HTTPCore
import Presentation

/// Streams one uploaded file into sealed storage. JPEG, PNG and ISO base media files (MP4, MOV,
/// HEIC) pass through a metadata stripper; the original is sealed alongside until the stripper has seen the whole file, so a
/// photo the stripper cannot parse is kept as sent (and the reporter told) instead of lost.
public struct EvidenceSink: FilePartSink {
    let staging: IntakeStaging
    let store: FileStore
    let fileName: String
    let contentType: String
    let maxFiles: Int

    private var sniffed: [UInt8] = []
    private var decided = false
    private var stripper: (any StreamTransformer)?
    private var stripFailed = false
    private var cleaned: FileStore.Writer?
    private var original: FileStore.Writer?
    private var size: Int64 = 0
    private var formatName: String?

    public init(staging: IntakeStaging, store: FileStore, headers: MultipartPartHeaders, maxFiles: Int) throws {
        self.staging = staging
        self.store = store
        fileName = headers.filename ?? "file"
        contentType = headers.contentType
        self.maxFiles = maxFiles
        guard staging.fileCount < maxFiles else {
            throw HTTPError(.contentTooLarge, "At most \(maxFiles) files per report.")
        }
    }

    public mutating func write(_ bytes: [UInt8]) throws {
        size += Int64(bytes.count)
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
        if !decided {
            // Fewer bytes than a signature: an empty or tiny file. An empty part is what a browser
            // sends when no file was chosen; nothing is stored for it.
            guard !sniffed.isEmpty else { return }
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
    }

    private func meta(stripped: Bool?, size: Int64) -> AttachmentMeta {
        AttachmentMeta(fileName: fileName, contentType: contentType, size: size, metadataStripped: stripped)
    }
}
