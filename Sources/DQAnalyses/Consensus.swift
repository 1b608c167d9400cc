import DQLearning
import Foundation

/// One label per item from several annotators' labels, with how much to trust it and each
/// annotator: majority vote, Dawid–Skene, and CROWDLAB.
///
/// - Majority vote: the most frequent label. Ties are broken as cleanlab's
///   `get_majority_vote_label` breaks them: by the model's probability when there is one, then
///   by the label that is rarer among all annotations, then by the mean agreement with the
///   untied majority of the annotators who chose each tied label; what is still tied goes to
///   the first label (cleanlab draws at random there).
/// - Dawid–Skene (Dawid & Skene, "Maximum likelihood estimation of observer error-rates using the
///   EM algorithm", 1979): each annotator has a confusion matrix, fitted by EM from majority-vote
///   posteriors; written to equal crowd-kit's `DawidSkene` (same start, clipping at 1e-10, stopping
///   rule on the evidence lower bound per annotation, at most 100 iterations).
/// - CROWDLAB (Goh, Tkachenko & Mueller, "CROWDLAB: Supervised learning to infer consensus labels
///   and quality scores for data with multiple annotators", 2022): the model's out-of-sample
///   probabilities and the annotators' labels averaged with weights from how much better than
///   always guessing the most common class each one does; equal to cleanlab 2.9's
///   `get_label_quality_multiannotator` with its defaults (consensus "best_quality", quality
///   "crowdlab", no calibration).
package enum Consensus {
    package enum Method: String, Sendable, Codable, CaseIterable {
        case majority
        case dawidSkene = "dawid-skene"
        case crowdlab
    }

    package struct Result: Sendable {
        package var method: Method
        /// Per item: the consensus label.
        package var label: [Int]
        /// Per item: how sure the method is of the consensus (majority: share of annotators who gave
        /// it; Dawid–Skene: its posterior probability; CROWDLAB: cleanlab's consensus_quality_score).
        package var quality: [Double]
        /// Per item: the share of its annotators who gave the consensus label.
        package var agreement: [Double]
        /// Per item: how many annotators labelled it.
        package var annotations: [Int]
        /// Per item, per label: the method's probabilities (nil for majority vote).
        package var posterior: [[Double]]?
        package var annotators: [AnnotatorQuality]
        /// CROWDLAB's weights (nil for the other methods).
        package var modelWeight: Double?
        package var annotatorWeights: [Double]?
        /// Dawid–Skene: the EM iterations run.
        package var iterations: Int?
    }

    package struct AnnotatorQuality: Sendable, Equatable {
        package var annotator: Int
        /// CROWDLAB: cleanlab's annotator_quality; Dawid–Skene: the annotator's estimated accuracy
        /// (Σ_c prior_c · P(label c | true c)); majority: agreement with the consensus on items
        /// with two or more annotations.
        package var quality: Double?
        /// The share of this annotator's labels that equal the consensus.
        package var agreement: Double?
        /// The label this annotator gives least accurately (cleanlab's worst_class).
        package var worstLabel: Int?
        package var items: Int
    }

    // MARK: Majority vote

    /// Majority vote, ties broken as cleanlab breaks them (see the type's documentation).
    package static func majorityVote(_ matrix: AnnotationMatrix, probabilities: [[Double]]? = nil) -> [Int] {
        let K = matrix.labelCount
        var counts = [[Int]](repeating: [Int](repeating: 0, count: K), count: matrix.itemCount)
        for i in 0..<matrix.itemCount {
            for k in matrix.offsets[i]..<matrix.offsets[i + 1] { counts[i][Int(matrix.labels[k])] += 1 }
        }
        var result = [Int](repeating: -1, count: matrix.itemCount)
        var tied: [Int: [Int]] = [:]
        var untied: [Int] = []
        for i in 0..<matrix.itemCount {
            let top = counts[i].max() ?? 0
            let modes = (0..<K).filter { counts[i][$0] == top }
            if modes.count == 1 { result[i] = modes[0]; untied.append(i) } else { tied[i] = modes }
        }
        func narrow(_ i: Int, _ modes: [Int], by score: (Int) -> Double, largest: Bool) {
            // A rule with no score (no untied item to rate annotators on: NaN) leaves the tie to the next.
            let scores = modes.map(score)
            guard let best = largest ? scores.filter({ !$0.isNaN }).max() : scores.filter({ !$0.isNaN }).min() else { return }
            let kept = zip(modes, scores).filter { $0.1 == best }.map(\.0)
            if kept.count == 1 { result[i] = kept[0]; tied[i] = nil } else { tied[i] = kept }
        }
        if let probabilities {
            for (i, modes) in tied.sorted(by: { $0.key < $1.key }) { narrow(i, modes, by: { probabilities[i][$0] }, largest: true) }
        }
        if !tied.isEmpty {
            var frequency = [Double](repeating: 0, count: K)
            for row in counts { for c in 0..<K { frequency[c] += Double(row[c]) } }
            for (i, modes) in tied.sorted(by: { $0.key < $1.key }) { narrow(i, modes, by: { frequency[$0] }, largest: false) }
        }
        if !tied.isEmpty {
            // Each annotator's agreement with the untied majority; the mean over annotators without
            // an untied item fills theirs.
            var agree = [Double](repeating: 0, count: matrix.annotatorCount), seen = agree
            for i in untied {
                for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                    let a = Int(matrix.annotators[k])
                    seen[a] += 1
                    if Int(matrix.labels[k]) == result[i] { agree[a] += 1 }
                }
            }
            var rate = (0..<matrix.annotatorCount).map { seen[$0] > 0 ? agree[$0] / seen[$0] : Double.nan }
            let known = rate.filter { !$0.isNaN }
            let mean = known.isEmpty ? Double.nan : known.reduce(0, +) / Double(known.count)
            rate = rate.map { $0.isNaN ? mean : $0 }
            for (i, modes) in tied.sorted(by: { $0.key < $1.key }) {
                narrow(i, modes, by: { label in
                    let who = (matrix.offsets[i]..<matrix.offsets[i + 1]).filter { Int(matrix.labels[$0]) == label }
                    return who.map { rate[Int(matrix.annotators[$0])] }.reduce(0, +) / Double(who.count)
                }, largest: true)
            }
        }
        for (i, modes) in tied { result[i] = modes[0] }
        return result
    }

    /// Majority vote with its agreement as quality, and each annotator's agreement with it.
    package static func majority(_ matrix: AnnotationMatrix, probabilities: [[Double]]? = nil) -> Result {
        let label = majorityVote(matrix, probabilities: probabilities)
        let agreement = agreementWithConsensus(matrix, label)
        let stats = annotatorAgreement(matrix, label), worst = worstLabels(matrix, label, quality: agreement)
        let annotators = (0..<matrix.annotatorCount).map { a in
            AnnotatorQuality(annotator: a, quality: stats[a].onShared, agreement: stats[a].all, worstLabel: worst[a], items: stats[a].items)
        }
        return Result(method: .majority, label: label, quality: agreement, agreement: agreement,
                      annotations: (0..<matrix.itemCount).map(matrix.count), posterior: nil, annotators: annotators)
    }

    // MARK: Dawid–Skene

    /// Dawid–Skene by EM over the labels that occur in the annotations (a label nobody gave gets
    /// probability 0), as crowd-kit fits it.
    package static func dawidSkene(_ matrix: AnnotationMatrix, maxIterations: Int = 100, tolerance: Double = 1e-5) -> Result {
        let eps = 1e-10
        let N = matrix.itemCount, M = matrix.annotatorCount
        var present = [Bool](repeating: false, count: matrix.labelCount)
        for l in matrix.labels { present[Int(l)] = true }
        let used = (0..<matrix.labelCount).filter { present[$0] }
        let K = used.count
        var slot = [Int](repeating: -1, count: matrix.labelCount)
        for (s, c) in used.enumerated() { slot[c] = s }
        let observed = matrix.labels.map { slot[Int($0)] }

        // Start: each item's label shares.
        var probas = [Double](repeating: 0, count: N * K)
        for i in 0..<N {
            let m = Double(matrix.count(i))
            for k in matrix.offsets[i]..<matrix.offsets[i + 1] { probas[i * K + observed[k]] += 1 / m }
        }
        func priors(_ p: [Double]) -> [Double] {
            var result = [Double](repeating: 0, count: K)
            for i in 0..<N { for c in 0..<K { result[c] += p[i * K + c] } }
            return result.map { $0 / Double(N) }
        }
        // errors[(a * K + observed) * K + true]; only (annotator, observed) pairs that occur count.
        var occurs = [Bool](repeating: false, count: M * K)
        for k in matrix.labels.indices { occurs[Int(matrix.annotators[k]) * K + observed[k]] = true }
        func mStep(_ p: [Double]) -> [Double] {
            var errors = [Double](repeating: 0, count: M * K * K)
            for i in 0..<N {
                for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                    let row = (Int(matrix.annotators[k]) * K + observed[k]) * K
                    for c in 0..<K { errors[row + c] += p[i * K + c] }
                }
            }
            for a in 0..<M {
                var sums = [Double](repeating: 0, count: K)
                for o in 0..<K where occurs[a * K + o] {
                    for c in 0..<K {
                        errors[(a * K + o) * K + c] = max(errors[(a * K + o) * K + c], eps)
                        sums[c] += errors[(a * K + o) * K + c]
                    }
                }
                for o in 0..<K where occurs[a * K + o] { for c in 0..<K { errors[(a * K + o) * K + c] /= sums[c] } }
            }
            return errors
        }
        func eStep(_ prior: [Double], _ errors: [Double]) -> [Double] {
            var result = [Double](repeating: 0, count: N * K)
            let logPrior = prior.map { log2(max($0, eps)) }
            var row = [Double](repeating: 0, count: K)
            for i in 0..<N {
                row = logPrior
                for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                    let base = (Int(matrix.annotators[k]) * K + observed[k]) * K
                    for c in 0..<K { row[c] += log2(errors[base + c]) }
                }
                let top = row.max()!
                var total = 0.0
                for c in 0..<K { row[c] = exp2(row[c] - top); total += row[c] }
                for c in 0..<K { result[i * K + c] = row[c] / total }
            }
            return result
        }
        /// crowd-kit's evidence lower bound per annotation: the prior's log counts once per annotation.
        func lowerBound(_ p: inout [Double], _ prior: [Double], _ errors: [Double]) -> Double {
            let logPrior = prior.map { log(max($0, eps)) }
            var joint = 0.0
            for i in 0..<N {
                for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                    let base = (Int(matrix.annotators[k]) * K + observed[k]) * K
                    for c in 0..<K { joint += p[i * K + c] * (log(errors[base + c]) + logPrior[c]) }
                }
            }
            var entropy = 0.0
            for j in p.indices {
                p[j] = max(p[j], eps)  // crowd-kit clips the posteriors in place here
                entropy -= log(p[j]) * p[j]
            }
            return (joint + entropy) / Double(matrix.labels.count)
        }

        var prior = priors(probas)
        var errors = mStep(probas)
        var loss = -Double.infinity
        var iterations = 0
        for _ in 0..<maxIterations {
            probas = eStep(prior, errors)
            prior = priors(probas)
            errors = mStep(probas)
            let newLoss = lowerBound(&probas, prior, errors)
            iterations += 1
            if newLoss - loss < tolerance { break }
            loss = newLoss
        }

        var posterior = [[Double]](repeating: [Double](repeating: 0, count: matrix.labelCount), count: N)
        var label = [Int](repeating: 0, count: N), quality = [Double](repeating: 0, count: N)
        for i in 0..<N {
            var best = 0
            for c in 0..<K {
                posterior[i][used[c]] = probas[i * K + c]
                if probas[i * K + c] > probas[i * K + best] { best = c }
            }
            label[i] = used[best]
            quality[i] = probas[i * K + best]
        }
        let agreement = agreementWithConsensus(matrix, label)
        let stats = annotatorAgreement(matrix, label), worst = worstLabels(matrix, label, quality: quality)
        let annotators = (0..<M).map { a in
            // Accuracy: Σ_c prior_c · P(says c | true c).
            var accuracy = 0.0
            for c in 0..<K where occurs[a * K + c] { accuracy += max(prior[c], eps) * errors[(a * K + c) * K + c] }
            return AnnotatorQuality(annotator: a, quality: stats[a].items > 0 ? accuracy : nil, agreement: stats[a].all,
                                    worstLabel: worst[a], items: stats[a].items)
        }
        return Result(method: .dawidSkene, label: label, quality: quality, agreement: agreement,
                      annotations: (0..<N).map(matrix.count), posterior: posterior, annotators: annotators, iterations: iterations)
    }

    // MARK: CROWDLAB

    /// cleanlab's `get_label_quality_multiannotator(labels, pred_probs)` with its defaults.
    /// `probabilities[i]` are item i's out-of-sample probabilities over all `matrix.labelCount` labels.
    package static func crowdlab(_ matrix: AnnotationMatrix, probabilities: [[Double]]) -> Result {
        precondition(probabilities.count == matrix.itemCount)
        let N = matrix.itemCount, K = matrix.labelCount
        let counts = (0..<N).map(matrix.count)
        let majority = majorityVote(matrix, probabilities: probabilities)
        let first = crowdlabStatistics(matrix, probabilities: probabilities, consensus: majority, counts: counts)
        // best_quality: the label the posterior favours, unless that is tied.
        var consensus = majority
        for i in 0..<N {
            let row = first.posterior[i]
            let top = row.max()!
            let best = (0..<K).filter { row[$0] == top }
            if best.count == 1 { consensus[i] = best[0] }
        }
        let final = crowdlabStatistics(matrix, probabilities: probabilities, consensus: consensus, counts: counts)
        let agreement = agreementWithConsensus(matrix, consensus)
        let itemQuality = (0..<N).map { final.posterior[$0][consensus[$0]] }

        // Annotator quality: w · mean quality of their labels + (1 − w) · agreement with the
        // consensus on items with several annotators.
        let M = matrix.annotatorCount
        let meanCount = Double(counts.reduce(0, +)) / Double(N)
        let adjustedWeight = final.annotatorWeights.reduce(0, +) * meanCount / Double(M)
        let w = final.modelWeight / (final.modelWeight + adjustedWeight)
        var labelQuality = [Double](repeating: 0, count: M), labelled = labelQuality
        for i in 0..<N {
            for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                let a = Int(matrix.annotators[k])
                labelQuality[a] += final.posterior[i][Int(matrix.labels[k])]
                labelled[a] += 1
            }
        }
        let stats = annotatorAgreement(matrix, consensus), worst = worstLabels(matrix, consensus, quality: itemQuality)
        let annotators = (0..<M).map { a in
            let quality = stats[a].onShared.map { w * labelQuality[a] / labelled[a] + (1 - w) * $0 }
            return AnnotatorQuality(annotator: a, quality: quality, agreement: stats[a].all, worstLabel: worst[a], items: stats[a].items)
        }
        return Result(method: .crowdlab, label: consensus, quality: itemQuality, agreement: agreement, annotations: counts,
                      posterior: final.posterior, annotators: annotators, modelWeight: final.modelWeight,
                      annotatorWeights: final.annotatorWeights)
    }

    struct CrowdlabStatistics {
        var posterior: [[Double]]
        var modelWeight: Double
        var annotatorWeights: [Double]
    }

    /// cleanlab's `_get_post_pred_probs_and_weights` for one consensus.
    static func crowdlabStatistics(_ matrix: AnnotationMatrix, probabilities: [[Double]], consensus: [Int], counts: [Int]) -> CrowdlabStatistics {
        let clip = 1e-6
        let N = matrix.itemCount, K = matrix.labelCount, M = matrix.annotatorCount
        let agreement = agreementWithConsensus(matrix, consensus)
        let multi = (0..<N).filter { counts[$0] != 1 }
        let consensusLikelihood = multi.map { agreement[$0] }.reduce(0, +) / Double(multi.count)
        let nonConsensusLikelihood = (1 - consensusLikelihood) / Double(K - 1)
        var classCounts = [Int](repeating: 0, count: K)
        for i in multi { classCounts[consensus[i]] += 1 }
        let commonest = classCounts.indices.max { classCounts[$0] < classCounts[$1] || (classCounts[$0] == classCounts[$1] && $0 > $1) }!
        let mostLikelyClassError = max(Double(multi.filter { consensus[$0] != commonest }.count) / Double(multi.count), clip)

        // Each annotator's agreement with the other annotators of the items they labelled.
        var numerator = [Double](repeating: 0, count: M), denominator = numerator
        for i in 0..<N where counts[i] > 1 {
            let range = matrix.offsets[i]..<matrix.offsets[i + 1]
            for k in range {
                var same = -1.0
                for j in range where matrix.labels[j] == matrix.labels[k] { same += 1 }
                numerator[Int(matrix.annotators[k])] += same
                denominator[Int(matrix.annotators[k])] += Double(counts[i] - 1)
            }
        }
        var withOthers = (0..<M).map { denominator[$0] > 0 ? numerator[$0] / denominator[$0] : Double.nan }
        let known = withOthers.filter { !$0.isNaN }
        let mean = known.reduce(0, +) / Double(known.count)
        withOthers = withOthers.map { $0.isNaN ? mean : $0 }
        let annotatorWeights = withOthers.map { max(1 - (1 - $0) / mostLikelyClassError, clip) }

        func argmax(_ row: [Double]) -> Int { row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! }
        let modelError = Double(multi.filter { argmax(probabilities[$0]) != consensus[$0] }.count) / Double(multi.count)
        let meanCount = Double(counts.reduce(0, +)) / Double(N)
        let modelWeight = max(1 - modelError / mostLikelyClassError, clip) * meanCount.squareRoot()

        var posterior = [[Double]](repeating: [Double](repeating: 0, count: K), count: N)
        for i in 0..<N {
            var total = modelWeight
            for k in matrix.offsets[i]..<matrix.offsets[i + 1] { total += annotatorWeights[Int(matrix.annotators[k])] }
            for c in 0..<K {
                var value = probabilities[i][c] * modelWeight
                for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                    let weight = annotatorWeights[Int(matrix.annotators[k])]
                    value += Int(matrix.labels[k]) == c ? weight * consensusLikelihood : weight * nonConsensusLikelihood
                }
                posterior[i][c] = value / total
            }
        }
        return CrowdlabStatistics(posterior: posterior, modelWeight: modelWeight, annotatorWeights: annotatorWeights)
    }

    // MARK: Shared

    /// Per item: the share of its annotators who gave `consensus`.
    package static func agreementWithConsensus(_ matrix: AnnotationMatrix, _ consensus: [Int]) -> [Double] {
        (0..<matrix.itemCount).map { i in
            let range = matrix.offsets[i]..<matrix.offsets[i + 1]
            guard !range.isEmpty else { return .nan }
            return Double(range.filter { Int(matrix.labels[$0]) == consensus[i] }.count) / Double(range.count)
        }
    }

    /// Each annotator's agreement with the consensus over all their items and over items with
    /// several annotators, and how many items they labelled, in one pass over the annotations.
    static func annotatorAgreement(_ matrix: AnnotationMatrix, _ consensus: [Int]) -> [(all: Double?, onShared: Double?, items: Int)] {
        let M = matrix.annotatorCount
        var items = [Int](repeating: 0, count: M), agree = items, shared = items, sharedAgree = items
        for i in 0..<matrix.itemCount {
            let several = matrix.count(i) > 1
            for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                let a = Int(matrix.annotators[k])
                let same = Int(matrix.labels[k]) == consensus[i]
                items[a] += 1
                if same { agree[a] += 1 }
                if several { shared[a] += 1; if same { sharedAgree[a] += 1 } }
            }
        }
        return (0..<M).map { a in
            (items[a] > 0 ? Double(agree[a]) / Double(items[a]) : nil, shared[a] > 0 ? Double(sharedAgree[a]) / Double(shared[a]) : nil, items[a])
        }
    }

    /// cleanlab's `_get_single_annotator_worst_class` for every annotator: among the labels the
    /// annotator gave, the one whose uses agree least with the consensus; ties: the one used
    /// more, then the one on items of higher mean consensus quality, then the first.
    static func worstLabels(_ matrix: AnnotationMatrix, _ consensus: [Int], quality: [Double]) -> [Int?] {
        var uses = [[Int: (count: Int, agree: Int, quality: Double)]](repeating: [:], count: matrix.annotatorCount)
        for i in 0..<matrix.itemCount {
            for k in matrix.offsets[i]..<matrix.offsets[i + 1] {
                let a = Int(matrix.annotators[k]), label = Int(matrix.labels[k])
                var entry = uses[a][label] ?? (0, 0, 0)
                entry.count += 1
                if label == consensus[i] { entry.agree += 1 }
                entry.quality += quality.isEmpty ? 0 : quality[i]
                uses[a][label] = entry
            }
        }
        return uses.map { uses in
            uses.keys.sorted().min { x, y in
                let (ux, uy) = (uses[x]!, uses[y]!)
                let (ax, ay) = (Double(ux.agree) / Double(ux.count), Double(uy.agree) / Double(uy.count))
                if ax != ay { return ax < ay }
                if ux.count != uy.count { return ux.count > uy.count }
                let (qx, qy) = (ux.quality / Double(ux.count), uy.quality / Double(uy.count))
                if qx != qy { return qx > qy }
                return x < y
            }
        }
    }
}
