/// One list of suspect samples from every signal a dataset has (low PVI, a hard-to-learn or
/// ambiguous cartography region, confident learning, a specification mismatch, a conflicting
/// duplicate). Each signal is a ranking of the samples it flags, best first; the lists are fused
/// by reciprocal rank fusion over partial lists (Cormack, Clarke & Büttcher, SIGIR 2009):
///
///     score(d) = Σ_{signals s that flag d} 1 / (k + rank_s(d) + 1),   k = 60, ranks from 0
///
/// so a sample several signals flag rises above one a single signal flags. The suggested label
/// is the one most of the sample's signals suggest (ties: the earlier signal's).
public enum SuspectMerging {
    public struct Flag: Sendable, Equatable {
        public var sampleID: Int64
        public var suggestedLabel: String?
        /// Why, for people: "PVI −1.8 bits", "matches LOC's specifications".
        public var reason: String

        public init(sampleID: Int64, suggestedLabel: String?, reason: String) {
            self.sampleID = sampleID
            self.suggestedLabel = suggestedLabel
            self.reason = reason
        }
    }

    public struct Signal: Sendable {
        public var name: String
        /// Flagged samples, most suspect first; a sample listed twice keeps its first place.
        public var flags: [Flag]

        public init(name: String, flags: [Flag]) {
            self.name = name
            self.flags = flags
        }
    }

    public struct Suspect: Sendable, Equatable {
        public var sampleID: Int64
        public var score: Double
        public var suggestedLabel: String?
        /// The signals that flag the sample, in signal order, with their reasons.
        public var signals: [String]
        public var reasons: [String]
    }

    /// The fused list, most suspect first (ties by sample id), keeping samples at least
    /// `minSignals` signals flag.
    public static func merge(_ signals: [Signal], k: Double = 60, minSignals: Int = 1) -> [Suspect] {
        var byID: [Int64: Suspect] = [:]
        var votes: [Int64: [(label: String, signal: Int)]] = [:]
        for (s, signal) in signals.enumerated() {
            var seen = Set<Int64>()
            for (rank, flag) in signal.flags.enumerated() where seen.insert(flag.sampleID).inserted {
                var suspect = byID[flag.sampleID] ?? Suspect(sampleID: flag.sampleID, score: 0, suggestedLabel: nil, signals: [], reasons: [])
                suspect.score += 1 / (k + Double(rank) + 1)
                suspect.signals.append(signal.name)
                suspect.reasons.append(flag.reason)
                byID[flag.sampleID] = suspect
                if let label = flag.suggestedLabel { votes[flag.sampleID, default: []].append((label, s)) }
            }
        }
        for (id, list) in votes {
            var counts: [String: (count: Int, first: Int)] = [:]
            for vote in list { counts[vote.label, default: (0, vote.signal)].count += 1 }
            byID[id]!.suggestedLabel = counts.max { a, b in a.value.count < b.value.count || (a.value.count == b.value.count && a.value.first > b.value.first) }?.key
        }
        return byID.values.filter { $0.signals.count >= minSignals }
            .sorted { $0.score > $1.score || ($0.score == $1.score && $0.sampleID < $1.sampleID) }
    }
}
