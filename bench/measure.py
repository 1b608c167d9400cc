"""Runs a command and reports its wall time and peak resident memory (from wait4's rusage)."""
import json
import os
import subprocess
import sys
import time


def measure(argv, stdin=None):
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin else None,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} failed: {stderr}")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1:])))
