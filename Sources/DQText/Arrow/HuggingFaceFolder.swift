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
            return try splits.compactMap(\.scalarText).flatMap { split in
                try files(of: folder + "/" + split).map { DataFile(path: $0, split: split) }
            }
        }
        guard FileManager.default.fileExists(atPath: folder + "/state.json") else {
            throw InputError(file: folder, message: "a folder, but not one Hugging Face datasets' save_to_disk wrote "
                                 + "(no dataset_dict.json or state.json); give dq ingest the files instead")
        }
        return try files(of: folder).map { DataFile(path: $0, split: nil) }
    }

    /// A Dataset folder's Arrow files, from its state.json.
    static func files(of folder: String) throws -> [String] {
        let state = folder + "/state.json"
        guard case .array(let files)? = try json(state)["_data_files"] else {
            throw InputError(file: state, message: "expected \"_data_files\": [{\"filename\": …}]")
        }
        return try files.map { entry in
            guard let name = entry["filename"]?.scalarText, !name.contains("/") || !name.hasPrefix("/") else {
                throw InputError(file: state, message: "a data file without a filename")
            }
            return folder + "/" + name
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
