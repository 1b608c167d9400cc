/// A lookup table: row i of the [count × width] table is the vector of index i. Its gradient
/// is accumulated only in the rows a batch used, and only those rows are zeroed again.
package final class Embedding: HasParameters {
    package let table: Parameter
    private var indices: [Int32] = []

    package init(name: String, count: Int, width: Int) {
        table = Parameter(name: name + ".weight", shape: [count, width], decays: true, sparseRows: true)
    }

    package var parameters: [Parameter] { [table] }
    package var width: Int { table.shape[1] }

    /// The rows of `indices`; with `keep`, keeps them for `backward` (without, writes no state).
    package func forward(_ indices: [Int32], keep: Bool = true) -> Matrix {
        if keep { self.indices = indices }
        let out = Matrix(rows: indices.count, columns: width)
        for (r, index) in indices.enumerated() {
            precondition(index >= 0 && Int(index) < table.shape[0], "\(table.name): index \(index) out of range")
            out.row(r).update(from: table.value.row(Int(index)), count: width)
        }
        return out
    }

    /// Adds each row of `dy` to the gradient row of the index it came from.
    package func backward(_ dy: Matrix) {
        for (r, index) in indices.enumerated() {
            let g = table.gradient.row(Int(index)), d = dy.row(r)
            for j in 0..<width { g[j] += d[j] }
            table.touchedRows?.insert(Int(index))
        }
    }
}
