import Foundation

// Small pieces that let concurrent workers (`DispatchQueue.concurrentPerform`) share what they read and write.

/// A fixed-size buffer written at distinct indices by concurrent iterations.
final class UnsafeSendableBuffer<Element>: @unchecked Sendable {
    private var storage: [Element?]

    init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    subscript(index: Int) -> Element? {
        get { storage[index] }
        set { storage.withUnsafeMutableBufferPointer { $0[index] = newValue } }
    }
}

/// A shared counter handing out indices, once each.
final class NextIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below count: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}

/// A value handed to concurrent workers that only read it, or touch disjoint parts of it.
final class UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
