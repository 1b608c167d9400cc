#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Subnormal floats (below 1.2·10⁻³⁸ in Float32) are slow on Intel CPUs: an arithmetic
/// instruction that meets one, as operand or result, can take a microcode assist of many
/// cycles. Fine-tuning a pretrained BERT makes them: tiny
/// gradients times tiny activations. On a 2-core Xeon (AVX-512) fine-tuning all-MiniLM-L6-v2
/// ran 16 times slower with them than with them flushed (docs/benchmarks.md).
///
/// `flushed` runs its body with the SSE/AVX control register's flush-to-zero and
/// denormals-are-zero bits set on the current thread, and restores the register after. The
/// kernels wrap their work in it on each thread, so nothing outside them changes behaviour.
/// A value that would be subnormal becomes zero, a change of less than 1.2·10⁻³⁸, which no
/// result dq reports can show.
package enum Subnormals {
    @inline(__always)
    package static func flushed<R>(_ body: () throws -> R) rethrows -> R {
        #if arch(x86_64) && canImport(Glibc)
        var saved = fenv_t()
        fegetenv(&saved)
        let flags: UInt32 = 0x8040  // FTZ (bit 15) and DAZ (bit 6)
        if saved.__mxcsr & flags == flags { return try body() }
        var flushing = saved
        flushing.__mxcsr |= flags
        fesetenv(&flushing)
        defer { fesetenv(&saved) }
        return try body()
        #else
        return try body()
        #endif
    }
}
