import Foundation

/// A folder written by Hugging Face `datasets`' `save_to_disk`: a Dataset (`state.json` naming
/// its Arrow files) or a DatasetDict (`dataset_dict.json` naming its splits, each a Dataset
/// folder). Each split's files are Arrow IPC streams whose schema carries the features
/// (ClassLabel names among them).
package enum HuggingFaceFolder {
    package struct DataFile: Sendable, Equatable {
        package var path: String
        /// The DatasetDict's split; nil for a lone Dataset.
        package var split: String?
    }

    package static func isFolder(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// The Arrow files of the folder, split by split in the DatasetDict's order.
    package static func dataFiles(_ folder: String) throws -> [DataFile] {
        let dictionary = folder + "/dataset_dict.json"
        if FileManager.default.fileExists(atPath: dictionary) {
            guard case .array(let splits)? = try json(dictionary)["splits"] else {
                throw InputError(file: dictionary, message: "expected {\"splits\": [names]}")
            }
            return try splits.enumerated().flatMap { k, value in
                guard let split = value.scalarText else { throw InputError(file: dictionary, message: "$.splits[\(k)]: expected a split name") }
                if let problem = Names.componentProblem(split) {
                    throw InputError(file: dictionary, message: "$.splits[\(k)]: the split name '\(split.visibleEscaped)' cannot be a split: \(problem)")
                }
                return try files(of: folder + "/" + split, within: folder).map { DataFile(path: $0, split: split) }
            }
        }
        guard FileManager.default.fileExists(atPath: folder + "/state.json") else {
            throw InputError(file: folder, message: "a folder, but not one Hugging Face datasets' save_to_disk wrote "
                                 + "(no dataset_dict.json or state.json); give dq ingest the files instead")
        }
        return try files(of: folder, within: folder).map { DataFile(path: $0, split: nil) }
    }

    /// A Dataset folder's Arrow files, from its state.json: plain file names of that folder,
    /// each a regular file that stays inside `root` once links are followed.
    static func files(of folder: String, within root: String) throws -> [String] {
        let state = folder + "/state.json"
        guard case .array(let files)? = try json(state)["_data_files"] else {
            throw InputError(file: state, message: "expected \"_data_files\": [{\"filename\": …}]")
        }
        let inside = URL(fileURLWithPath: root).resolvingSymlinksInPath().path + "/"
        return try files.enumerated().map { k, entry in
            guard let name = entry["filename"]?.scalarText else {
                throw InputError(file: state, message: "$._data_files[\(k)]: a data file without a filename")
            }
            guard Names.componentProblem(name) == nil else {
                throw InputError(file: state, message: "$._data_files[\(k)].filename: '\(name.visibleEscaped)' is not a file name of this folder")
            }
            let path = folder + "/" + name
            guard URL(fileURLWithPath: path).resolvingSymlinksInPath().path.hasPrefix(inside) else {
                throw InputError(file: state, message: "$._data_files[\(k)].filename: '\(name.visibleEscaped)' leads out of the dataset's folder")
            }
            return path
        }
    }

    static func json(_ path: String) throws -> JSONValue {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw InputError(file: path, message: "cannot read it") }
        do {
            return try JSONValue.parse(text)
        } catch {
            throw InputError(file: path, message: "not valid JSON: \(error)")
        }
    }
}
