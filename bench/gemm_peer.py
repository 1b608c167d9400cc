"""numpy peer for `dq-bench gemm`: float32 square matmul GFLOP/s, best of several runs."""
import json
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [64, 128, 256, 512, 1024, 2048]
    rng = np.random.default_rng(1)
    blas = [(i.get("internal_api"), i.get("version"), i.get("architecture"), i.get("num_threads")) for i in threadpool_info()]
    for n in sizes:
        a = rng.random((n, n), dtype=np.float32) - 0.5
        b = rng.random((n, n), dtype=np.float32) - 0.5
        a @ b
        repeats = max(3, min(50, int(2e9 / (2 * n ** 3))))
        best = min(timed(a, b) for _ in range(repeats))
        print(json.dumps({"bench": "gemm-numpy", "n": n, "gflops": 2 * n ** 3 / best / 1e9, "blas": blas}))


def timed(a, b):
    start = time.perf_counter()
    a @ b
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
