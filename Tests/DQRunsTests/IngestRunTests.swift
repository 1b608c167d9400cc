import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func ingestTellsTheObserverAboutRejectedRows() throws {
    let store = try Store(path: scratchPath("ingest.sqlite"))
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let summaries = try IngestRun.run(store: store, files: [fixture("csv/ragged-rows.csv")], options: IngestOptions(dataset: "r"), observer: observer)
    #expect(summaries.count == 1 && summaries[0].rowsRejected == 2)
    #expect(notes.first?.hasSuffix("ragged-rows.csv:3: rejected: expected 3 fields, found 2") == true)
    #expect(SummaryTables.ingest(summaries).rows[0][5] == .int(2))
}

@Test func ingestSaysWhenAnIdNamesSeveralSamples() throws {
    let store = try Store(path: scratchPath("ids.sqlite"))
    let data = scratchPath("ids.csv")
    try "id,text,label\na1,first text,x\na1,another text,y\nb2,third,x\n".write(toFile: data, atomically: true, encoding: .utf8)
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    _ = try IngestRun.run(store: store, files: [data], options: IngestOptions(dataset: "d"), observer: observer)
    #expect(notes.contains { $0.hasPrefix("d: 1 ids name more than one sample") }, "\(notes)")
    // Distinct ids in a new dataset: the ingest knows there is no repeat and does not count.
    let unique = scratchPath("unique.csv")
    try "id,text,label\nc1,one,x\nc2,two,y\n".write(toFile: unique, atomically: true, encoding: .utf8)
    notes = []
    let first = try IngestRun.run(store: store, files: [unique], options: IngestOptions(dataset: "e"), observer: observer)
    #expect(first.first?.mayRepeatIDs == false && !notes.contains { $0.contains("ids name more than one sample") })
    // A later file repeating an id of an earlier one (another split) is still found, dataset-wide.
    let later = scratchPath("later.csv")
    try "id,text,label\nc9,nine,x\nc1,one again,y\n".write(toFile: later, atomically: true, encoding: .utf8)
    let second = try IngestRun.run(store: store, files: [later], options: IngestOptions(dataset: "e", split: "test"), observer: observer)
    #expect(second.first?.mayRepeatIDs == true)
    #expect(notes.contains { $0.hasPrefix("e: 1 ids name more than one sample") }, "\(notes)")
}

@Test func datasetSplitAndAnnotatorNamesAreCheckedAsLabelsAre() throws {
    let store = try Store(path: scratchPath("names.sqlite"))
    var options = IngestRun.Options()
    options.dataset = "a,b"
    #expect(throws: OptionError("{dataset} 'a,b' cannot be a dataset's name: it holds a comma, which separates names in lists")) {
        try IngestRun.run(store: store, files: [fixture("demo/trec/test.csv")], options: options)
    }
    options = IngestRun.Options()
    (options.dataset, options.split) = ("trec", "te\u{202E}st")
    #expect(throws: OptionError("{split} 'te\\u{202E}st' cannot be a split: it holds the invisible character U+202E")) {
        try IngestRun.run(store: store, files: [fixture("demo/trec/test.csv")], options: options)
    }
    // The escape's braces are not taken for an option's placeholder when the message is rendered.
    #expect(OptionError("{split} 'te\\u{202E}st' cannot be a split").message { "--" + $0 } == "--split 'te\\u{202E}st' cannot be a split")
    // A file whose name cannot be a dataset's name is refused unless the dataset is named.
    let odd = scratchPath("odd,name.csv")
    try "text,label\nhello,a\nworld,b\n".write(toFile: odd, atomically: true, encoding: .utf8)
    let stem = URL(fileURLWithPath: odd).deletingPathExtension().lastPathComponent
    #expect(throws: InputError(file: odd, message: "'\(stem)' cannot be a dataset's name: it holds a comma, which separates names in lists", remedy: .nameDataset)) {
        try IngestRun.run(store: store, files: [odd], options: IngestRun.Options())
    }
    // Long and wide format: an annotator with an invisible character.
    let long = scratchPath("long-names.csv")
    try "item,text,worker,answer\n1,hi,bob\u{200B},a\n1,hi,ann,b\n".write(toFile: long, atomically: true, encoding: .utf8)
    (options.dataset, options.split, options.id, options.annotator, options.label, options.strict) = ("long", "train", "item", "worker", "answer", true)
    #expect { try IngestRun.run(store: store, files: [long], options: options) } throws: { error in
        "\(error)".contains("annotator 'bob\\u{200B}' in column 'worker': it holds the invisible character U+200B")
    }
    let wide = scratchPath("wide-names.csv")
    try "text,ann_x\u{1B},ann_y\nhi,a,b\n".write(toFile: wide, atomically: true, encoding: .utf8)
    options = IngestRun.Options()
    (options.dataset, options.annotatorPrefix) = ("wide", "ann_")
    #expect(throws: InputError(file: wide, column: 2, message: "the annotator 'x\\u{1B}' (column 'ann_x\\u{1B}') cannot be an annotator's name: it holds the invisible character U+001B")) {
        try IngestRun.run(store: store, files: [wide], options: options)
    }
    #expect(try store.datasetNames().isEmpty)
}

@Test func annotatorsThatNameNoColumnAreAnError() throws {
    var options = IngestRun.Options()
    options.annotators = []
    #expect(throws: OptionError("{annotators} names no column; give the annotators' columns, a,b,c")) { try options.validate() }
}

/// A column named split puts each row in its split (said aloud); --split puts every row in one;
/// --split-column names another column; a row without a split is rejected with the reason, once.
@Test func aSplitColumnPutsEachRowInItsSplit() throws {
    let data = scratchPath("with-splits.csv")
    try """
        text,label,Split,fold
        first text,a,train,f1
        second text,b,test,f2
        third text,a,train,f1
        fourth text,b,,f2
        fifth text,a,dev,f1

        """.write(toFile: data, atomically: true, encoding: .utf8)
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let store = try Store(path: scratchPath("splits.sqlite"))
    var options = IngestRun.Options()
    options.dataset = "d"
    let summaries = try IngestRun.run(store: store, files: [data], options: options, observer: observer)
    #expect(summaries.map(\.split) == ["train", "test", "dev"])
    #expect(summaries.map(\.rowsNew) == [2, 1, 1] && summaries.map(\.rowsRejected) == [1, 0, 0])
    #expect(notes.contains { $0.hasSuffix("with-splits.csv:5: rejected: no split in column 'Split'") }, "\(notes)")
    #expect(notes.contains { $0.hasSuffix("each row's split is read from its column 'Split' (--split NAME puts every row in one split)") })
    #expect(notes.contains { $0.hasSuffix("columns not kept: fold (keep them with --meta fold, or every one with --all-meta)") })
    let samples = try store.samples(dataset: try store.requireDataset("d"))
    #expect(samples.map { "\($0.split):\($0.text)" } == ["train:first text", "train:third text", "test:second text", "dev:fifth text"])
    // The same file again adds nothing.
    #expect(try IngestRun.run(store: store, files: [data], options: options).map(\.rowsNew) == [0, 0, 0])

    options.dataset = "one"
    options.split = "all"
    #expect(try IngestRun.run(store: store, files: [data], options: options).map(\.split) == ["all"])
    options.dataset = "folds"
    options.split = nil
    options.splitColumn = "fold"
    let folds = try IngestRun.run(store: store, files: [data], options: options)
    #expect(folds.map(\.split) == ["f1", "f2"] && folds.map(\.rowsNew) == [3, 2])
    options.split = "x"
    #expect(throws: OptionError("give {split} (every row in one split) or {splitColumn} (each row's split from a column), not both")) {
        try IngestRun.run(store: store, files: [data], options: options)
    }
}

/// `dq export dataset` writes what `dq ingest` reads back as the same samples: splits, ids
/// (none where the sample had none) and metadata, in CSV and in Parquet.
@Test func exportThenIngestIsTheIdentity() throws {
    let store = try Store(path: scratchPath("roundtrip.sqlite"))
    let test = scratchPath("rt-test.jsonl"), train = scratchPath("rt-train.csv")
    try """
        {"id": "q1", "text": "What is it ?", "label": "DESC", "genre": "quiz", "score": 2.5}
        {"id": "q2", "text": "Who, then ?", "label": "HUM", "genre": "=SUM(A1)", "score": -1}

        """.write(toFile: test, atomically: true, encoding: .utf8)
    try "text,label,genre,score\nno id here,LOC,\"a, b\",\nanother \"quoted\" one,NUM,web,7\n".write(toFile: train, atomically: true, encoding: .utf8)
    var options = IngestRun.Options()
    (options.dataset, options.allMeta) = ("rt", true)
    options.split = "test"
    _ = try IngestRun.run(store: store, files: [test], options: options)
    options.split = "train"
    _ = try IngestRun.run(store: store, files: [train], options: options)
    func described(_ store: Store, _ name: String) throws -> [String] {
        try store.samples(dataset: try store.requireDataset(name)).map {
            [$0.split, $0.externalID ?? "<none>", $0.text, $0.label, $0.metadata ?? "<none>"].joined(separator: " | ")
        }.sorted()
    }
    let original = try described(store, "rt")
    #expect(original.count == 4 && original.contains { $0.hasPrefix("train | <none> | no id here | LOC |") })
    for format in [ExportRun.DatasetFormat.csv, .parquet] {
        let path = scratchPath("rt-export." + format.rawValue)
        try Data(try ExportRun.dataset(store: store, dataset: DatasetSelection(name: "rt"), format: format).bytes)
            .write(to: URL(fileURLWithPath: path))
        let again = try Store(path: scratchPath("rt-again-\(format.rawValue).sqlite"))
        var back = IngestRun.Options()
        (back.dataset, back.allMeta) = ("rt", true)
        _ = try IngestRun.run(store: again, files: [path], options: back)
        // Metadata come back as text (the export writes strings): JSON's 2.5 as "2.5". (A key
        // some JSON objects lack comes back empty, as a table has every column in every row.)
        let got = try described(again, "rt"), want = original.map {
            $0.replacingOccurrences(of: "\"score\":2.5", with: "\"score\":\"2.5\"").replacingOccurrences(of: "\"score\":-1", with: "\"score\":\"-1\"")
        }
        #expect(got == want, "\(format): \(got) != \(want)")
    }
}

/// Labels a file brings that look like a slip for a frequent label are warned of, with counts
/// and the line of the first; a file that brings no new label is not looked at again.
@Test func ingestWarnsOfLabelsThatLookLikeASlip() throws {
    let data = scratchPath("slips.csv")
    let rows = (0..<40).map { "text number \($0),\(["Sports", "World"][$0 % 2])" } + ["a typo,Sprots", "another,world"]
    try (["text,label"] + rows).joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let store = try Store(path: scratchPath("slips.sqlite"))
    var options = IngestRun.Options()
    options.dataset = "news"
    _ = try IngestRun.run(store: store, files: [data], options: options, observer: observer)
    let warnings = notes.filter { $0.hasPrefix("warning:") }
    #expect(warnings.count == 2, "\(notes)")
    #expect(warnings.contains { $0.hasPrefix("warning: news: label 'Sprots' (1 sample, first at \(data):42) looks like 'Sports' (20): a slip of a letter or two") })
    #expect(warnings.contains { $0.contains("label 'world' (1 sample, first at \(data):43) looks like 'World' (20): the same letters in another case or punctuation") })
    notes = []
    _ = try IngestRun.run(store: store, files: [data], options: options, observer: observer)
    #expect(!notes.contains { $0.hasPrefix("warning:") })
}

/// SemEval-2018 E-c ships one 0/1 column per emotion: read as indicator columns (by name or by
/// prefix), each tweet gets the same label set as the `;`-joined copy Python made; a cell that
/// is not 0 or 1 rejects its row with the reason; `--multi-label` on one 0/1 column is refused,
/// naming the indicator options.
@Test func indicatorColumnsReadAsTheJoinedLabelLists() throws {
    let store = try Store(path: scratchPath("indicators.sqlite"))
    let emotions = ["anger", "anticipation", "disgust", "fear", "joy", "love", "optimism", "pessimism", "sadness", "surprise", "trust"]
    var byName = IngestRun.Options()
    (byName.dataset, byName.id, byName.text, byName.labelColumns) = ("ec", "ID", "Tweet", emotions)
    _ = try IngestRun.run(store: store, files: [fixture("multilabel/semeval-ec-dev-40.tsv")], options: byName)
    var joined = IngestRun.Options()
    (joined.dataset, joined.id, joined.text, joined.label, joined.multiLabel) = ("joined", "ID", "Tweet", "labels", true)
    _ = try IngestRun.run(store: store, files: [fixture("multilabel/semeval-ec-dev-40-joined.csv")], options: joined)
    func labelSets(_ name: String) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try store.samples(dataset: try store.requireDataset(name)).map { ($0.externalID!, $0.label) })
    }
    let fromIndicators = try labelSets("ec")
    let fromJoined = try labelSets("joined")
    #expect(fromIndicators.count == 40 && fromIndicators == fromJoined)
    #expect(fromIndicators["2018-En-02590"] == "joy;love;optimism")

    // Back out as indicator columns, and in again: the same label sets (labels absent from every
    // sample of the 40 have no column, as the store knows only the labels that occur).
    let exported = try ExportRun.dataset(store: store, dataset: DatasetSelection(name: "ec"), indicators: true)
    let columns = try #require(exported.labelColumns)
    #expect(exported.csv.hasPrefix("id,split,text," + columns.joined(separator: ",") + "\n") && columns == columns.sorted() && columns.contains("joy"))
    let back = scratchPath("indicators-back.csv")
    try exported.csv.write(toFile: back, atomically: true, encoding: .utf8)
    var again = IngestRun.Options()
    (again.dataset, again.labelColumns) = ("back", columns)
    _ = try IngestRun.run(store: store, files: [back], options: again)
    #expect(try labelSets("back") == fromIndicators)
    #expect(throws: OptionError("{indicators} is for multi-label data; single has one label per sample")) {
        let single = scratchPath("single-label.csv")
        try "text,label\na,x\nb,y\n".write(toFile: single, atomically: true, encoding: .utf8)
        var options = IngestRun.Options()
        options.dataset = "single"
        _ = try IngestRun.run(store: store, files: [single], options: options)
        _ = try ExportRun.dataset(store: store, dataset: DatasetSelection(name: "single"), indicators: true)
    }

    // By prefix: columns e_anger, e_joy, … name the labels anger, joy, ….
    let prefixed = scratchPath("prefixed.csv")
    try "text,e_anger,e_joy\nso angry,1,0\nso happy,0,1\nboth,1,1\nneither,0,0\nbad cell,2,0\n".write(toFile: prefixed, atomically: true, encoding: .utf8)
    var byPrefix = IngestRun.Options()
    (byPrefix.dataset, byPrefix.labelPrefix) = ("prefixed", "e_")
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let summary = try IngestRun.run(store: store, files: [prefixed], options: byPrefix, observer: observer)
    #expect(summary[0].rowsNew == 4 && summary[0].rowsRejected == 1)
    #expect(notes.contains { $0.hasSuffix("prefixed.csv:6: rejected: column 'e_anger' holds '2'; a label column holds 0 or 1") }, "\(notes)")
    #expect(try store.samples(dataset: try store.requireDataset("prefixed")).map(\.label) == ["anger", "joy", "anger;joy", ""])

    // One 0/1 column read as label lists: refused, nothing stored.
    let single = scratchPath("single.csv")
    try "text,anger\nso angry,1\ncalm,0\n".write(toFile: single, atomically: true, encoding: .utf8)
    var wrong = IngestRun.Options()
    (wrong.dataset, wrong.label, wrong.multiLabel) = ("wrong", "anger", true)
    #expect(throws: InputError.self) { try IngestRun.run(store: store, files: [single], options: wrong) }
    do { _ = try IngestRun.run(store: store, files: [single], options: wrong) } catch let error as InputError {
        #expect(error.message.contains("holds only 0 and 1") && error.message.contains("--label-columns a,b,c or --label-prefix P"))
    }
    let names = try store.datasetNames()
    #expect(try !names.contains("wrong") || store.samples(dataset: store.requireDataset("wrong")).isEmpty)
    // A label column that does not exist names the file's columns.
    byName.labelColumns = ["anger", "rage"]
    byName.dataset = "missing"
    #expect(throws: InputError.self) { try IngestRun.run(store: store, files: [fixture("multilabel/semeval-ec-dev-40.tsv")], options: byName) }
}

/// Annotations (long format) with a split column, as ConvAbuse and ArMIS ship: each item in its
/// split, every annotation kept (the annotations of later splits waited for their samples with
/// foreign keys on, and failed); a --meta column that differs within an item is warned of.
@Test func annotationsWithASplitColumnAndAVaryingMetaColumn() throws {
    let data = scratchPath("armis-like.csv")
    try """
        id,split,text,annotator,annotator_profile,label
        t1,train,first text,Ann1,Moderate_Female,yes
        t1,train,first text,Ann2,Liberal_Female,no
        d1,dev,second text,Ann1,Moderate_Female,no
        d1,dev,second text,Ann3,Conservative_Male,no
        s1,test,third text,Ann2,Liberal_Female,yes

        """.write(toFile: data, atomically: true, encoding: .utf8)
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let store = try Store(path: scratchPath("armis-like.sqlite"))
    var options = IngestRun.Options()
    (options.dataset, options.id, options.annotator, options.meta) = ("armis", "id", "annotator", ["annotator_profile"])
    let summaries = try IngestRun.run(store: store, files: [data], options: options, observer: observer)
    #expect(summaries.map(\.split) == ["train", "dev", "test"] && summaries.map(\.rowsNew) == [1, 1, 1])
    #expect(summaries.map(\.annotationsNew) == [2, 2, 1])
    #expect(try store.database.row("PRAGMA foreign_key_check") == nil)
    #expect(notes.contains { $0.hasSuffix("column 'annotator_profile' differs between rows of one sample ('t1', lines 2 and 3); "
                                            + "a sample keeps its first row's value, so it is not a per-annotation value here") }, "\(notes)")
}

/// A file named like a split (`trec/test.csv`) goes to that split of a dataset named after its
/// folder, said aloud; --dataset keeps the split, --split keeps everything as given.
@Test func aFileNamedLikeASplitIsThatSplit() throws {
    let folder = scratchPath("mytrec")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let test = folder + "/test.csv"
    try "text,label\nWho is he ?,HUM\nWhere is it ?,LOC\n".write(toFile: test, atomically: true, encoding: .utf8)
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    let store = try Store(path: scratchPath("named.sqlite"))
    let folderName = URL(fileURLWithPath: folder).lastPathComponent
    #expect(try IngestRun.run(store: store, files: [test], options: IngestRun.Options(), observer: observer).map { "\($0.dataset)/\($0.split)" } == ["\(folderName)/test"])
    #expect(notes.contains { $0.hasSuffix("named like a split, so its rows go to split 'test' of dataset '\(folderName)' (its folder's name); --dataset and --split choose otherwise") })
    var named = IngestRun.Options()
    named.dataset = "trec"
    #expect(try IngestRun.run(store: store, files: [test], options: named).map { "\($0.dataset)/\($0.split)" } == ["trec/test"])
    named.split = "held-out"
    #expect(try IngestRun.run(store: store, files: [test], options: named).map { "\($0.dataset)/\($0.split)" } == ["trec/held-out"])
}

/// ConvAbuse-style rows (one per annotation, each with the annotator's own abuse types):
/// `--annotation-meta abuse_types` keeps each row's value with its annotation, out of the
/// sample's metadata, so nothing varies within a sample and no value is lost.
@Test func annotationMetadataStaysWithItsAnnotation() throws {
    let data = scratchPath("annotation-meta.csv")
    try """
        id,text,annotator,abuse_types,severity
        t1,you are useless,A,insult,-1
        t1,you are useless,B,insult;ableism,-2
        t2,hello there,A,,1
        t2,hello there,B,,1
        """.write(toFile: data, atomically: true, encoding: .utf8)
    let store = try Store(path: scratchPath("annotation-meta.sqlite"))
    var options = IngestRun.Options()
    (options.dataset, options.id, options.annotator, options.label, options.annotationMeta) = ("conv", "id", "annotator", "severity", ["abuse_types"])
    var notes: [String] = []
    let observer = RunObserver(note: { notes.append($0) }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    _ = try IngestRun.run(store: store, files: [data], options: options, observer: observer)
    let dataset = try store.requireDataset("conv")
    let samples = try store.samples(dataset: dataset)
    #expect(samples.allSatisfy { $0.metadata == nil } && !notes.contains { $0.contains("varies") }, "\(notes)")
    let kept = try store.annotationMetadata(dataset: dataset)
    let t1 = try #require(samples.first { $0.externalID == "t1" })
    #expect(kept[t1.id] == ["A": #"{"abuse_types":"insult"}"#, "B": #"{"abuse_types":"insult;ableism"}"#])
    options.annotator = nil
    #expect(throws: OptionError("{annotationMeta} goes with {annotator} (long format: one row per annotation)")) { try options.validate() }
    (options.annotator, options.annotatorMeta) = ("annotator", ["abuse_types"])
    #expect(throws: OptionError("{annotatorMeta} and {annotationMeta} both name 'abuse_types'; a column describes the annotator or the annotation")) {
        try options.validate()
    }
}
