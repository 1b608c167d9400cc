import Foundation
import Testing
import DQTestSupport
import DQText

@Test func aNameMustBeVisibleTextWithoutACommaOrAPath() {
    #expect(Names.problem("trec") == nil && Names.problem("annotator 7") == nil && Names.problem("Müller") == nil)
    #expect(Names.problem("  ") == "it is empty")
    #expect(Names.problem("a,b") == "it holds a comma, which separates names in lists")
    #expect(Names.problem("bob\u{200B}") == "it holds the invisible character U+200B")  // zero-width space
    #expect(Names.problem("evil\u{202E}txt") == "it holds the invisible character U+202E")  // right-to-left override
    #expect(Names.problem("red\u{1B}[31m") == "it holds the invisible character U+001B")  // an escape sequence
    #expect(Names.componentProblem("..") == "it is a path, not a name" && Names.componentProblem("a/b") == "it is a path, not a name")
    #expect("x\u{1B}y\u{202E}".visibleEscaped == "x\\u{1B}y\\u{202E}")
}

/// A Hugging Face DatasetDict folder whose dict and state files say what `dict` and `state` say.
private func folder(_ name: String, dict: String, state: String, split: String = "train") throws -> String {
    let root = scratchPath(name)
    try? FileManager.default.removeItem(atPath: root)
    try FileManager.default.createDirectory(atPath: root + "/" + split, withIntermediateDirectories: true)
    try dict.write(toFile: root + "/dataset_dict.json", atomically: true, encoding: .utf8)
    try state.write(toFile: root + "/\(split)/state.json", atomically: true, encoding: .utf8)
    return root
}

@Test func aHuggingFaceFoldersSplitsAndFilesStayInsideIt() throws {
    func refusal(_ root: String) -> String? {
        do { _ = try HuggingFaceFolder.dataFiles(root); return nil } catch let error as InputError { return error.message } catch { return "\(error)" }
    }
    let good = try folder("hf-good", dict: #"{"splits": ["train"]}"#, state: #"{"_data_files": [{"filename": "data-00000-of-00001.arrow"}]}"#)
    #expect(try HuggingFaceFolder.dataFiles(good).map { $0.path } == [good + "/train/data-00000-of-00001.arrow"])
    let upward = try folder("hf-up", dict: #"{"splits": ["../../secret/private"]}"#, state: "{}")
    #expect(refusal(upward) == "$.splits[0]: the split name '../../secret/private' cannot be a split: it is a path, not a name")
    let comma = try folder("hf-comma", dict: #"{"splits": ["a,b"]}"#, state: "{}", split: "a,b")
    #expect(refusal(comma) == "$.splits[0]: the split name 'a,b' cannot be a split: it holds a comma, which separates names in lists")
    let absolute = try folder("hf-abs", dict: #"{"splits": ["train"]}"#, state: #"{"_data_files": [{"filename": "/etc/shadow"}]}"#)
    #expect(refusal(absolute) == "$._data_files[0].filename: '/etc/shadow' is not a file name of this folder")
    let parent = try folder("hf-parent", dict: #"{"splits": ["train"]}"#, state: #"{"_data_files": [{"filename": ".."}]}"#)
    #expect(refusal(parent) == "$._data_files[0].filename: '..' is not a file name of this folder")
    // A data file that is a link leading out of the folder.
    let linked = try folder("hf-link", dict: #"{"splits": ["train"]}"#, state: #"{"_data_files": [{"filename": "out.arrow"}]}"#)
    try FileManager.default.createSymbolicLink(atPath: linked + "/train/out.arrow", withDestinationPath: "/etc/hostname")
    #expect(refusal(linked) == "$._data_files[0].filename: 'out.arrow' leads out of the dataset's folder")
}

/// A data file that is not Arrow is refused without its bytes in the message: its first four
/// bytes were once printed as "a message of 1380140371 bytes" ("SECR").
@Test func aFileThatIsNotArrowIsRefusedWithoutShowingItsBytes() throws {
    let path = scratchPath("secret.arrow")
    try "SECRET contents".write(toFile: path, atomically: true, encoding: .utf8)
    do {
        _ = try ArrowFile(path: path)
        Issue.record("a text file was read as Arrow")
    } catch let error as InputError {
        #expect(error.message == "not an Arrow IPC file or stream: it starts with neither ARROW1 nor a continuation marker")
        #expect(!error.description.contains(String(UInt32(littleEndian: 0x5243_4553))))
    }
}
