"""The report of `make bench`: one Markdown block, printed and kept in bench/RESULTS.md.

The block sits between two marker lines in RESULTS.md, so a later `make bench` replaces it
and leaves the hand-written history around it alone.
"""
import datetime
import os
import platform
import re
import subprocess

import processes

BEGIN = "<!-- make bench: begin (written by bench/driver.py; edits inside are overwritten) -->"
END = "<!-- make bench: end -->"


def load_average():
    return os.getloadavg()[0]


def machine(set_aside):
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = re.search(r"^Model name:\s*(.+)$", lscpu, re.M).group(1).strip()
    except (OSError, AttributeError):
        model = platform.processor() or "unknown CPU"
    versions = processes.run([processes.PYTHON, "-c",
                              "import numpy, torch; print(torch.__version__, numpy.__version__)"])
    torch_version, numpy_version = versions.split()
    return {"model": model, "cores": os.cpu_count(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "load_start": load_average(), "torch": torch_version, "numpy": numpy_version,
            "set_aside": set_aside}


def machine_line(m):
    return (f"machine: {m['model']}, {m['cores']} cores (lscpu); {m['date']}; "
            f"load average {m['load_start']:.2f} at the start")


def command_text(cmd):
    return " ".join(str(c) for c in cmd)


def bar_text(bar):
    if bar is None:
        return "—"
    return f"≥ {bar:g}×" if isinstance(bar, (int, float)) else str(bar)


def met_text(met):
    return "—" if met is None else ("**met**" if met else "**not met**")


def side_text(name, side):
    threads, figure = side
    how = f"{threads} thr" if isinstance(threads, int) else threads  # or e.g. "2 jobs"
    return f"{name} {figure} [{how}]"


def markdown(m, bench, args):
    peer_blas = ", ".join(f"{side} {blas}" for side, blas in sorted(bench.peer_blas.items())) \
        or "not measured in this run"
    set_aside = (", ".join(f"{k}={v}" for k, v in m["set_aside"].items())
                 or "neither was set")
    lines = [
        BEGIN,
        f"### `make bench`, {m['date']}" + (" (--quick: smoke test, not comparable)"
                                          if args.quick else ""),
        "",
        f"Machine: {m['model']}, {m['cores']} cores (lscpu model name). Load average "
        f"{m['load_start']:.2f} at the start and {m['load_end']:.2f} at the end: a value well "
        f"above 0 means other work shared the cores and every figure is a lower bound. "
        f"OpenBLAS core type: {bench.corename}; the peers' BLAS as loaded in their own "
        f"processes: {peer_blas}; OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE set aside "
        f"in every benchmark command ({set_aside}). PyTorch {m['torch']}, numpy "
        f"{m['numpy']} (Debian). Every figure: median (min–max) of {bench.repeats} runs; a "
        f"ratio is the ratio of medians (range from the extremes); [N thr] is the thread "
        f"count that side ran best at.",
        "",
        "| case | mlpscope | peer | ratio | bar | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in bench.ratios:
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(f"| {r['case']}{note} | {side_text('', r['ours']).strip()} | "
                     f"{side_text(r['peer_name'], r['peer'])} | {r['ratio']} | "
                     f"{bar_text(r['bar'])} | {met_text(r['met'])} |")
    lines += ["", "All figures:", "",
              "| measurement | side | threads | median (min–max) | unit |",
              "| --- | --- | --- | --- | --- |"]
    for measurement, side, threads, figure in bench.figures:
        lines.append(f"| {measurement} | {side} | {threads} | {figure} | {figure.unit} |")
    if bench.notes or bench.errors:
        lines += [""] + [f"- {n}" for n in bench.notes] + [f"- **failed**: {e}"
                                                          for e in bench.errors]
    lines += ["", "Commands (the driver runs each --repeats times; OPENBLAS_NUM_THREADS and "
              "OMP_NUM_THREADS follow the thread count):", "", "```"]
    lines += [command_text(c) for c in bench.commands]
    lines += ["```", END]
    return "\n".join(lines) + "\n"


def update_results_md(path, block):
    """Replaces the text between BEGIN and END in `path`, or appends the block."""
    with open(path) as f:
        text = f.read()
    start, end = text.find(BEGIN), text.find(END)
    if start >= 0 and end > start:
        text = text[:start] + block.rstrip("\n") + text[end + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Latest `make bench`\n\n" + block
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
