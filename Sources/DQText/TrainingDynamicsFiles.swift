import Foundation

/// Training dynamics recorded elsewhere, in allenai/cartography's format: a directory of
/// `dynamics_epoch_<e>.jsonl` files, one JSON object per training sample per epoch,
///
///     {"guid": <sample id>, "logits_epoch_<e>": [<logit per label>], "gold": <gold label index>}
///
/// Probabilities are softmax(logits); correctness is argmax = gold. `guid` is matched to the
/// samples' ids as ingested. An epoch may come in shards, one per data-parallel process:
/// `dynamics_epoch_<e>.<shard>.jsonl` (or `_<shard>`), each sample in exactly one shard.
package enum TrainingDynamicsFiles {

    /// Each guid's records, epochs in order, each reduced by `record` from its logits and gold
    /// label index as it is read (so the logits are not all held).
    package static func read<Record>(directory: String, record: (_ logits: [Double], _ gold: Int) -> Record) throws -> [String: [Record]] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        // Epoch number, then the shard's name ("" for a whole epoch).
        let files = names.compactMap { name -> (epoch: Int, shard: String, name: String)? in
            guard name.hasPrefix("dynamics_epoch_"), name.hasSuffix(".jsonl") else { return nil }
            let rest = name.dropFirst("dynamics_epoch_".count).dropLast(".jsonl".count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let e = Int(digits), digits.count == rest.count || [".", "_"].contains(rest.dropFirst(digits.count).first!) else { return nil }
            return (e, String(rest.dropFirst(digits.count)), name)
        }.sorted { ($0.epoch, $0.shard) < ($1.epoch, $1.shard) }
        guard !files.isEmpty else {
            throw InputError(file: directory, message: "no dynamics_epoch_<e>.jsonl files (allenai/cartography's training_dynamics format)")
        }
        let epochNumbers = files.map(\.epoch).reduce(into: [Int]()) { if $0.last != $1 { $0.append($1) } }
        let epochs = epochNumbers.map { e in (e, files.filter { $0.epoch == e }.map(\.name)) }
        var out: [String: [Record]] = [:]
        for (k, (epoch, shards)) in epochs.enumerated() {
          for name in shards {
            let path = directory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InputError(file: path, message: "cannot read as UTF-8 text")
            }
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.allSatisfy(\.isWhitespace) {
                let value: JSONValue
                do {
                    value = try JSONValue.parse(String(line))
                } catch {
                    throw InputError(file: path, line: n + 1, column: error.column, message: error.message)
                }
                guard let guid = value["guid"].flatMap({ $0.scalarText }) else {
                    throw InputError(file: path, line: n + 1, message: "missing \"guid\"")
                }
                guard case .array(let raw)? = value["logits_epoch_\(epoch)"] ?? value["logits"] else {
                    throw InputError(file: path, line: n + 1, message: "missing \"logits_epoch_\(epoch)\" (an array of numbers)")
                }
                let logits = raw.compactMap { v -> Double? in if case .number(let x) = v { return x } else { return nil } }
                guard case .number(let goldValue)? = value["gold"], let gold = Int(exactly: goldValue), logits.indices.contains(gold),
                      logits.count == raw.count else {
                    throw InputError(file: path, line: n + 1, message: "\"gold\" must index the logits, and the logits must be numbers")
                }
                var seen = out[guid] ?? []
                guard seen.count == k else {
                    throw InputError(file: path, line: n + 1, message: "guid \(guid) is missing from an earlier epoch or appears twice")
                }
                seen.append(record(logits, gold))
                out[guid] = seen
            }
          }
        }
        if let short = out.first(where: { $0.value.count != epochs.count }) {
            throw InputError(file: directory, message: "guid \(short.key) is in \(short.value.count) of the \(epochs.count) epochs")
        }
        return out
    }
}
