import DQText
import Foundation

/// A `.safetensors` file (Hugging Face's format): an 8-byte little-endian header length, a
/// JSON header mapping each tensor name to its dtype, shape and byte range, then the raw
/// little-endian data. The file is memory-mapped; tensors are converted to Float32 on read
/// (F32, F16 and BF16 are supported).
package final class SafeTensorsFile {
    package struct TensorInfo: Equatable, Sendable {
        package var dtype: String
        package var shape: [Int]
        package var start: Int
        package var end: Int
    }

    package let path: String
    package let tensors: [String: TensorInfo]
    package let metadata: [String: String]
    private let base: UnsafeMutableRawPointer
    private let size: Int
    private let dataStart: Int

    package init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CheckpointError.file(path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var status = stat()
        fstat(fd, &status)
        size = Int(status.st_size)
        guard size >= 8 else { throw CheckpointError.file(path, "too short for a safetensors file") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw CheckpointError.file(path, "cannot map: \(String(cString: strerror(errno)))")
        }
        base = mapped
        let declared = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard let headerLength = Int(exactly: declared), headerLength <= size - 8 else {
            munmap(base, size)
            throw CheckpointError.file(path, "header length \(declared) exceeds the file")
        }
        dataStart = 8 + headerLength
        let headerBytes = Array(UnsafeRawBufferPointer(start: base + 8, count: headerLength))
        let header: JSONValue
        do {
            header = try JSONValue.parse(bytes: headerBytes)
        } catch {
            munmap(base, size)
            throw CheckpointError.file(path, "header is not valid JSON (\(error))")
        }
        guard case .object(let members) = header else {
            munmap(base, size)
            throw CheckpointError.file(path, "header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                if case .object(let entries) = value {
                    for (k, v) in entries { metadata[k] = v.scalarText ?? "" }
                }
                continue
            }
            guard case .string(let dtype)? = value["dtype"], case .array(let shape)? = value["shape"],
                  case .array(let offsets)? = value["data_offsets"], offsets.count == 2,
                  case .number(let start) = offsets[0], case .number(let end) = offsets[1] else {
                munmap(base, size)
                throw CheckpointError.file(path, "tensor \(name): expected dtype, shape and data_offsets in the header")
            }
            // Every number must be a whole, non-negative Int (a damaged header must not trap).
            let dims = shape.compactMap { v -> Int? in if case .number(let d) = v, let n = Int(exactly: d), n >= 0 { return n } else { return nil } }
            guard dims.count == shape.count, let first = Int(exactly: start), let last = Int(exactly: end), first >= 0,
                  dims.reduce(Optional(1), { total, d in total.flatMap { $0.multipliedReportingOverflow(by: d).overflow ? nil : $0.multipliedReportingOverflow(by: d).partialValue } }) != nil else {
                munmap(base, size)
                throw CheckpointError.file(path, "tensor \(name): its shape or data_offsets are not whole numbers of a usable size")
            }
            let info = TensorInfo(dtype: dtype, shape: dims, start: first, end: last)
            guard info.end >= info.start, info.end <= size - dataStart else {
                munmap(base, size)
                throw CheckpointError.file(path, "tensor \(name): data range \(info.start)..<\(info.end) is outside the file")
            }
            tensors[name] = info
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    deinit { munmap(base, size) }

    /// The tensor `name` as Float32 values in row-major order.
    package func floats(_ name: String) throws -> [Float] {
        guard let info = tensors[name] else { throw CheckpointError.missingTensor(path, name) }
        let count = info.shape.reduce(1, *)  // checked against overflow when the header was read
        let bytes = info.end - info.start
        let raw = UnsafeRawPointer(base + dataStart + info.start)
        let width: Int
        switch info.dtype {
        case "F32": width = 4
        case "F16", "BF16": width = 2
        default: throw CheckpointError.file(path, "tensor \(name) has dtype \(info.dtype); dq reads F32, F16 and BF16")
        }
        guard count <= bytes / width, bytes == count * width else {
            throw CheckpointError.file(path, "tensor \(name): \(bytes) bytes for \(count) values of \(info.dtype)")
        }
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            switch info.dtype {
            case "F32":
                out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            case "F16":
                out[i] = Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
            default:
                out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        }
        return out
    }

    /// Writes Float32 tensors as a `.safetensors` file, names sorted, data 8-byte aligned.
    package static func write(_ tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:],
                             to path: String) throws {
        var header: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            header.append(("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        let sorted = tensors.sorted { $0.name < $1.name }
        for t in sorted {
            precondition(t.values.count == t.shape.reduce(1, *), "\(t.name): shape and value count differ")
            let end = offset + 4 * t.values.count
            header.append((t.name, .object([
                ("dtype", .string("F32")), ("shape", .array(t.shape.map { .number(Double($0)) })),
                ("data_offsets", .array([.number(Double(offset)), .number(Double(end))])),
            ])))
            offset = end
        }
        var headerText = Array(JSONValue.object(header).jsonText.utf8)
        while (8 + headerText.count) % 8 != 0 { headerText.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(headerText.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerText)
        for t in sorted {
            t.values.withUnsafeBufferPointer { buffer in
                for v in buffer { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// Problems with a model checkpoint, naming the file and the tensor or key.
package enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case file(String, String)
    case missingTensor(String, String)
    case shapeMismatch(String, String, expected: [Int], found: [Int])

    package var description: String {
        switch self {
        case let .file(path, message): return "\(path): \(message)"
        case let .missingTensor(path, name): return "\(path): no tensor named \(name)"
        case let .shapeMismatch(path, name, expected, found):
            return "\(path): tensor \(name) has shape \(found), expected \(expected)"
        }
    }
}
