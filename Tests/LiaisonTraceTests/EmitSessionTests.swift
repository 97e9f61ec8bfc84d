import Foundation
import XCTest
@testable import LiaisonTrace

/// How a run finishes its outputs: the graph file on a thread of its own, the others one after the other beside it
/// with the store last, and the diagnostics output after all of them, seeing every failure.
final class EmitSessionTests: XCTestCase {
    /// A record of which outputs finished, in what order, and on which thread.
    private final class Journal: @unchecked Sendable { // guarded by `lock`
        private let lock = NSLock()
        private var entries: [(id: String, thread: String)] = []

        func note(_ id: String) {
            let thread = "\(pthread_self())"
            lock.withLock { entries.append((id, thread)) }
        }

        var all: [(id: String, thread: String)] { lock.withLock { entries } }
    }

    private static let allIDs = [RecordsEmitter.id, JSONGraphEmitter.id, DOTEmitter.id, SearchFeed.id,
                                 SearchStoreEmitter.id, DeltaEmitter.id, DiagnosticsEmitter.id]

    private func session(_ journal: Journal, failing: Set<String>, seen: UnsafeSendableBox<NSMutableArray>,
                         ids: [String] = allIDs) -> EmitSession {
        var session = EmitSession(directory: URL(fileURLWithPath: "/nonexistent/out"))
        for id in ids {
            session.outputs.append((id, FinishOnlyOutput { output in
                if id == JSONGraphEmitter.id { Thread.sleep(forTimeInterval: 0.05) } // the long one
                journal.note(id)
                if id == DiagnosticsEmitter.id {
                    seen.value.addObjects(from: output.diagnostics.map(\.summary))
                }
                if failing.contains(id) { throw CocoaError(.fileWriteNoPermission) }
            }))
        }
        return session
    }

    func testOutputsFinishInTwoLanesAndTheDiagnosticsSeeEveryFailure() {
        let journal = Journal()
        let seen = UnsafeSendableBox(NSMutableArray())
        var session = session(journal, failing: [JSONGraphEmitter.id, DOTEmitter.id], seen: seen)
        var clock = StepClock()
        let diagnostics = session.finish(RunOutput(graph: nil, quarantined: [], diagnostics: []), clock: &clock)
        let order = journal.all
        XCTAssertEqual(Set(order.map(\.id)).count, 7, "every output finished once: \(order.map(\.id))")
        XCTAssertEqual(order.last?.id, DiagnosticsEmitter.id)
        let beside = order.filter { $0.id != JSONGraphEmitter.id && $0.id != DiagnosticsEmitter.id }
        XCTAssertEqual(beside.map(\.id), [RecordsEmitter.id, DOTEmitter.id, SearchFeed.id, DeltaEmitter.id,
                                          SearchStoreEmitter.id], "the others in order, the store last")
        XCTAssertEqual(Set(beside.map(\.thread)).count, 1, "one after the other on one thread")
        XCTAssertNotEqual(order.first { $0.id == JSONGraphEmitter.id }?.thread, beside.first?.thread,
                          "the graph file beside them")
        // Both failures are diagnostics naming their emitter, and the diagnostics output saw them.
        XCTAssertEqual(diagnostics.map(\.id), ["emit.write", "emit.write"])
        XCTAssertEqual(Set(diagnostics.map { String($0.summary.prefix { $0 != ":" }) }),
                       [JSONGraphEmitter.id, DOTEmitter.id])
        XCTAssertEqual(Set(seen.value.compactMap { $0 as? String }), Set(diagnostics.map(\.summary)))
        XCTAssertTrue(clock.timings.contains { $0.step == "emit \(JSONGraphEmitter.id)" })
    }

    func testWithoutAGraphFileEveryOutputFinishesInTurn() {
        let journal = Journal()
        let seen = UnsafeSendableBox(NSMutableArray())
        let ids = Self.allIDs.filter { $0 != JSONGraphEmitter.id }
        var session = session(journal, failing: [SearchStoreEmitter.id], seen: seen, ids: ids)
        var clock = StepClock()
        let diagnostics = session.finish(RunOutput(graph: nil, quarantined: [], diagnostics: []), clock: &clock)
        XCTAssertEqual(journal.all.map(\.id), ids)
        XCTAssertEqual(Set(journal.all.map(\.thread)).count, 1)
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertEqual(seen.value.count, 1)
    }
}
