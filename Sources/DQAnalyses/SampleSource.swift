import DQText

/// The samples an analysis streams instead of holding them all: in dq, a dataset's selected
/// splits read from the store (`StoreSamples` in DQRuns); in tests, an array. Analyses take a
/// source, never the store itself.
package protocol SampleSource {
    /// Calls `body` with every sample, in order.
    func forEachSample(_ body: (Sample) throws -> Void) throws

    /// Calls `body` with the UTF-8 bytes of every sample's text, text pair and label, in order,
    /// without making strings: the fastest way through a large dataset. The buffers are valid
    /// only during the call.
    func forEachSampleBytes(_ body: (_ text: UnsafeBufferPointer<UInt8>, _ textPair: UnsafeBufferPointer<UInt8>?,
                                     _ label: UnsafeBufferPointer<UInt8>) throws -> Void) throws

    /// How many samples there are.
    func count() throws -> Int

    /// The same samples cut into `parts` consecutive shares, in order, each of which can be read
    /// on a thread of its own.
    func shares(_ parts: Int) throws -> [any SampleSource & Sendable]
}

extension Array: SampleSource where Element == Sample {
    package func forEachSample(_ body: (Sample) throws -> Void) throws {
        for sample in self { try body(sample) }
    }

    package func forEachSampleBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?,
                                             UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        for sample in self {
            var (text, label) = (sample.text, sample.label)
            var pair = sample.textPair
            try text.withUTF8 { text in
                try label.withUTF8 { label in
                    if pair != nil {
                        try pair!.withUTF8 { try body(text, $0, label) }
                    } else {
                        try body(text, nil, label)
                    }
                }
            }
        }
    }

    package func count() throws -> Int { count }

    package func shares(_ parts: Int) throws -> [any SampleSource & Sendable] {
        let size = (count + parts - 1) / Swift.max(parts, 1)
        return (0..<parts).map { part in
            Array(self[Swift.min(part * size, count)..<Swift.min((part + 1) * size, count)])
        }
    }
}
