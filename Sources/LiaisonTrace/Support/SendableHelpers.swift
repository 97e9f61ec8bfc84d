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

/// A value handed to concurrent workers that only read it, or touch disjoint parts of it.
final class UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}

/// A value made on a thread of its own from `start()`; reading it starts it if need be and waits until it is made.
/// (Kept here: the packages of the mirror offer locks and async values, not a value that synchronous code can wait
/// for.)
final class Deferred<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var made: Value?
    /// How to make the value, until it is started.
    private var make: (@Sendable () -> Value)?

    /// A value already made.
    init(_ value: Value) {
        made = value
    }

    /// A value to make with `make` once `start()` is called or the value is read.
    init(making make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    /// Starts making the value (once; nothing when it is made or being made).
    func start() {
        condition.lock()
        let make = self.make
        self.make = nil
        condition.unlock()
        guard let make else { return }
        Thread.detachNewThread { [self] in
            let value = make()
            condition.lock()
            made = value
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Whether the value is made or being made.
    var hasStarted: Bool {
        condition.lock()
        defer { condition.unlock() }
        return make == nil
    }

    /// The value, once made.
    var value: Value {
        start()
        condition.lock()
        defer { condition.unlock() }
        while made == nil { condition.wait() }
        return made!
    }
}
