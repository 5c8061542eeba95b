#!/usr/bin/env python3
"""Compare running S3 servers by server CPU time per operation and per MiB.

Runs one `coffer bench` workload against each server in turn, for several
rounds in ABBA order (the second round reverses the first's order), and
reads each server's CPU time (user + system, /proc/PID/stat) every 50 ms
while it runs. The CPU charged to a run is what the server used during the
bench's measured window (its reported duration, ending just before the
bench's cleanup). On a machine shared with other work this is steadier
than throughput: a server that waits for the CPU uses none meanwhile.

  scripts/bench-cpu.py [--coffer BIN] [--rounds N] NAME=URL,PID ... -- BENCH-ARGS

for example

  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... scripts/bench-cpu.py --rounds 6 \\
    base=http://127.0.0.1:9301,1234 new=http://127.0.0.1:9306,1240 -- \\
    --workload put --size 64MiB --concurrency 4 --duration 6s --warmup 1s

Linux only (it reads /proc).
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def run_once(coffer, url, pid, bench_args):
    samples, stop = [], threading.Event()

    def sample():
        while not stop.is_set():
            samples.append((time.time(), cpu_seconds(pid)))
            time.sleep(0.05)

    t = threading.Thread(target=sample)
    t.start()
    out = subprocess.run([coffer, "bench", "--endpoint", url, "--json", *bench_args],
                         capture_output=True, text=True)
    end = time.time()
    stop.set()
    t.join()
    if out.returncode != 0:
        sys.exit(f"coffer bench against {url} failed:\n{out.stderr}")
    rep = json.loads(out.stdout)
    # The window ends just before the cleanup, which removes what the
    # run uploaded: a fraction of a second.
    t1 = end - 0.3
    t0 = t1 - rep["duration"]

    def at(ts):
        return min(samples, key=lambda s: abs(s[0] - ts))[1]

    return rep, at(t1) - at(t0)


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    cut = argv.index("--")
    argv, rest = argv[:cut], argv[cut + 1:]
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--coffer", default="bin/coffer")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("targets", nargs="+", metavar="NAME=URL,PID")
    args = ap.parse_args(argv)
    targets = [t.split("=", 1)[:1] + t.split("=", 1)[1].split(",") for t in args.targets]
    results = {name: [] for name, _, _ in targets}
    for r in range(args.rounds):
        for name, url, pid in (targets if r % 2 == 0 else targets[::-1]):
            rep, cpu = run_once(args.coffer, url, pid, rest)
            mib = max(rep["bytes"] / 2**20, 1e-9)  # HEAD and list move no body bytes
            ops = max(1, rep["ops"])
            load = open("/proc/loadavg").read().split()[0]
            print(f"r{r} {name:8s} {rep['ops_per_sec']:9.1f} ops/s {rep['mib_per_sec']:8.1f} MiB/s"
                  f"  server CPU {cpu:6.2f} s, {1000 * cpu / mib:7.2f} ms/MiB, {1e6 * cpu / ops:9.1f} us/op"
                  f"  load {load}", flush=True)
            results[name].append((rep["ops_per_sec"], rep["mib_per_sec"], 1000 * cpu / mib, 1e6 * cpu / ops))
    for name, rows in results.items():
        n = len(rows)
        print(f"mean {name}: {sum(x[0] for x in rows) / n:.1f} ops/s, {sum(x[1] for x in rows) / n:.1f} MiB/s, "
              f"{sum(x[2] for x in rows) / n:.2f} ms CPU/MiB, {sum(x[3] for x in rows) / n:.1f} us CPU/op")


if __name__ == "__main__":
    main()
