import Foundation
import ZIPFoundation

/// One member of a zip container, as its central directory declares it.
struct ZipMember: Sendable, Hashable {
    /// The member's path inside the container, with `/` separators.
    var name: String
    /// Whether the member is a folder entry.
    var isDirectory: Bool
    /// Compression method: 0 stored, 8 deflated.
    var method: UInt16
    /// General-purpose flags (bit 0: encrypted).
    var flags: UInt16
    /// Declared CRC-32 of the uncompressed bytes.
    var crc32: UInt32
    /// Declared compressed size.
    var compressedSize: Int
    /// Declared uncompressed size.
    var uncompressedSize: Int
    /// Offset of the member's local file header.
    var localHeaderOffset: Int
}

/// Safe reading of a zip container (a DOCX or ODT package, a zip of documents) held in memory.
///
/// The central directory is parsed and bounds-checked here; ZIPFoundation's inflater decompresses the members.
/// (`Archive(data:accessMode:)` itself is not used for reading: on Linux its in-memory file traps when a damaged
/// offset points past the end of the data, its end-of-directory scan of a truncated file re-reads a buffer for
/// every byte of the file, and its Linux extraction loop reads past a member's declared compressed size and never
/// ends when the data runs out mid-stream.)
///
/// Every read counts decompressed bytes against `IngestLimits.maxDecompressedBytes` for the whole container, and
/// refuses members whose declared or actual compression ratio marks a zip bomb. Diagnostic ids are prefixed with
/// the container's format: `ingest.docx.truncated-zip`, `ingest.odt.zip-bomb`, `ingest.zip.corrupt-zip`...
struct ZipContainer {
    /// The format named in diagnostic ids (`docx`, `odt`, `zip`).
    let format: String
    /// The members in central-directory order.
    let members: [ZipMember]
    /// Decompressed bytes read out of the container so far.
    private(set) var bytesRead = 0

    private let data: Data
    private let limits: IngestLimits
    private let index: [String: Int]

    /// Members larger than this are checked against the compression-ratio limit.
    static let ratioThreshold = 1 << 20

    /// Parses the central directory of `data`. Throws when the bytes are not a readable zip.
    init(data: Data, format: DocumentFormat, limits: IngestLimits) throws(IngestError) {
        self.format = format.rawValue
        self.limits = limits
        let data = data.startIndex == 0 ? data : Data(data)
        self.data = data
        let name = Self.label(format)
        if data.isEmpty {
            throw IngestError("ingest.\(format.rawValue).empty", "\(name) file is empty")
        }
        if data.count < 4 || data.readUInt32(0) != 0x0403_4B50 && data.readUInt32(0) != 0x0605_4B50 {
            throw IngestError("ingest.\(format.rawValue).not-zip", "\(name) file is not a zip package",
                              explanation: "The file does not start with a zip local file header (PK\\3\\4).")
        }
        let directory = try Self.locateDirectory(data, format: format.rawValue, name: name)
        var members: [ZipMember] = []
        var index: [String: Int] = [:]
        var position = directory.offset
        let end = directory.offset + directory.size
        for _ in 0..<directory.count {
            let member = try Self.parseDirectoryEntry(data, at: &position, end: end, format: format.rawValue,
                                                      name: name)
            let key = Self.key(member.name)
            if index[key] == nil { index[key] = members.count }
            members.append(member)
        }
        self.members = members
        self.index = index
    }

    /// The member named `name` (case-insensitive, `\` and a leading `/` tolerated), when there is one.
    func member(named name: String) -> ZipMember? {
        index[Self.key(name)].map { members[$0] }
    }

    /// Reads the member named `name`, or returns nil when the container has no such member.
    mutating func read(named name: String) throws(IngestError) -> Data? {
        guard let member = member(named: name) else { return nil }
        return try read(member)
    }

    /// Reads and decompresses `member`, enforcing the container's limits.
    mutating func read(_ member: ZipMember) throws(IngestError) -> Data {
        let name = Self.label(format)
        if member.isDirectory { return Data() }
        if member.flags & 1 != 0 {
            throw IngestError("ingest.\(format).encrypted", "\(name) member \(member.name) is encrypted",
                              explanation: "Password-protected members cannot be read.")
        }
        try checkDeclaredSizes(member)
        let start = try dataOffset(of: member)
        switch member.method {
        case 0:
            let bytes = data.subdata(in: start..<start + member.compressedSize)
            if let error = overrun(entryTotal: bytes.count, total: bytesRead + bytes.count, member: member) {
                throw error
            }
            bytesRead += bytes.count
            if bytes.count != member.uncompressedSize { throw sizeMismatch(member, actual: "\(bytes.count)") }
            if bytes.crc32(checksum: 0) != member.crc32 { throw crcMismatch(member) }
            return bytes
        case 8:
            return try inflate(member, from: start)
        default:
            throw IngestError("ingest.\(format).unsupported-compression",
                              "\(name) member \(member.name) uses compression method \(member.method)",
                              explanation: "Only stored and deflated members can be read.")
        }
    }

    // MARK: - Limits

    private func checkDeclaredSizes(_ member: ZipMember) throws(IngestError) {
        let ratio = member.uncompressedSize / max(member.compressedSize, 1)
        if member.uncompressedSize > Self.ratioThreshold, ratio > limits.maxCompressionRatio {
            throw zipBomb(member, "declares \(member.uncompressedSize) bytes compressed into "
                + "\(member.compressedSize) (ratio \(ratio), limit \(limits.maxCompressionRatio))")
        }
        if bytesRead + member.uncompressedSize > limits.maxDecompressedBytes {
            throw tooLarge(member)
        }
    }

    /// Why `member` may not go on once its output reaches `entryTotal` bytes and the container's `total`, if it may
    /// not. Declared sizes can lie, so this is checked while inflating: past 1 MiB, output over the ratio limit is a
    /// zip bomb, and output beyond the declared size is damage (small overruns run on to 1 MiB to tell which).
    private func overrun(entryTotal: Int, total: Int, member: ZipMember) -> IngestError? {
        if total > limits.maxDecompressedBytes { return tooLarge(member) }
        guard entryTotal > Self.ratioThreshold else { return nil }
        let ratio = entryTotal / max(member.compressedSize, 1)
        if ratio > limits.maxCompressionRatio {
            return zipBomb(member, "inflates \(member.compressedSize) bytes to over \(entryTotal) "
                + "(ratio \(ratio), limit \(limits.maxCompressionRatio))"
                + (entryTotal > member.uncompressedSize ? ", though it declares \(member.uncompressedSize)" : ""))
        }
        if entryTotal > member.uncompressedSize { return sizeMismatch(member, actual: "over \(entryTotal)") }
        return nil
    }

    private func zipBomb(_ member: ZipMember, _ cause: String) -> IngestError {
        IngestError("ingest.\(format).zip-bomb", "\(Self.label(format)) member \(member.name) \(cause)",
                    explanation: "The package looks like a zip bomb; raise limits.max_compression_ratio in the "
                        + "pipeline file if it is genuine.")
    }

    private func tooLarge(_ member: ZipMember) -> IngestError {
        IngestError("ingest.\(format).too-large",
                    "\(Self.label(format)) decompresses to more than \(limits.maxDecompressedBytes) bytes "
                        + "(at member \(member.name))",
                    explanation: "Raise limits.max_decompressed_bytes in the pipeline file to read it.")
    }

    private func sizeMismatch(_ member: ZipMember, actual: String) -> IngestError {
        IngestError("ingest.\(format).corrupt-zip",
                    "\(Self.label(format)) member \(member.name) inflates to \(actual) bytes, not the declared "
                        + "\(member.uncompressedSize)",
                    explanation: "The package is damaged, or its sizes are forged; extraction was stopped.")
    }

    private func crcMismatch(_ member: ZipMember) -> IngestError {
        IngestError("ingest.\(format).corrupt-zip",
                    "\(Self.label(format)) member \(member.name) fails its CRC-32 check",
                    explanation: "The package is damaged; re-download or re-save it.")
    }

    // MARK: - Decompression

    /// Thrown from inside ZIPFoundation's closures to stop inflating with a specific error.
    private struct Stop: Error {
        var error: IngestError
    }

    private mutating func inflate(_ member: ZipMember, from start: Int) throws(IngestError) -> Data {
        let compressedSize = member.compressedSize
        let truncated = IngestError("ingest.\(format).truncated-zip",
                                    "\(Self.label(format)) member \(member.name) has a truncated deflate stream",
                                    explanation: "The stream ends before its data does; the package is damaged.")
        // An empty deflate stream still takes two bytes; the size must also fit zlib's 32-bit counters.
        guard compressedSize > 0 else { throw truncated }
        guard compressedSize < Int(UInt32.max / 2) else { throw tooLarge(member) }
        let source = data
        var output = Data()
        output.reserveCapacity(min(member.uncompressedSize, limits.maxDecompressedBytes - bytesRead, 64 << 20))
        var total = bytesRead
        let checksum: CRC32
        do {
            // The whole compressed stream is one input chunk: ZIPFoundation's zlib loop on Linux hands inflate a
            // full buffer whatever the chunk's size, and asks for more until the stream ends. Asking for more than
            // the member holds means the stream is truncated, and stops here instead of looping forever.
            checksum = try Data.decompress(
                size: Int64(compressedSize), bufferSize: compressedSize, skipCRC32: false,
                provider: { position, size in
                    let position = Int(position)
                    guard position < compressedSize else {
                        if size == 0 { return Data() }
                        throw Stop(error: truncated)
                    }
                    let end = min(compressedSize, position + size)
                    return source.subdata(in: start + position..<start + end)
                },
                consumer: { chunk in
                    total += chunk.count
                    if let error = overrun(entryTotal: output.count + chunk.count, total: total, member: member) {
                        throw Stop(error: error)
                    }
                    output.append(chunk)
                })
        } catch let stop as Stop {
            throw stop.error
        } catch {
            throw IngestError("ingest.\(format).corrupt-zip",
                              "\(Self.label(format)) member \(member.name) cannot be decompressed: \(error)",
                              explanation: "The package is damaged; re-download or re-save it.")
        }
        bytesRead = total
        if output.count != member.uncompressedSize { throw sizeMismatch(member, actual: "\(output.count)") }
        if checksum != member.crc32 { throw crcMismatch(member) }
        return output
    }

    // MARK: - Structure

    /// Where the member's compressed bytes start, after checking its local header and bounds.
    private func dataOffset(of member: ZipMember) throws(IngestError) -> Int {
        let header = member.localHeaderOffset
        guard header >= 0, header + 30 <= data.count, data.readUInt32(header) == 0x0403_4B50 else {
            throw IngestError("ingest.\(format).truncated-zip",
                              "\(Self.label(format)) member \(member.name) has no local header where the "
                                  + "central directory says",
                              explanation: "The package is truncated or damaged.")
        }
        let start = header + 30 + Int(data.readUInt16(header + 26)) + Int(data.readUInt16(header + 28))
        guard start + member.compressedSize <= data.count else {
            throw IngestError("ingest.\(format).truncated-zip",
                              "\(Self.label(format)) member \(member.name) extends past the end of the file",
                              explanation: "The package is truncated: it was probably cut off while copying.")
        }
        return start
    }

    private struct Directory {
        var offset: Int
        var size: Int
        var count: Int
    }

    /// Finds the end-of-central-directory record (ZIP64 too) within the last 64 KiB of the data.
    private static func locateDirectory(_ data: Data, format: String, name: String) throws(IngestError)
        -> Directory {
        let truncated = IngestError("ingest.\(format).truncated-zip",
                                    "\(name) package is truncated: no zip end-of-central-directory record",
                                    explanation: "The file was probably cut off while downloading or copying.")
        guard data.count >= 22 else { throw truncated }
        let lowest = max(0, data.count - 22 - 0xFFFF)
        var candidate = data.count - 22
        var found: Int?
        while candidate >= lowest {
            if data[candidate] == 0x50, data.readUInt32(candidate) == 0x0605_4B50 {
                let size = Int(data.readUInt32(candidate + 12))
                let offset = Int(data.readUInt32(candidate + 16))
                // Prefer a record whose directory fits before it; a comment may contain the signature.
                if offset + size <= candidate || offset == 0xFFFF_FFFF || size == 0xFFFF_FFFF {
                    found = candidate
                    break
                }
                if found == nil { found = candidate }
            }
            candidate -= 1
        }
        guard let eocd = found else { throw truncated }
        var directory = Directory(offset: Int(data.readUInt32(eocd + 16)), size: Int(data.readUInt32(eocd + 12)),
                                  count: Int(data.readUInt16(eocd + 10)))
        if directory.count == 0xFFFF || directory.size == 0xFFFF_FFFF || directory.offset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before the classic record.
            let locator = eocd - 20
            if locator >= 0, data.readUInt32(locator) == 0x0706_4B50 {
                let record = data.readUInt64(locator + 8)
                guard record <= UInt64(data.count - 56), data.readUInt32(Int(record)) == 0x0606_4B50 else {
                    throw IngestError("ingest.\(format).corrupt-zip", "\(name) package has a damaged ZIP64 directory")
                }
                let start = Int(record)
                let count = data.readUInt64(start + 32)
                let size = data.readUInt64(start + 40)
                let offset = data.readUInt64(start + 48)
                guard count <= UInt64(data.count), size <= UInt64(data.count), offset <= UInt64(data.count) else {
                    throw truncated
                }
                directory = Directory(offset: Int(offset), size: Int(size), count: Int(count))
            }
        }
        guard directory.offset + directory.size <= eocd, directory.count * 46 <= directory.size else {
            throw IngestError("ingest.\(format).truncated-zip",
                              "\(name) package is truncated or damaged: its central directory lies outside the file",
                              explanation: "The file was probably cut off, or bytes were added to its start.")
        }
        return directory
    }

    private static func parseDirectoryEntry(_ data: Data, at position: inout Int, end: Int, format: String,
                                            name label: String) throws(IngestError) -> ZipMember {
        let damaged = IngestError("ingest.\(format).corrupt-zip",
                                  "\(label) package has a damaged central directory entry at byte \(position)",
                                  explanation: "The package is damaged; re-download or re-save it.")
        let start = position
        guard start + 46 <= end, data.readUInt32(start) == 0x0201_4B50 else { throw damaged }
        let nameLength = Int(data.readUInt16(start + 28))
        let extraLength = Int(data.readUInt16(start + 30))
        let commentLength = Int(data.readUInt16(start + 32))
        let next = start + 46 + nameLength + extraLength + commentLength
        guard next <= end else { throw damaged }
        let flags = data.readUInt16(start + 8)
        let nameBytes = [UInt8](data[start + 46..<start + 46 + nameLength])
        var compressed = UInt64(data.readUInt32(start + 20))
        var uncompressed = UInt64(data.readUInt32(start + 24))
        var offset = UInt64(data.readUInt32(start + 42))
        if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64 extended information: the 8-byte values present are those whose classic field is saturated.
            var extra = start + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = data.readUInt16(extra)
                let size = Int(data.readUInt16(extra + 2))
                var field = extra + 4
                let fieldEnd = min(field + size, extraEnd)
                if id == 0x0001 {
                    if uncompressed == 0xFFFF_FFFF, field + 8 <= fieldEnd {
                        uncompressed = data.readUInt64(field)
                        field += 8
                    }
                    if compressed == 0xFFFF_FFFF, field + 8 <= fieldEnd {
                        compressed = data.readUInt64(field)
                        field += 8
                    }
                    if offset == 0xFFFF_FFFF, field + 8 <= fieldEnd {
                        offset = data.readUInt64(field)
                    }
                    break
                }
                extra += 4 + size
            }
        }
        // Sizes beyond the file (compressed) or beyond any sane limit (uncompressed) are damage, not data.
        guard compressed <= UInt64(data.count), offset <= UInt64(data.count), uncompressed <= UInt64(Int.max / 2)
        else { throw damaged }
        var name = decodeName(nameBytes, utf8: flags & (1 << 11) != 0).replacingOccurrences(of: "\\", with: "/")
        while name.hasPrefix("/") { name.removeFirst() }
        let attributes = data.readUInt32(start + 38)
        position = next
        return ZipMember(name: name, isDirectory: name.hasSuffix("/") || (uncompressed == 0 && attributes & 0x10 != 0),
                         method: data.readUInt16(start + 10), flags: flags, crc32: data.readUInt32(start + 16),
                         compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                         localHeaderOffset: Int(offset))
    }

    /// Member names are UTF-8 when flagged (and often when not); otherwise IBM code page 437.
    private static func decodeName(_ bytes: [UInt8], utf8: Bool) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        if !utf8, let text = CharsetDecoder.convert(bytes, from: "ibm-437") { return text }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func key(_ name: String) -> String {
        var name = name.replacingOccurrences(of: "\\", with: "/")
        while name.hasPrefix("/") { name.removeFirst() }
        return name.lowercased()
    }

    /// How diagnostics name the container: `DOCX`, `ODT`, `zip`.
    static func label(_ format: DocumentFormat) -> String { label(format.rawValue) }

    private static func label(_ format: String) -> String { format == "zip" ? "zip" : format.uppercased() }
}

extension Data {
    /// The little-endian 16-bit integer at `offset` (0 past the end). The data must start at index 0.
    fileprivate func readUInt16(_ offset: Int) -> UInt16 {
        guard offset >= 0, offset + 2 <= count else { return 0 }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    /// The little-endian 32-bit integer at `offset` (0 past the end).
    fileprivate func readUInt32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= count else { return 0 }
        return UInt32(readUInt16(offset)) | UInt32(readUInt16(offset + 2)) << 16
    }

    /// The little-endian 64-bit integer at `offset` (0 past the end).
    fileprivate func readUInt64(_ offset: Int) -> UInt64 {
        guard offset >= 0, offset + 8 <= count else { return 0 }
        return UInt64(readUInt32(offset)) | UInt64(readUInt32(offset + 4)) << 32
    }
}
