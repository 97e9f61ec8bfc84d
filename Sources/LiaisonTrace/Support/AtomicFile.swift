import Foundation

/// Writes files so that a reader (or a run killed part-way) never sees half of one under its final name: the bytes
/// go to a temporary file beside the target (`.<name>.lstrace-tmp`), which is then renamed over it (rename is
/// atomic within a file system). Temporary files a killed run left behind are removed by `removeLeftovers`.
enum AtomicFile {
    /// The suffix of temporary files.
    static let suffix = ".lstrace-tmp"

    /// The temporary name used while `path` is written.
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + suffix).path
    }

    /// Writes `bytes` to `path` through a temporary file.
    static func write(_ bytes: some ContiguousBytes, to path: String) throws {
        let temporary = temporaryPath(for: path)
        try writeFile(bytes, to: temporary)
        try replace(path, withFileAt: temporary)
    }

    /// Writes `data` to `url` through a temporary file.
    static func write(_ data: Data, to url: URL) throws {
        try write(data, to: url.path)
    }

    /// Moves the finished file `temporary` over `path`.
    ///
    /// Where the system can, the two names are exchanged atomically and the old file is then removed: a plain rename
    /// over an existing file makes ext4 (`auto_da_alloc`) start writing the new file out before the rename returns,
    /// 27-30 ms for a 40 MB graph file, where the exchange and the removal take 10 ms. Readers see the old file or the
    /// new one, never neither, as with rename; a run killed between the two leaves the old file under the temporary
    /// name, which `removeLeftovers` removes.
    static func replace(_ path: String, withFileAt temporary: String) throws {
        if let exchange = renameExchange, exchange(AT_FDCWD, temporary, AT_FDCWD, path, renameExchangeFlag) == 0 {
            if unlink(temporary) == 0 { return }
            // `path` was not a file (a folder, say): put it back, and let rename fail as it does.
            _ = exchange(AT_FDCWD, temporary, AT_FDCWD, path, renameExchangeFlag)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSFilePathErrorKey: path,
                NSLocalizedDescriptionKey: "cannot rename \(temporary) to \(path): \(String(cString: strerror(code)))",
            ])
        }
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// glibc's `renameat2`, looked up at run time: Swift's Glibc module leaves out the GNU declarations. Nil where the
    /// C library has none; where the file system cannot exchange (or `path` does not exist yet) the call fails and
    /// `replace` renames.
    private static let renameExchange: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    /// Linux's `RENAME_EXCHANGE`.
    private static let renameExchangeFlag: UInt32 = 1 << 1

    /// Writes `bytes` to `path` directly (creating or truncating it).
    static func writeFile(_ bytes: some ContiguousBytes, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw error(errno, path) }
        defer { close(descriptor) }
        try writeAll(bytes, to: descriptor, path: path)
    }

    private static func writeAll(_ bytes: some ContiguousBytes, to descriptor: Int32, path: String) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw error(errno, path)
                }
                offset += written
            }
        }
    }

    /// A file written piece by piece under its temporary name, renamed over its final name by `commit`.
    final class Stream {
        let path: String
        private let temporary: String
        private var descriptor: Int32
        private var buffer: [UInt8] = []

        /// Creates the temporary file of `path`.
        init(path: String) throws {
            self.path = path
            temporary = AtomicFile.temporaryPath(for: path)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw AtomicFile.error(errno, temporary) }
            buffer.reserveCapacity(1 << 20)
        }

        deinit {
            if descriptor >= 0 {
                close(descriptor)
                unlink(temporary)
            }
        }

        /// Appends bytes.
        func write(_ bytes: some Sequence<UInt8>) throws {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 20 { try flush() }
        }

        private func flush() throws {
            try AtomicFile.writeAll(buffer, to: descriptor, path: temporary)
            buffer.removeAll(keepingCapacity: true)
        }

        /// Writes what is buffered, closes the file and renames it over `path`.
        func commit() throws {
            try flush()
            close(descriptor)
            descriptor = -1
            try AtomicFile.replace(path, withFileAt: temporary)
        }
    }

    /// Whether a file name is that of a temporary file (`.<name>.lstrace-tmp`).
    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(suffix)
    }

    /// Removes the temporary files a killed run left in `directory` (not recursive).
    static func removeLeftovers(in directory: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where isLeftover(entry) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(entry))
        }
    }

    private static func error(_ code: Int32, _ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                  NSLocalizedDescriptionKey: "cannot write \(path): "
                                                      + String(cString: strerror(code))])
    }
}
