import Foundation

/// Where the rule patterns spend their time, for `lstrace-bench --patterns` (on when the environment variable
/// `LSTRACE_PATTERN_PROFILE` is set; off, it costs one branch per call). A measuring instrument, not part of a run.
public enum PatternProfile {
    /// Whether patterns report to the profile.
    public static let isEnabled = ProcessInfo.processInfo.environment["LSTRACE_PATTERN_PROFILE"] != nil

    private struct Entry {
        var calls = 0
        var nanoseconds: UInt64 = 0
        var tries = 0
        var hits = 0
        var fullScans = 0
        var scannedUnits = 0
        var walked = 0
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var entries: [String: Entry] = [:] // guarded by `lock`

    private static func update(_ source: String, _ change: (inout Entry) -> Void) {
        lock.lock()
        change(&entries[source, default: Entry()])
        lock.unlock()
    }

    /// One call of a pattern, and how long it took.
    static func time(_ source: String, nanoseconds: UInt64) {
        update(source) {
            $0.calls += 1
            $0.nanoseconds += nanoseconds
        }
    }

    /// One anchored try at a cue, and whether it matched.
    static func attempt(_ source: String, hit: Bool) {
        update(source) {
            $0.tries += 1
            if hit { $0.hits += 1 }
        }
    }

    /// Positions looked at before a cue for a match that contains it (`inside` placement).
    static func walked(_ source: String, positions: Int) {
        update(source) { $0.walked += positions }
    }

    /// A search of a document range without cues.
    static func fullScan(_ source: String, units: Int) {
        update(source) {
            $0.fullScans += 1
            $0.scannedUnits += units
        }
    }

    /// The patterns that took longest, those scanned without cues, and those tried most often at cues.
    public static func report(limit: Int = 25) -> String {
        lock.lock()
        let all = entries
        lock.unlock()
        func line(_ text: String, _ source: String) -> String { text + "  " + String(source.prefix(100)) }
        let totalCalls = all.values.reduce(0) { $0 + $1.calls }
        let totalNanoseconds = all.values.reduce(0) { $0 + $1.nanoseconds }
        var lines = [String(format: "--- time in patterns (all: %.1f ms, %d calls of %d patterns)",
                            Double(totalNanoseconds) / 1e6, totalCalls, all.count)]
        for (source, entry) in all.sorted(by: { $0.value.nanoseconds > $1.value.nanoseconds }).prefix(limit) {
            lines.append(line(String(format: "%9.1f ms %8d calls", Double(entry.nanoseconds) / 1e6, entry.calls),
                              source))
        }
        lines.append("--- searched without cues (calls, UTF-16 units)")
        for (source, entry) in all.filter({ $0.value.fullScans > 0 })
            .sorted(by: { $0.value.scannedUnits > $1.value.scannedUnits }).prefix(limit) {
            lines.append(line(String(format: "%8d calls %10d units", entry.fullScans, entry.scannedUnits), source))
        }
        let tries = all.values.reduce(0) { $0 + $1.tries }
        let hits = all.values.reduce(0) { $0 + $1.hits }
        lines.append("--- tried at cues (tries, matches; all: \(tries) tries, \(hits) matches)")
        for (source, entry) in all.filter({ $0.value.tries > 0 })
            .sorted(by: { $0.value.tries > $1.value.tries }).prefix(limit) {
            lines.append(line(String(format: "%8d tries %8d hits", entry.tries, entry.hits), source))
        }
        let walked = all.values.reduce(0) { $0 + $1.walked }
        lines.append("--- positions looked at before cues (all: \(walked))")
        for (source, entry) in all.filter({ $0.value.walked > 0 })
            .sorted(by: { $0.value.walked > $1.value.walked }).prefix(limit) {
            lines.append(line(String(format: "%10d positions", entry.walked), source))
        }
        return lines.joined(separator: "\n")
    }
}
