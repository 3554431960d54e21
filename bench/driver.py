"""`make bench`: mlpscope side by side with PyTorch, numpy and the SGEMM roofline.

Runs the five cases of issue 6 on this machine, prints one Markdown report (the ratios
against DESIGN.md's bars, then every figure as median (min–max) of --repeats runs, the
commands, the machine and the date), writes it to BUILD/bench/results.md, and with
--update-results replaces the marked section of bench/RESULTS.md with it.

  /usr/bin/python3 bench/driver.py --build build [--repeats 3] [--quick] [--cases 1,2,3,4,5]

--quick shrinks every case (a smoke test of the harness; its figures are not comparable).
"""
import argparse
import os
import sys
import tempfile

import cases
import processes
import report


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build", help="the CMake build directory")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (at least 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes: tests the harness")
    parser.add_argument("--cases", default="1,2,3,4,5", help="which cases to run")
    parser.add_argument("--update-results", action="store_true",
                        help="replace the marked section of bench/RESULTS.md with the report")
    args = parser.parse_args()
    if args.repeats < 3:
        parser.error("--repeats: every figure is a median of at least 3 runs")
    return args


def main():
    args = parse_args()
    binary = os.path.join(args.build, "mlpscope")
    sgemm = os.path.join(args.build, "bench", "sgemm_peak")
    for program in (binary, sgemm):
        if not os.access(program, os.X_OK):
            sys.exit(f"bench: {program} is missing: build it first (make bench does)")
    wanted = {int(c) for c in args.cases.split(",")}
    set_aside = processes.set_aside_openblas_overrides()  # for every benchmark command
    machine = report.machine(set_aside)
    print(report.machine_line(machine), flush=True)
    with tempfile.TemporaryDirectory(prefix="mlpscope-bench-") as workdir:
        bench = cases.Bench(binary, sgemm, workdir, args.repeats, args.quick)
        failures = bench.run(wanted)
    machine["load_end"] = report.load_average()
    text = report.markdown(machine, bench, args)
    print(text)
    out = os.path.join(args.build, "bench", "results.md")
    with open(out, "w") as f:
        f.write(text)
    print(f"bench: report written to {out}", file=sys.stderr)
    if args.update_results:
        report.update_results_md(os.path.join(processes.BENCH_DIR, "RESULTS.md"), text)
    if failures:
        sys.exit(f"bench: {failures} case(s) failed: see the report")


if __name__ == "__main__":
    main()
