import Foundation

/// A half-open range of UTF-8 byte offsets into a document's ingested text (the text `lstrace dump` prints).
public struct SourceRange: Codable, Hashable, Sendable, Comparable {
    /// First byte of the range.
    public var start: Int
    /// One past the last byte of the range.
    public var end: Int

    /// Creates a range from `start` up to, not including, `end`.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    /// The number of bytes covered.
    public var length: Int { end - start }

    public static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    /// The range shifted by `delta` bytes.
    public func shifted(by delta: Int) -> SourceRange { SourceRange(start + delta, end + delta) }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(start)
        try container.encode(end)
    }

    public init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        start = try container.decode(Int.self)
        end = try container.decode(Int.self)
    }
}

/// A 1-based line and column (column counted in Unicode scalars) in a document's ingested text.
public struct SourcePosition: Codable, Hashable, Sendable {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in Unicode scalars from the start of the line.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// Maps byte offsets of a text to lines and columns, in time that does not depend on the length of the line.
public struct LineIndex: Sendable {
    private let utf8: [UInt8]
    private let lineStarts: [Int]
    /// The number of scalars that start before byte `k * checkpointStride`, for every k (empty for ASCII text,
    /// where scalars are bytes).
    private let scalarCheckpoints: [Int32]
    private static let checkpointStride = 256

    /// Indexes `text`.
    public init(_ text: String) {
        utf8 = Array(text.utf8)
        var starts = [0]
        var checkpoints: [Int32] = []
        var ascii = true
        utf8.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            // Line feeds found by `memchr` (vectorized), ASCII told by OR-ing the bytes a word at a time
            // (`WordMasks.isASCII`), scalars counted a block at a time: byte-by-byte loops made this 15 instructions
            // a byte (callgrind).
            var offset = 0
            while offset < bytes.count, let found = memchr(base + offset, 0x0A, bytes.count - offset) {
                offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                starts.append(offset)
            }
            ascii = WordMasks.isASCII(bytes)
            guard !ascii else { return }
            checkpoints.reserveCapacity(bytes.count / Self.checkpointStride + 1)
            var scalars: Int32 = 0
            var blockStart = 0
            while blockStart < bytes.count {
                checkpoints.append(scalars)
                let blockEnd = min(blockStart + Self.checkpointStride, bytes.count)
                for offset in blockStart..<blockEnd where bytes[offset] & 0xC0 != 0x80 { scalars &+= 1 }
                blockStart = blockEnd
            }
        }
        lineStarts = starts
        scalarCheckpoints = checkpoints
    }

    /// The number of scalars that start before byte `offset`.
    private func scalars(before offset: Int) -> Int {
        guard !scalarCheckpoints.isEmpty else { return offset }
        let block = offset / Self.checkpointStride
        guard block < scalarCheckpoints.count else {
            return Int(scalarCheckpoints[scalarCheckpoints.count - 1])
                + countScalars(from: (scalarCheckpoints.count - 1) * Self.checkpointStride, to: offset)
        }
        return Int(scalarCheckpoints[block]) + countScalars(from: block * Self.checkpointStride, to: offset)
    }

    private func countScalars(from start: Int, to end: Int) -> Int {
        utf8.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, start < end else { return 0 }
            var count = 0
            var index = start
            // Eight bytes at a time: a byte starts a scalar unless it is a continuation byte (10xxxxxx), whose top
            // bit is set and next bit clear.
            while index + 8 <= end {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let continuations = word & ~(word << 1) & 0x8080_8080_8080_8080
                count += 8 - continuations.nonzeroBitCount
                index += 8
            }
            while index < end {
                if base[index] & 0xC0 != 0x80 { count += 1 }
                index += 1
            }
            return count
        }
    }

    /// The number of lines (a text ending in a newline has an empty last line, which is counted).
    public var lineCount: Int { lineStarts.count }

    /// The byte offset at which 1-based `line` starts.
    public func startOfLine(_ line: Int) -> Int {
        lineStarts[max(0, min(line - 1, lineStarts.count - 1))]
    }

    /// The 1-based line and column of byte `offset`.
    public func position(of offset: Int) -> SourcePosition {
        let clamped = max(0, min(offset, utf8.count))
        let low = lineStarts.partitionPoint { $0 <= clamped } - 1
        // Count only bytes that start a scalar (not UTF-8 continuation bytes).
        let column = scalars(before: clamped) - scalars(before: lineStarts[low]) + 1
        return SourcePosition(line: low + 1, column: column)
    }
}
