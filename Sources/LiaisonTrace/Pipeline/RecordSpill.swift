import Foundation

/// The linking parts of a batch's records (see `DocumentRecord.linkingPart`), written to a temporary file as the
/// documents come and read back, in order, for each pass of linking; so a run's memory does not grow with what its
/// documents say. The file is unlinked as soon as it is opened: it disappears with the process, however it ends.
/// Where no temporary file can be made, the records stay in memory.
final class RecordSpill: RecordStream, @unchecked Sendable {
    private let descriptor: Int32
    private var memory: [DocumentRecord] = []
    private var buffer: [UInt8] = []
    private var written: Int64 = 0
    /// How many records it holds.
    private(set) var count = 0
    /// Whether reading decodes the records on a thread of their own, ahead of the reader (for a run with more than
    /// one job: the passes of linking then only build the graph).
    var readsAhead = false

    /// Opens an anonymous file in `directory` (the system's temporary folder by default).
    init(directory: URL = FileManager.default.temporaryDirectory) {
        let path = directory.appendingPathComponent("lstrace-records-\(getpid())-\(UUID().uuidString)").path
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 { unlink(path) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends a record (its linking part).
    func append(_ record: DocumentRecord) {
        guard descriptor >= 0 else {
            memory.append(record.linkingPart)
            count += 1
            return
        }
        append(record, linkingBytes: record.linkingBytes())
    }

    /// Appends a record whose linking part's binary form is at hand (`linkingBytes()` of `record`).
    func append(_ record: DocumentRecord, linkingBytes bytes: [UInt8]) {
        guard descriptor >= 0 else {
            memory.append(record.linkingPart)
            count += 1
            return
        }
        var length = UInt32(bytes.count).littleEndian
        withUnsafeBytes(of: &length) { buffer.append(contentsOf: $0) }
        buffer += bytes
        count += 1
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let result = pwrite(descriptor, raw.baseAddress! + offset, raw.count - offset, off_t(written))
                if result < 0, errno == EINTR { continue }
                // A disk that cannot take the spill is a fatal condition of the machine, not of a document.
                precondition(result > 0, "cannot write the record spill: \(String(cString: strerror(errno)))")
                offset += result
                written += Int64(result)
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func forEachRecord(_ body: (DocumentRecord) -> Void) {
        forEach(headerOnly: false, body)
    }

    func forEachHeader(_ body: (DocumentRecord) -> Void) {
        forEach(headerOnly: true, body)
    }

    private func forEach(headerOnly: Bool, _ body: (DocumentRecord) -> Void) {
        guard descriptor >= 0 else {
            memory.forEach(body)
            return
        }
        flush()
        guard readsAhead else {
            decode(headerOnly: headerOnly, body)
            return
        }
        // Records decoded on a thread of their own, a few batches ahead of `body`, in order.
        let batches = Handoff<[DocumentRecord]>(capacity: 4)
        Thread.detachNewThread { [self] in
            var batch: [DocumentRecord] = []
            batch.reserveCapacity(64)
            decode(headerOnly: headerOnly) { record in
                batch.append(record)
                if batch.count == 64 {
                    batches.put(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            batches.put(batch)
            batches.finish()
        }
        // Records are freed on a thread of their own too: freeing each record's strings and arrays was a tenth of the
        // linking pass that reads them.
        let spent = Handoff<[DocumentRecord]>(capacity: 4)
        Thread.detachNewThread {
            while spent.take() != nil {}
        }
        while let batch = batches.take() {
            for record in batch { body(record) }
            spent.put(consume batch)
        }
        spent.finish()
    }

    /// Reads and decodes every record, in order.
    private func decode(headerOnly: Bool, _ body: (DocumentRecord) -> Void) {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var pending: [UInt8] = []
        var offset: Int64 = 0
        while offset < written {
            let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(offset)) }
            precondition(read > 0, "cannot read the record spill: \(String(cString: strerror(errno)))")
            offset += Int64(read)
            pending += chunk[..<read]
            var start = 0
            while pending.count - start >= 4 {
                let length = pending[start..<(start + 4)].withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) }
                guard pending.count - start - 4 >= length else { break }
                // The spill is written and read by this process only: a record that does not decode is a bug.
                let record = try! DocumentRecord(linkingBytes: Array(pending[(start + 4)..<(start + 4 + length)]),
                                                  headerOnly: headerOnly)
                body(record)
                start += 4 + length
            }
            pending.removeFirst(start)
        }
    }
}

/// Values handed from one thread to another in order, at most `capacity` waiting.
private final class Handoff<Value>: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [Value] = []
    private var finished = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Hands on a value (waits while `capacity` wait already).
    func put(_ value: Value) {
        condition.lock()
        while waiting.count >= capacity { condition.wait() }
        waiting.append(value)
        condition.broadcast()
        condition.unlock()
    }

    /// No more values.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next value, or nil once all were taken after `finish`.
    func take() -> Value? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty, !finished { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        condition.broadcast()
        return waiting.removeFirst()
    }
}
