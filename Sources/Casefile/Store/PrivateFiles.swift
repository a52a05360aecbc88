import Foundation
import Glibc

/// Folders 0700 and files 0600, whatever the process's umask: the data folder holds sealed
/// reports, settings name the people who read them, and a library user or a test has no
/// `candor` main to set the umask for it (issue 14, finding 4).
public enum PrivateFiles {
    public static let folderMode: mode_t = 0o700
    public static let fileMode: mode_t = 0o600

    /// Creates `url` and any missing parents 0700. A folder that already exists keeps its mode:
    /// the operator may have chosen it on purpose.
    public static func createFolder(_ url: URL) throws {
        var missing: [URL] = []
        var current = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: current.path), current.path != "/" {
            missing.append(current)
            current = current.deletingLastPathComponent()
        }
        for folder in missing.reversed() {
            guard mkdir(folder.path, folderMode) == 0 || errno == EEXIST else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder.path,
                                                               NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
            // mkdir's mode is reduced by the umask; 0700 is what is meant.
            _ = chmod(folder.path, folderMode)
        }
    }

    /// Writes `bytes` to `url` 0600, whole or not at all: a sibling temporary file created 0600,
    /// synced, then renamed over the old one (so a crash leaves the old file or the new).
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        try createFolder(url.deletingLastPathComponent())
        // A fresh name each time: two writers never share a temporary file.
        let temporary = url.path + ".tmp-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, fileMode)
        guard fd >= 0 else { throw failure(temporary) }
        var ok = fchmod(fd, fileMode) == 0
        ok = ok && bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        _ = close(fd)
        guard ok, rename(temporary, url.path) == 0 else {
            let error = failure(temporary)
            unlink(temporary)
            throw error
        }
    }

    private static func failure(_ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }
}
