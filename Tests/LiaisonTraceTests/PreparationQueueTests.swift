import Foundation
import XCTest
@testable import LiaisonTrace

/// The queue that runs the per-document stages ahead of a run's writer: outcomes reach the writer by their index
/// whatever order they are made in, the stages never hold more than the window made and not taken, they go on while
/// the writer is busy, and they stop when the writer closes the queue.
final class PreparationQueueTests: XCTestCase {
    /// A stand-in outcome that names its input.
    private static func outcome(_ index: Int) -> PreparedOutcome {
        .failed(IngestError("ingest.binary", "input \(index)").diagnostic(path: "in/\(index).txt"))
    }

    private static func index(of outcome: PreparedOutcome?) -> Int? {
        guard case .failed(let diagnostic)? = outcome else { return nil }
        return diagnostic.path.flatMap { Int($0.dropFirst(3).dropLast(4)) }
    }

    /// Counts what the stages made and what is made but not taken, at its highest.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var made = 0
        private var taken = 0
        private(set) var highest = 0

        func madeOne() {
            lock.withLock {
                made += 1
                highest = max(highest, made - taken)
            }
        }

        func tookOne() { lock.withLock { taken += 1 } }
        var madeSoFar: Int { lock.withLock { made } }
    }

    /// Runs the stages of `queue` over `indices` on a task of their own, each input pausing as `pause` says before
    /// it is counted as made.
    private static func startStages(_ queue: PreparationQueue<PreparedOutcome>, _ indices: [Int], jobs: Int,
                                    counter: Counter, pause: @escaping @Sendable (Int) -> Void = { _ in })
        -> Task<Void, Never> {
        let prepare: @Sendable (Int) -> PreparedOutcome = { index in
            pause(index)
            counter.madeOne()
            return outcome(index)
        }
        return Task { await queue.run(indices, jobs: jobs, prepare: prepare) }
    }

    /// Takes the outcomes of `indices` in order, each checked to be its own.
    private func take(_ indices: some Sequence<Int>, from queue: PreparationQueue<PreparedOutcome>) async {
        for index in indices {
            let outcome = await queue.outcome(for: index)
            XCTAssertEqual(Self.index(of: outcome), index)
        }
    }

    func testOutcomesComeByIndexWithinTheWindow() async {
        // Every other index is one the writer reads from elsewhere (the cache); inputs take uneven times.
        let indices = Array(stride(from: 0, to: 400, by: 2))
        for jobs in [1, 3] {
            let queue = PreparationQueue<PreparedOutcome>(window: 8)
            let counter = Counter()
            let stages = Self.startStages(queue, indices, jobs: jobs, counter: counter) { index in
                usleep(UInt32((index * 7919) % 5) * 100)
            }
            var got: [Int] = []
            for index in indices {
                let outcome = await queue.outcome(for: index)
                counter.tookOne()
                got.append(Self.index(of: outcome) ?? -1)
                if index % 50 == 0 { usleep(2_000) }
            }
            queue.close()
            await stages.value
            XCTAssertEqual(got, indices, "jobs \(jobs)")
            // The counter counts an outcome made just before the queue has it: one per job can be counted early.
            XCTAssertLessThanOrEqual(counter.highest, 8 + jobs, "jobs \(jobs): more made than the window holds")
            XCTAssertGreaterThan(counter.highest, 1, "jobs \(jobs): the stages never ran ahead of the writer")
        }
    }

    func testTheStagesGoOnWhileTheWriterIsBusy() async {
        // With one job, the stages made the next input while the writer wrote one, and waited for the writer
        // before starting the one after. Now they fill the window while the writer is still busy with its first.
        let queue = PreparationQueue<PreparedOutcome>(window: 6)
        let counter = Counter()
        let stages = Self.startStages(queue, Array(0..<20), jobs: 1, counter: counter)
        await take([0], from: queue)
        let deadline = Date().addingTimeInterval(20)
        while counter.madeSoFar < 7, Date() < deadline { usleep(1_000) }
        XCTAssertEqual(counter.madeSoFar, 7, "the first input taken and a window of six made while the writer works")
        await take(1..<20, from: queue)
        queue.close()
        await stages.value
        XCTAssertEqual(counter.madeSoFar, 20)
    }

    func testClosingStopsTheStagesAndAnUnmadeOutcomeIsNil() async {
        let queue = PreparationQueue<PreparedOutcome>(window: 4)
        let counter = Counter()
        let stages = Self.startStages(queue, Array(0..<1_000), jobs: 2, counter: counter)
        await take(0..<3, from: queue)
        queue.close()
        await stages.value
        XCTAssertLessThanOrEqual(counter.madeSoFar, 3 + 4 + 2, "taken, the window, and the jobs running at the close")
        let after = await queue.outcome(for: 999)
        XCTAssertNil(after, "the stages ended without making it")
    }
}
