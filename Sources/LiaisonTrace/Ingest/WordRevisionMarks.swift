import Foundation

/// Counts tracked changes (revision marks) in a Word 97-2003 file, without converting it.
///
/// antiword's plain-text mode prints deleted and inserted text together with no markers, so a reader needs to
/// know whether a document has revision marks at all. This reads just enough of the binary format ([MS-DOC]
/// inside an OLE2 compound file) to tell: the character property runs (CHPX, in the formatted disk pages that
/// the FIB's `PlcfBteChpx` points to) that carry `sprmCFRMarkDel` (0x0800, deleted text) or `sprmCFRMarkIns`
/// (0x0801, inserted text) switched on. Anything unexpected in the file gives `nil` (unknown), never a crash.
struct WordRevisionMarks: Equatable, Sendable {
    /// Character runs marked as deleted.
    var deletedRuns: Int
    /// Character runs marked as inserted.
    var insertedRuns: Int

    /// Whether there is any tracked change.
    var isEmpty: Bool { deletedRuns == 0 && insertedRuns == 0 }

    /// The revision marks of a .doc file, or nil when the file is not a Word 97-2003 document this can read.
    static func scan(_ data: Data) -> WordRevisionMarks? {
        guard let file = CompoundFile(data), let wordDocument = file.stream(named: "WordDocument"),
              wordDocument.count >= 0x102 else { return nil }
        let fib = ByteReader(wordDocument)
        // FibBase: wIdent 0xA5EC, nFib >= 0x00C1 (Word 97), flags with fWhichTblStm (bit 9).
        guard fib.uint16(0) == 0xA5EC, let nFib = fib.uint16(2), nFib >= 0x00C1,
              let flags = fib.uint16(0x0A) else { return nil }
        guard let table = file.stream(named: flags & 0x0200 != 0 ? "1Table" : "0Table") else { return nil }
        // FibRgFcLcb97: fcPlcfBteChpx and lcbPlcfBteChpx at 0xFA and 0xFE of the FIB.
        guard let plcOffset = fib.uint32(0xFA), let plcLength = fib.uint32(0xFE), plcLength >= 4,
              (plcLength - 4) % 8 == 0 else { return nil }
        let tableReader = ByteReader(table)
        let count = Int(plcLength - 4) / 8
        var marks = WordRevisionMarks(deletedRuns: 0, insertedRuns: 0)
        for index in 0..<count {
            // The PLC holds count + 1 file offsets, then count page numbers (22 bits each).
            guard let pageNumber = tableReader.uint32(Int(plcOffset) + 4 * (count + 1) + 4 * index) else {
                return nil
            }
            let pageStart = Int(pageNumber & 0x3F_FFFF) * 512
            guard pageStart + 512 <= wordDocument.count else { return nil }
            scanPage(fib, at: pageStart, into: &marks)
        }
        return marks
    }

    /// One ChpxFkp: `crun` at byte 511, `crun + 1` offsets, then `crun` one-byte word offsets of the Chpx.
    private static func scanPage(_ reader: ByteReader, at start: Int, into marks: inout WordRevisionMarks) {
        guard let runs = reader.uint8(start + 511), runs > 0, 4 * (Int(runs) + 1) + Int(runs) <= 511 else { return }
        for run in 0..<Int(runs) {
            guard let wordOffset = reader.uint8(start + 4 * (Int(runs) + 1) + run), wordOffset != 0 else { continue }
            let chpx = start + Int(wordOffset) * 2
            guard let size = reader.uint8(chpx), chpx + 1 + Int(size) <= start + 512 else { continue }
            var position = chpx + 1
            let end = chpx + 1 + Int(size)
            while position + 2 <= end, let sprm = reader.uint16(position) {
                position += 2
                let operandSize: Int
                switch sprm >> 13 {
                case 0, 1: operandSize = 1
                case 2, 4, 5: operandSize = 2
                case 3: operandSize = 4
                case 7: operandSize = 3
                default: operandSize = 1 + Int(reader.uint8(position) ?? 0)
                }
                // Operand 1 is on; 0x81 is "the opposite of the style", and styles carry no revision marks.
                if sprm == 0x0800 || sprm == 0x0801, let operand = reader.uint8(position),
                   operand == 0x01 || operand == 0x81 {
                    if sprm == 0x0800 { marks.deletedRuns += 1 } else { marks.insertedRuns += 1 }
                }
                position += operandSize
            }
        }
    }
}

/// Bounds-checked little-endian reads.
private struct ByteReader {
    let bytes: Data

    init(_ bytes: Data) {
        self.bytes = bytes
    }

    func uint8(_ offset: Int) -> UInt8? {
        guard offset >= 0, offset < bytes.count else { return nil }
        return bytes[bytes.startIndex + offset]
    }

    func uint16(_ offset: Int) -> UInt16? {
        guard let low = uint8(offset), let high = uint8(offset + 1) else { return nil }
        return UInt16(low) | UInt16(high) << 8
    }

    func uint32(_ offset: Int) -> UInt32? {
        guard let low = uint16(offset), let high = uint16(offset + 2) else { return nil }
        return UInt32(low) | UInt32(high) << 16
    }
}

/// The streams of an OLE2 compound file (MS-CFB), read-only and just enough to find named streams.
private struct CompoundFile {
    private let reader: ByteReader
    private let sectorSize: Int
    private let miniSectorSize: Int
    private let miniStreamCutoff: Int
    private let fat: [UInt32]
    private let miniFAT: [UInt32]
    private let miniStream: Data
    private let entries: [(name: String, start: UInt32, size: Int, type: UInt8)]

    private static let endOfChain: UInt32 = 0xFFFF_FFFA

    init?(_ data: Data) {
        let reader = ByteReader(data)
        guard data.count >= 512, data.prefix(8).elementsEqual([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
              let sectorShift = reader.uint16(30), sectorShift == 9 || sectorShift == 12,
              let miniShift = reader.uint16(32), miniShift == 6,
              let fatSectors = reader.uint32(44), let directoryStart = reader.uint32(48),
              let cutoff = reader.uint32(56), let miniFATStart = reader.uint32(60),
              var difatNext = reader.uint32(68) else { return nil }
        self.reader = reader
        sectorSize = 1 << Int(sectorShift)
        miniSectorSize = 1 << Int(miniShift)
        miniStreamCutoff = Int(cutoff)
        let sectorCount = (data.count + sectorSize - 1) / sectorSize
        guard Int(fatSectors) <= sectorCount else { return nil }

        // The FAT's own sectors: 109 in the header, the rest in a chain of DIFAT sectors.
        var fatSectorList: [UInt32] = []
        for index in 0..<109 {
            guard let sector = reader.uint32(76 + 4 * index) else { return nil }
            if sector < Self.endOfChain { fatSectorList.append(sector) }
        }
        var hops = 0
        while difatNext < Self.endOfChain, fatSectorList.count < Int(fatSectors), hops < sectorCount {
            let base = (Int(difatNext) + 1) * sectorSize
            for index in 0..<(sectorSize / 4 - 1) {
                guard let sector = reader.uint32(base + 4 * index) else { return nil }
                if sector < Self.endOfChain { fatSectorList.append(sector) }
            }
            guard let next = reader.uint32(base + sectorSize - 4) else { return nil }
            difatNext = next
            hops += 1
        }
        var fat: [UInt32] = []
        for sector in fatSectorList.prefix(Int(fatSectors)) {
            let base = (Int(sector) + 1) * sectorSize
            for index in 0..<(sectorSize / 4) {
                guard let entry = reader.uint32(base + 4 * index) else { return nil }
                fat.append(entry)
            }
        }
        self.fat = fat

        // Directory entries: 128 bytes each, UTF-16 name, type, start sector, size.
        guard let directory = Self.chain(from: directoryStart, fat: fat, reader: reader, sectorSize: sectorSize)
        else { return nil }
        var entries: [(name: String, start: UInt32, size: Int, type: UInt8)] = []
        let directoryReader = ByteReader(directory)
        for base in stride(from: 0, to: directory.count - 127, by: 128) {
            guard let nameLength = directoryReader.uint16(base + 64), let type = directoryReader.uint8(base + 66),
                  let start = directoryReader.uint32(base + 116), let size = directoryReader.uint32(base + 120)
            else { break }
            let nameUnits = max(0, min(32, Int(nameLength) / 2 - 1))
            let units = (0..<nameUnits).compactMap { directoryReader.uint16(base + 2 * $0) }
            entries.append((String(decoding: units, as: UTF16.self), start, Int(size), type))
        }
        self.entries = entries

        // The mini stream lives in the root entry's chain; the mini FAT in its own chain.
        if let root = entries.first(where: { $0.type == 5 }), root.start < Self.endOfChain,
           let stream = Self.chain(from: root.start, fat: fat, reader: reader, sectorSize: sectorSize) {
            miniStream = stream.prefix(root.size)
        } else {
            miniStream = Data()
        }
        if miniFATStart < Self.endOfChain,
           let table = Self.chain(from: miniFATStart, fat: fat, reader: reader, sectorSize: sectorSize) {
            let tableReader = ByteReader(table)
            miniFAT = (0..<(table.count / 4)).compactMap { tableReader.uint32(4 * $0) }
        } else {
            miniFAT = []
        }
    }

    /// The bytes of the stream called `name` (case-insensitive, as in MS-CFB).
    func stream(named name: String) -> Data? {
        guard let entry = entries.first(where: { $0.type == 2 && $0.name.lowercased() == name.lowercased() })
        else { return nil }
        if entry.size < miniStreamCutoff {
            var data = Data()
            var sector = entry.start
            var hops = 0
            while sector < Self.endOfChain, data.count < entry.size, hops <= miniFAT.count {
                let base = Int(sector) * miniSectorSize
                guard base + miniSectorSize <= miniStream.count, Int(sector) < miniFAT.count else { return nil }
                let start = miniStream.startIndex + base
                data.append(miniStream[start..<(start + miniSectorSize)])
                sector = miniFAT[Int(sector)]
                hops += 1
            }
            return data.count >= entry.size ? data.prefix(entry.size) : nil
        }
        guard let data = Self.chain(from: entry.start, fat: fat, reader: reader, sectorSize: sectorSize),
              data.count >= entry.size else { return nil }
        return data.prefix(entry.size)
    }

    /// The sectors of a FAT chain, concatenated; nil on a broken or looping chain.
    private static func chain(from start: UInt32, fat: [UInt32], reader: ByteReader, sectorSize: Int) -> Data? {
        var data = Data()
        var sector = start
        var hops = 0
        while sector < endOfChain {
            guard Int(sector) < fat.count, hops <= fat.count else { return nil }
            let base = (Int(sector) + 1) * sectorSize
            guard base + sectorSize <= reader.bytes.count else {
                // A short last sector is tolerated (some writers truncate the file).
                guard base < reader.bytes.count else { return nil }
                data.append(reader.bytes[(reader.bytes.startIndex + base)...])
                return data
            }
            data.append(reader.bytes[(reader.bytes.startIndex + base)..<(reader.bytes.startIndex + base + sectorSize)])
            sector = fat[Int(sector)]
            hops += 1
        }
        return data
    }
}
