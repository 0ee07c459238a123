"""Turns benchmark results into PNG charts and the figures of README.md and docs/benchmarks.md.

    python benches/report.py --results DIR --out DIR --readme README.md --docs docs/benchmarks.md

DIR holds micro.json (benches/run, PRESENCE_BENCH_JSON), and when they were measured load.json
(benches/load/run), backends.json and surfaces-{shm,redis,database}.json (benches/run-backends),
latency.json (benches/latency/run), network-{shm,redis,database}.json (benches/run-network).
Charts go to --out; every block between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->` in
either file is replaced by the text generated for NAME (tables and the sentences that quote
numbers, each naming the command that measured it and the date), so no figure is typed by hand.
A block whose results are missing is left as it is. Run by benches/figures, which pins matplotlib.
"""

import argparse
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

VARIANT_COLORS = {
    "native": "#2b6cb0",
    "native_unchanged": "#63b3ed",
    "apcu": "#dd6b20",
    "apcu_unchanged": "#f6ad55",
    "floor": "#718096",
    "bare": "#a0aec0",
    "database": "#c05621",
    "redis": "#9b2c2c",
}
VARIANT_LABELS = {
    "native": "native: upsert + room read",
    "apcu": "APCu: one array per room",
    "native_unchanged": "native, unchanged: upsert + version",
    "apcu_unchanged": "APCu, unchanged: per-room version key",
    "floor": "floor: PHP building the same arrays",
}
# The fair pairs of the micro-benchmark: (ratio key, APCu variant, native variant, what they do).
MICRO_PAIRS = [
    ("apcu_over_native", "apcu", "native", "full heartbeat: write my entry, read my room of 20"),
    ("apcu_unchanged_over_native_unchanged", "apcu_unchanged", "native_unchanged",
     "unchanged room: write my entry, read only the room's version"),
]
STORE_LABELS = {"shm": "shared memory", "redis": "Redis (loopback)", "database": "database table"}
LOAD_LABELS = {
    "bare": "WordPress without presence",
    "native": "presence, extension (shm)",
    "database": "presence, database fallback",
    "redis": "presence, extension (Redis)",
}
SCENARIO_LABELS = {
    "dashboard-first": "dashboard, first tick (full answer)",
    "dashboard-steady": "dashboard, steady tick (versions held)",
    "editor-steady": "post editor tick with the post lock",
}


def fmt_int(n):
    """1 234 567 (thin groups, as the README writes numbers)."""
    return f"{n:,.0f}".replace(",", " ")


def plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def fmt_ns(ns):
    """4 011 ns, 13.1 µs, 1 306 µs, 19.2 ms: at most four digits before the unit's point."""
    if ns >= 10_000_000:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 100_000:
        return f"{fmt_int(ns / 1000)} µs"
    if ns >= 10_000:
        return f"{ns / 1000:.1f} µs"
    return f"{fmt_int(ns)} ns"


# --- micro-benchmark -----------------------------------------------------------------------------


def micro_chart(micro, path):
    hb = micro["heartbeat"]
    order = ["floor", "native", "apcu", "native_unchanged", "apcu_unchanged"]
    order = [v for v in order if v in hb["median_ns"]]
    values = [hb["median_ns"][v] / 1000 for v in order]
    fig, ax = plt.subplots(figsize=(8, 3.4), dpi=110)
    bars = ax.barh([VARIANT_LABELS[v] for v in order], values, color=[VARIANT_COLORS[v] for v in order])
    for bar in bars:
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f"  {bar.get_width():.1f} µs", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("µs per heartbeat (median of alternating rounds; lower is better)")
    ax.set_xlim(0, max(values) * 1.3)
    ax.set_title(f"One heartbeat ({hb['rooms']} rooms of {hb['clients']}): native beside APCu doing the same work",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def scale_chart(micro, path):
    rows = micro["scale"]
    kinds = sorted({r["state"] for r in rows}, key=lambda k: (k != "small", k))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), dpi=110)
    for kind, marker in zip(kinds, ["o", "s"]):
        sel = [r for r in rows if r["state"] == kind]
        label = f"{kind} state ({sel[0]['state_json']} B as JSON)"
        n = [r["n"] for r in sel]
        axes[0].plot(n, [r["upsert_ns"] / 1000 for r in sel], marker=marker, label=label)
        axes[1].plot(n, [r["read_ns"] / 1000 for r in sel], marker=marker, label=label)
        axes[2].plot(n, [r["bytes_per_live"] for r in sel], marker=marker, label=f"used, {kind} state")
    slot = [r for r in rows if r["state"] == kinds[0]]
    axes[2].plot([r["n"] for r in slot], [r["bytes_per_slot"] for r in slot], linestyle="--", color="#4a5568",
                 label="segment per entry slot")
    axes[2].axhline(512, color="#c53030", linewidth=0.8, linestyle=":", label="512 B")
    titles = ["changed-state upsert (µs)", "20-entry room read (µs)", "bytes per entry"]
    for ax, title in zip(axes, titles):
        ax.set_xscale("log")
        ax.set_xlabel("entries in the table")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def faster(ratio):
    """'3.2× faster' for an APCu/native ratio above 1, '1.4× slower' below."""
    return f"{ratio:.1f}× faster" if ratio >= 1 else f"{1 / ratio:.1f}× slower"


def spread(micro, key):
    """The lowest and highest ratio of one round, or None for results without them."""
    rounds = micro["heartbeat"].get("round_ratios", {}).get(key)
    return (min(rounds), max(rounds)) if rounds else None


def busy_note(load):
    return " (a busy machine: other work was running)" if (load or 0) > 1.5 else ""


def micro_text(micro):
    hb = micro["heartbeat"]
    m, r = hb["median_ns"], hb["ratios"]
    lines = [
        "| work | variant | per heartbeat | native against APCu |",
        "|---|---|---:|---|",
    ]
    for key, apcu, native, work in MICRO_PAIRS:
        lo_hi = spread(micro, key)
        rounds = f" (rounds: {lo_hi[0]:.2f}–{lo_hi[1]:.2f})" if lo_hi else ""
        lines.append(f"| {work} | **{VARIANT_LABELS[native]}** | {fmt_ns(m[native])} | "
                     f"**{faster(r[key])}**, APCu / native = {r[key]:.2f}{rounds} |")
        lines.append(f"| | {VARIANT_LABELS[apcu]} | {fmt_ns(m[apcu])} | |")
    lines += [
        f"| the floor: no storage | {VARIANT_LABELS['floor']}, date formatted once | {fmt_ns(m['floor'])} | "
        f"native = {r['native_over_floor']:.2f}× the floor |",
        "",
        f"Measured {micro.get('date', '?')} by `benches/run` (run by `benches/figures`): PHP {micro['php']}, "
        f"APCu {micro['apcu']}, release build, median of {plural(hb['rounds'], 'round')} of {fmt_int(hb['per_round'])}, "
        f"each round started by another variant; load average at the start {micro.get('load') or 0:.1f}"
        f"{busy_note(micro.get('load'))}.",
    ]
    return "\n".join(lines)


def floor_goal_text(micro):
    ratio = micro["heartbeat"]["ratios"]["native_over_floor"]
    verdict = "within" if ratio <= 1.3 else "not within"
    return (f"In the run of {micro.get('date', '?')} (`benches/run`) the native heartbeat is {ratio:.2f}× the floor: "
            f"{verdict} the target of 1.3×.")


def memory_goal_text(micro):
    rows = micro["scale"]
    used = max(r["bytes_per_live"] for r in rows)
    slot = max(r["bytes_per_slot"] for r in rows)
    return (f"In the run of {micro.get('date', '?')} (`benches/run`) live entries use at most {used:.0f} bytes each "
            f"(goal: ≤ 512 B); a segment budgets {slot:.0f} bytes per entry slot, "
            f"{'within' if slot <= 512 else 'above'} that goal.")


def scale_text(micro):
    lines = [
        "| entries | state (JSON size) | changed-state upsert | room read (20) | used bytes per entry | segment bytes per entry slot | segment |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in micro["scale"]:
        lines.append(
            f"| {fmt_int(r['n'])} | {r['state']} ({r['state_json']} B) | {fmt_ns(r['upsert_ns'])} | {fmt_ns(r['read_ns'])} | "
            f"{r['bytes_per_live']:.0f} | {r['bytes_per_slot']:.0f} | {r['segment_bytes'] / 1048576:.0f} MiB |"
        )
    lines += ["", f"Measured {micro.get('date', '?')} by `benches/run` (run by `benches/figures`): each size in a process "
                  f"and segment of its own; load average at the start {micro.get('load') or 0:.1f}{busy_note(micro.get('load'))}."]
    return "\n".join(lines)


def headline_text(micro, load, latency=None):
    r = micro["heartbeat"]["ratios"]
    # The query budget is what tests/php/plugin/includes/heartbeat/HandlersQueryCountTest.php asserts.
    text = ("a heartbeat costs presence **0 database queries when its answer is unchanged and at most 1 when it is "
            "full** (the posts it names, in one query; a test counts them). One heartbeat on the store costs "
            f"{r['native_over_floor']:.2f}× what PHP needs merely to build the 20-entry answer; against APCu doing the "
            f"same work, written for it, native is {faster(r['apcu_over_native'])} for a full heartbeat and "
            f"{faster(r['apcu_unchanged_over_native_unchanged'])} for an unchanged room, where APCu has the same "
            "per-room version shortcut")
    if load:
        lo, hi = native_ratio_range(load, [200, 2000])
        if lo is not None:
            text += (f"; through nginx and php-fpm, with 200 and 2 000 people online, WordPress answers heartbeats "
                     f"with presence at {lo:.2f}–{hi:.2f}× the rate it answers them without it")
    date = micro.get("date", "?")
    # The load test's figures here may come from several runs merged (PRESENCE_LOAD_MERGE): say which.
    used = native_ratio_rows(load, [200, 2000]) + (load.get("lane") or []) + (load.get("cost") or []) if load else []
    if len(entries_runs(load, used) if used else []) > 1:
        date += f", the load test's figures in {run_dates(load, used)}"
    text += f" (measured {date}; see [Benchmarks](docs/benchmarks.md))."
    lane = [l for l in (load or {}).get("lane") or [] if l["to_empty"] is not None and l["to_heartbeat"] is not None]
    p95 = [r["p95"] for store in (latency or {}).get("results", {}).values() for r in store.values()]
    if lane or p95:
        parts = []
        if p95:
            parts.append(f"a change reaches the other people it concerns with a p95 of at most {max(p95) / 1000:.2f} s")
        if lane:
            parts.append(f"a live poll runs at {min(l['to_heartbeat'] for l in lane):.0f}× or more the rate of a heartbeat "
                         f"and {min(l['to_empty'] for l in lane):.2f}× or more that of an empty PHP file")
        cost = [c["live_ms"] / c["today_ms"] for c in (load or {}).get("cost") or [] if c["online"] in (2, 200, 2000)]
        if cost:
            parts.append(f"the live client costs the servers {max(cost):.2f}× or less the CPU per online user of a "
                         "heartbeat a minute")
        text += " With the live lane, " + "; ".join(parts) + " ([the live lane](docs/benchmarks.md#the-live-lane))."
    return text


# --- load harness --------------------------------------------------------------------------------


def load_rows(load):
    """The heartbeat rows (the live lane's have tables of their own)."""
    return [r for r in load["rows"] if r["scenario"] in SCENARIO_LABELS]


def native_ratio_rows(load, onlines):
    return [r for r in load_rows(load)
            if r["variant"] == "native" and r["online"] in onlines and r["ratio_to_bare"] is not None]


def native_ratio_range(load, onlines):
    ratios = [r["ratio_to_bare"] for r in native_ratio_rows(load, onlines)]
    return (min(ratios), max(ratios)) if ratios else (None, None)


def load_variants(load):
    seen = []
    for r in load_rows(load):
        if r["variant"] not in seen:
            seen.append(r["variant"])
    return seen


def load_chart(load, path):
    rows = load_rows(load)
    variants = load_variants(load)
    scenarios = [s for s in SCENARIO_LABELS if any(r["scenario"] == s for r in rows)]
    onlines = sorted({r["online"] for r in rows})
    fig, axes = plt.subplots(2, len(scenarios), figsize=(4.2 * len(scenarios), 6.2), dpi=110, squeeze=False)
    width = 0.8 / len(variants)
    for col, scenario in enumerate(scenarios):
        for i, variant in enumerate(variants):
            sel = {r["online"]: r for r in rows if r["scenario"] == scenario and r["variant"] == variant}
            xs = [k + (i - (len(variants) - 1) / 2) * width for k in range(len(onlines))]
            rps = [sel[o]["rps"] if o in sel else 0 for o in onlines]
            p99 = [sel[o]["p99_ms"] if o in sel else 0 for o in onlines]
            bars = axes[0][col].bar(xs, rps, width, color=VARIANT_COLORS.get(variant), label=LOAD_LABELS.get(variant, variant))
            for bar, o in zip(bars, onlines):
                ratio = sel[o]["ratio_to_bare"] if o in sel else None
                if variant != "bare" and ratio is not None:
                    axes[0][col].text(bar.get_x() + bar.get_width() / 2, bar.get_height(), f"{ratio:.2f}",
                                      ha="center", va="bottom", fontsize=7)
            axes[1][col].bar(xs, p99, width, color=VARIANT_COLORS.get(variant))
        for row, ylabel in enumerate(["requests/s (label: × bare)", "p99 latency (ms)"]):
            ax = axes[row][col]
            ax.set_xticks(range(len(onlines)))
            ax.set_xticklabels([f"{fmt_int(o)} online" for o in onlines])
            ax.set_ylabel(ylabel, fontsize=9)
            ax.grid(axis="y", alpha=0.3)
        axes[0][col].set_title(SCENARIO_LABELS[scenario], fontsize=10)
    axes[0][0].legend(fontsize=8, loc="lower left")
    runs = entries_runs(load, rows)
    meta = runs[-1]
    rounds = ("median of " + " or ".join(sorted({str(r["rounds"]) for r in runs})) + " alternating rounds"
              + (f", {len(runs)} runs merged (see the table's dates)" if len(runs) > 1 else ""))
    fig.suptitle(f"Heartbeats through nginx + php-fpm ({meta['php_workers']} workers) + MariaDB, "
                 f"wrk with {meta['connections']} connections, {meta['cores']} cores; {rounds}",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def qcount(n):
    return "?" if n is None else str(n)


def load_note(meta):
    """The machine's load: before the benchmark (other work) and the highest before a run (its own)."""
    own = f"up to {meta.get('load_max', 0):.1f} before a run, the benchmark's own load included"
    start = meta.get("load_start")
    if start is None:
        return f"load average {own}"
    busy = " (a busy machine: other work was running)" if start > 1.5 else ""
    return f"load average {start:.1f} before the benchmark started{busy}, {own}"


# A load.json holds rows of one run or, merged by benches/load/merge.php, of several: each entry
# names its run (`run`) and meta.runs describes each. A file from before runs were named is one run.


def load_runs(load):
    """The runs of a load.json by id, oldest first."""
    meta = load["meta"]
    runs = meta.get("runs") or [dict(meta, run=meta["date"])]
    return {r["run"]: r for r in sorted(runs, key=lambda r: r["run"])}


def run_of(load, entry):
    return load_runs(load)[entry.get("run") or load["meta"].get("date")]


def entries_runs(load, entries):
    """The runs the entries come from, oldest first."""
    ids = {run_of(load, e)["run"] for e in entries}
    return [r for i, r in load_runs(load).items() if i in ids]


def run_label(load, run):
    """A run's date, with the time it started when another run of the file has the same date
    (the same label for it in every block)."""
    runs = list(load_runs(load).values())
    if sum(r["date"] == run["date"] for r in runs) > 1 and "T" in run["run"]:
        # To the minute, or to the second where two runs started in the same minute.
        same_minute = sum(r["run"][:16] == run["run"][:16] for r in runs) > 1
        return f"{run['date']} {run['run'][11:19 if same_minute else 16]} UTC"
    return run["date"]


def run_dates(load, entries):
    """'the run of D' or 'the runs of D1 and D2': where these entries come from."""
    runs = entries_runs(load, entries)
    if len(runs) <= 1:
        return f"the run of {runs[0]['date'] if runs else '?'}"
    return "the runs of " + joined(run_label(load, r) for r in runs)


MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def run_marks(load, entries):
    """A mark for the entries of each run, when these come from more than one: run id -> mark.
    The same run has the same mark in every block; the run most of the file comes from has none
    (the blocks' "other rows")."""
    if len(entries_runs(load, entries)) <= 1:
        return {}
    runs = list(load_runs(load))
    everything = load["rows"] + (load.get("lane") or []) + (load.get("cost") or [])
    count = {r: sum(run_of(load, e)["run"] == r for e in everything) for r in runs}
    largest = max(runs, key=lambda r: count[r])
    others = [r for r in runs if r != largest]
    return {largest: "", **{run: MARKS[i % len(MARKS)] for i, run in enumerate(others)}}


def mark(load, marks, entry):
    return marks.get(run_of(load, entry)["run"], "")


LOAD_SHORT = {"bare": "bare WordPress", "native": "shared memory", "redis": "Redis", "database": "the database"}
SCENARIO_SHORT = {
    "dashboard-first": "dashboard first tick", "dashboard-steady": "dashboard steady tick",
    "editor-steady": "post editor tick",
}


def joined(words):
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def which_entries(entries, dims, everything):
    """Says which entries these are, by dimension (variant, scenario, page, online), shortest first:
    as one product of values where they form one (a dimension holding every value of `everything`
    left out), else variant by variant."""
    def values(dim, es):
        seen = []
        for e in es:
            if e[dim] not in seen:
                seen.append(e[dim])
        return seen

    def name(dim, v):
        if dim == "variant":
            return LOAD_SHORT.get(v, v)
        if dim == "scenario":
            return SCENARIO_SHORT.get(v, v)
        if dim == "online":
            return fmt_int(v)
        return str(v)

    def product(es):
        sets = {d: values(d, es) for d in dims}
        size = 1
        for d in dims:
            size *= len(sets[d])
        if size != len({tuple(e[d] for d in dims) for e in es}):
            return None
        parts = []
        for d in dims:
            if d == "variant" or sorted(map(str, sets[d])) != sorted(map(str, values(d, everything))):
                text = joined(name(d, v) for v in sets[d])
                parts.append(f"at {text} online" if d == "online" else text)
        return ", ".join(parts) if parts else "all"

    def variant_text(v):
        mine = [e for e in entries if e["variant"] == v]
        text = product(mine)
        if text is not None or "scenario" not in dims:
            return text or name("variant", v)
        # A run some of whose rows a later run replaced: kind by kind.
        return "; ".join(product([e for e in mine if e["scenario"] == s]) or name("variant", v)
                         for s in values("scenario", mine))

    text = product(entries)
    if text is not None:
        return text
    return "; ".join(variant_text(v) for v in values("variant", entries))


def measured_line(load, entries, dims, single, settings, what, note=""):
    """The "Measured …" line of a block: for one run, single(run); for entries of several runs,
    each run's date, which entries are its and its settings(run), so that no reader takes the
    block for one run."""
    runs = entries_runs(load, entries)
    if len(runs) <= 1:
        return single(runs[0] if runs else next(iter(load_runs(load).values())))
    # The run with the most entries is "the other rows"; the others are named, and marked in
    # the table.
    marks = run_marks(load, entries)
    mine = {r["run"]: [e for e in entries if run_of(load, e)["run"] == r["run"]] for r in runs}
    out = [f"Measured by `benches/load/run` (run by `benches/figures`) in {len(runs)} runs merged into one "
           f"file (`PRESENCE_LOAD_MERGE`); a ratio is only ever taken between {what} of one run{note}:", ""]
    for r in runs:
        which = (f"the {what} marked {marks[r['run']]}: {which_entries(mine[r['run']], dims, entries)}"
                 if marks[r["run"]] else f"the other {what}")
        quick = " (a quick run: its numbers mean nothing)" if r.get("quick") else ""
        out.append(f"- {run_label(load, r)}{quick}, {which}; {settings(r)}.")
    return "\n".join(out)


def load_text(load):
    rows = load_rows(load)
    variants = load_variants(load)
    by = {(r["online"], r["scenario"], r["variant"]): r for r in rows}
    keys = []
    for r in rows:
        k = (r["online"], r["scenario"])
        if k not in keys:
            keys.append(k)
    head = "| online | tick | " + " | ".join(LOAD_LABELS.get(v, v) for v in variants) + " |"
    sep = "|---:|---|" + "---:|" * len(variants)

    marks = run_marks(load, rows)

    def table(cell):
        out = [head, sep]
        for online, scenario in keys:
            cells = [cell(by[(online, scenario, v)]) + mark(load, marks, by[(online, scenario, v)])
                     if (online, scenario, v) in by else "" for v in variants]
            out.append(f"| {fmt_int(online)} | {SCENARIO_LABELS[scenario]} | " + " | ".join(cells) + " |")
        return "\n".join(out)

    def rps(r):
        ratio = "" if r["variant"] == "bare" or r["ratio_to_bare"] is None else f" ({r['ratio_to_bare']:.2f}×)"
        return f"{r['rps']:.0f}{ratio}"

    errors = sum(r["errors"] for r in rows)
    requests = sum(r["requests"] for r in rows)
    def settings(meta):
        return (f"PHP {meta['php']}, {meta['php_workers']} php-fpm workers, {meta['cores']} cores shared "
                f"with MariaDB, nginx and wrk ({meta['connections']} connections), median of {plural(meta['rounds'], 'round')} of "
                f"{meta['seconds_per_run']:.0f} s; {load_note(meta)}")

    parts = [
        measured_line(load, rows, ("variant", "scenario", "online"),
                      lambda m: f"Measured {m['date']} by `benches/load/run` (run by `benches/figures`): {settings(m)}.",
                      settings, "rows", " (a row's × bare is to bare WordPress of its own run, which may not be the one "
                      "shown beside it)"),
        "",
        "Requests per second (× bare WordPress, the ratio of each round's pair, median over rounds):",
        "",
        table(rps),
        "",
        "Latency, p50 / p99 in ms:",
        "",
        table(lambda r: f"{r['p50_ms']:.0f} / {r['p99_ms']:.0f}"),
        "",
        "Bytes per answer; database queries run inside `heartbeat_received` (core's post lock included) / in the "
        "whole request:",
        "",
        table(lambda r: f"{fmt_int(r['bytes'])} B; {qcount(r['queries_received'])} / {qcount(r['queries_total'])} queries"),
        "",
        f"{fmt_int(requests)} heartbeats measured, {errors} errors (non-200 answers, socket errors, timeouts, or "
        "an answer without what it must contain).",
    ]
    runs = entries_runs(load, rows)
    for run in runs:
        for skipped in run.get("skipped", []):
            when = "this run" if len(runs) == 1 else f"the run of {run_label(load, run)}"
            parts.append(f"Not measured in {when}: {skipped}.")
    return "\n".join(parts)


def load_goal_text(load):
    lo, hi = native_ratio_range(load, [200, 2000])
    if lo is None:
        return "The load results do not include 200 or 2 000 online."
    runs = run_dates(load, native_ratio_rows(load, [200, 2000]))
    one = runs.startswith("the run ")
    verdict = ("meets" if one else "meet") if lo >= 0.97 else ("does not meet" if one else "do not meet")
    return (f"At 200 and 2 000 online the plugin on the extension answers at {lo:.2f}–{hi:.2f}× bare WordPress's "
            f"rate: {runs} (`benches/load/run`) {verdict} the goal of ≥ 0.97× in every "
            "kind of tick.")


def load_noise_text(load):
    """How far one round's ratio to bare WordPress moves around its median, from every round kept."""
    rows = load_rows(load)
    # Rounds are paired only within one run: a bare row of another run is no pair.
    bare = {(r["online"], r["scenario"], run_of(load, r)["run"]): r["rps_rounds"] for r in rows if r["variant"] == "bare"}
    spreads = []
    paired = []
    for r in rows:
        base = bare.get((r["online"], r["scenario"], run_of(load, r)["run"]))
        if r["variant"] == "bare" or not base or len(base) != len(r["rps_rounds"]) or len(base) < 2:
            continue
        paired.append(r)
        ratios = sorted(x / b for x, b in zip(r["rps_rounds"], base) if b)
        mid = ratios[len(ratios) // 2]
        spreads.append(max(abs(x / mid - 1) for x in ratios) * 100)
    if not spreads:
        return "This run kept too few rounds to say how far one round's ratio moves."
    spreads.sort()
    return (f"In {run_dates(load, paired)} (`benches/load/run`), one round's ratio to bare WordPress moves "
            f"around its median by up to ±{spreads[-1]:.0f} % (±{spreads[len(spreads) // 2]:.0f} % for the median "
            "pair); every round is kept in `docs/figures/load.json`.")


# --- the live lane (benches/load/run, benches/latency/run) ----------------------------------------


def lane_text(load):
    lane = load.get("lane") or []
    if not lane:
        return "(Not measured in this run: the live lane needs the extension's variants.)"
    def settings(meta):
        return (f"through the same nginx and {meta['php_workers']} php-fpm workers, wrk with {meta['connections']} connections; "
                f"each ratio is taken within a round, then the median over {plural(meta['rounds'], 'round')}; {load_note(meta)}")

    out = [
        measured_line(load, lane, ("variant", "online"),
                      lambda m: f"Measured {m['date']} by `benches/load/run` (run by `benches/figures`), {settings(m)}.",
                      settings, "rows"),
        "",
        "| online | store | poll, req/s | empty PHP file, req/s | dashboard heartbeat, req/s | poll ÷ empty file | poll ÷ heartbeat | server CPU per poll |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    marks = run_marks(load, lane)
    for l in lane:
        out.append(
            f"| {fmt_int(l['online'])}{mark(load, marks, l)} | {LOAD_LABELS.get(l['variant'], l['variant'])} | {l['poll_rps']:.0f} | {l['empty_rps']:.0f} | "
            f"{l['heartbeat_rps']:.0f} | {l['to_empty']:.2f}× | {l['to_heartbeat']:.0f}× | {l['poll_cpu_ms'] * 1000:.0f} µs |")
    return "\n".join(out)


def lane_goal_text(load):
    lane = [l for l in load.get("lane") or [] if l["to_empty"] is not None and l["to_heartbeat"] is not None]
    if not lane:
        return "The live lane was not measured in this run."
    empty = min(l["to_empty"] for l in lane)
    heartbeat = min(l["to_heartbeat"] for l in lane)
    verdict = "meets" if empty >= 0.7 and heartbeat >= 50 else "does not meet"
    return (f"In {run_dates(load, lane)} (`benches/load/run`) a poll sustains at least {empty:.2f}× an empty PHP "
            f"file's rate and {heartbeat:.0f}× a dashboard heartbeat's, on every store and number online: it {verdict} the "
            "goal of ≥ 0.7× and ≥ 50×.")


def cost_text(load):
    cost = load.get("cost") or []
    if not cost:
        return "(Not measured in this run: the live client's mix needs the extension's variants.)"
    def settings(meta):
        return (f"median of {plural(meta['rounds'], 'round')} of {meta['seconds_per_run']:.0f} s; {load_note(meta)}")

    out = [
        measured_line(load, cost, ("variant", "page", "online"),
                      lambda m: (f"Measured {m['date']} by `benches/load/run` (run by `benches/figures`): the servers' CPU time "
                                 "(php-fpm, nginx, MariaDB, Redis; from /proc) per request of each kind, and for the live client "
                                 f"one wrk run of an online user's requests in proportion; {load_note(m)}."),
                      settings, "rows"),
        "",
        "| online | store | page | before: a tick a minute | live client | live ÷ before | its polls a minute | keepalive heartbeats a minute (answer) | heartbeats on change a minute |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    marks = run_marks(load, cost)
    for c in cost:
        m = c["mix"]
        answer = "full" if m["keepalive_kind"] == "first" else "unchanged"
        out.append(
            f"| {fmt_int(c['online'])}{mark(load, marks, c)} | {LOAD_LABELS.get(c['variant'], c['variant'])} | {c['page']} | {c['today_ms']:.1f} ms | {c['live_ms']:.1f} ms | "
            f"{c['live_ms'] / c['today_ms']:.2f} | {m['polls']:.0f} | {m['keepalives']:.2f} ({answer}) | {m['changes']:.2f} |")
    return "\n".join(out)


def cost_goal_text(load):
    cost = [c for c in load.get("cost") or [] if c["online"] in (2, 200, 2000)]
    if not cost:
        return "The live client's cost was not measured with 2, 200 or 2 000 online in this run."
    worst = max(c["live_ms"] / c["today_ms"] for c in cost)
    verdict = "meets" if worst <= 1 else "does not meet"
    onlines = ", ".join(fmt_int(o) for o in sorted({c["online"] for c in cost}))
    return (f"In {run_dates(load, cost)} (`benches/load/run`), with {onlines} online, the live client costs the "
            f"servers at most {worst:.2f}× the CPU per online user per minute of the client before it: it {verdict} the "
            "goal of ≤ 1×.")


def latency_text(latency):
    meta = latency["meta"]
    out = [
        f"Measured {meta['date']} by `benches/latency/run` (run by `benches/figures`): {meta['browsers']} editors in "
        f"Chromium, {meta['workers']} php-fpm workers, {plural(meta['rounds'], 'round')} of each change, "
        f"{fmt_int(meta['online'])} people online; load average {meta.get('load', 0):.1f} at the start"
        f"{busy_note(meta.get('load'))}. Milliseconds from the change reaching the server to the other editor's page "
        "showing it (p50 / p95 / max):",
        "",
        "| change | where it shows | " + " | ".join(STORE_LABELS.get(s, s) for s in meta["stores"]) + " |",
        "|---|---|" + "---:|" * len(meta["stores"]),
    ]
    for kind in latency["kinds"]:
        cells = []
        for store in meta["stores"]:
            r = latency["results"].get(store, {}).get(kind["key"])
            cells.append(f"{r['p50']:.0f} / {r['p95']:.0f} / {r['max']:.0f}" if r else "")
        out.append(f"| {kind['change']} | {kind['where']} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def latency_goal_text(latency):
    p95 = [r["p95"] for store in latency["results"].values() for r in store.values()]
    if not p95:
        return "The latency was not measured in this run."
    worst = max(p95)
    verdict = "meets" if worst <= 2000 else "does not meet"
    return (f"In the run of {latency['meta']['date']} (`benches/latency/run`) the slowest kind of change reaches the "
            f"other editor with a p95 of {worst / 1000:.2f} s: it {verdict} the goal of ≤ 2 s.")


# --- three stores through the plugin (benches/run-backends) -------------------------------------


def database_scale_text(d):
    out = [
        f"Measured {d['date']} by `benches/database-scale.php` (run by `benches/run-backends`): {fmt_int(d['rows'])} rows "
        f"({fmt_int(d['live'])} live) in MariaDB {d.get('server', '')}, median of {d['rounds']} rounds, the table "
        "before and after its `room_live` index; load average "
        f"{(d.get('load') or 0):.1f} at the start{busy_note(d.get('load'))}.",
        "",
        "| read | before | rows read | after | rows read | after ÷ before | same answer |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in d["results"].items():
        b, a = r["before"], r["after"]
        out.append(f"| {name} | {b['us'] / 1000:.2f} ms | {fmt_int(b['rows_read'])} | {a['us'] / 1000:.2f} ms | "
                   f"{fmt_int(a['rows_read'])} | {a['us'] / max(b['us'], 1e-9):.2f} | {'yes' if r['same_answer'] else 'NO'} |")
    return "\n".join(out)



def backends_text(b):
    res = b["results"]
    stores = [v for v in ("shm", "redis", "database") if v in res["unchanged"]]
    lines = [
        "| store | unchanged | Redis round trips / SQL queries | changed | Redis round trips / SQL queries |",
        "|---|---:|---:|---:|---:|",
    ]
    for v in stores:
        u, c = res["unchanged"][v], res["changed"][v]
        lines.append(f"| {STORE_LABELS[v]} | {fmt_ns(u['ns'])} | {u['ops']:.2f} | {fmt_ns(c['ns'])} | {c['ops']:.2f} |")
    lines.append("")
    for kind in ("unchanged", "changed"):
        x = res[kind]
        if all(v in x for v in ("shm", "redis", "database")):
            lines.append(f"{kind.capitalize()}: Redis takes {x['redis']['ns'] / x['shm']['ns']:.1f}× the time of shared "
                         f"memory, the database {x['database']['ns'] / x['redis']['ns']:.1f}× the time of Redis.")
    m = b.get("memory")
    if m:
        lines.append(f"Redis memory per entry (a {m['value_bytes']}-byte state as JSON): {m['used_memory_per_entry']:.0f} "
                     f"bytes of `used_memory` growth over {fmt_int(m['entries'])} entries; "
                     f"{m['room_keys_per_entry']:.0f} bytes by `MEMORY USAGE` of one room's four keys.")
    lines += ["", f"Measured {b['date']} by `benches/run-backends` (run by `benches/figures`): PHP {b['php']}, "
                  f"Redis {b.get('redis') or '?'} over loopback, MariaDB on a Unix socket, median of "
                  f"{plural(b['rounds'], 'round')} of {fmt_int(b['per_round'])} heartbeats, each round started by "
                  f"another store; load average at the start {b.get('load') or 0:.1f}{busy_note(b.get('load'))}."]
    return "\n".join(lines)


SURFACE_ANSWERS = [
    ("dashboard_full", "dashboard, full answer"),
    ("dashboard_unchanged", "dashboard, unchanged"),
    ("online_full", "another screen, full answer"),
    ("online_unchanged", "another screen, unchanged"),
]


def surfaces_text(surfaces):
    stores = [v for v in ("shm", "redis", "database") if v in surfaces]
    first = surfaces[stores[0]]
    p = first["people"]
    lines = [
        "| answer | " + " | ".join(STORE_LABELS[v] for v in stores) + " |",
        "|---|" + "---:|" * len(stores),
    ]
    for key, label in SURFACE_ANSWERS:
        cells = []
        for v in stores:
            a = surfaces[v]["answers"][key]
            queries = f"{a['queries']} {'query' if a['queries'] == 1 else 'queries'}"
            cells.append(f"{fmt_ns(a['time'] * 1000)}; {queries}; "
                         f"{fmt_int(a['bytes'])} B")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", f"{p['online']} people online ({p['listed']} listed), {p['editing']} posts being edited; the viewer an "
                  "administrator. Time is the best of "
                  f"{first['tries']} answers, each after a cold object cache; queries are `$wpdb->num_queries` inside the "
                  "answer; bytes are its JSON.",
              "",
              f"Measured {first['date']} by `benches/surfaces-heartbeat.php` (run on each store by "
              f"`benches/run-backends`, run by `benches/figures`): PHP {first['php']}, WordPress {first['wp']}; load "
              f"average at the start {first.get('load') or 0:.1f}{busy_note(first.get('load'))}."]
    return "\n".join(lines)


NETWORK_PARTS = [
    ("view", "the network view alone"),
    ("dashboard", "Who's online widget"),
    ("sites_list", "Sites list: Online cells of a page (20 sites)"),
    ("users_list", "Users list: Online view, filter, cells (20 users)"),
    ("rest", "REST: one page (50 sites)"),
]


def network_text(network):
    stores = [v for v in ("shm", "redis", "database") if v in network]
    first = network[stores[0]]
    lines = [
        "| part of the page | " + " | ".join(STORE_LABELS[v] for v in stores) + " |",
        "|---|" + "---:|" * len(stores),
    ]
    for key, label in NETWORK_PARTS:
        cells = []
        for v in stores:
            part = network[v]["parts"][key]
            q = part["queries"]
            others = q["sites"] + q["users"] + q["options"] + q["other"]
            presence = f"{q['presence']} presence {'query' if q['presence'] == 1 else 'queries'}"
            cells.append(f"{fmt_ns(part['time'] * 1000)}; {presence} (+ {others} of the network's own)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", f"{fmt_int(first['sites'])} sites, {fmt_int(first['people'])} people online on "
                  f"{fmt_int(first['online'])} of them; the viewer a super admin. Time is the best of {first['tries']} "
                  "runs, each after a cold object cache; a presence query is one on a presence table, the others are "
                  "the network's own (the site list, the network's options, the names of the sites the widget shows).",
              "",
              f"Measured {first['date']} by `benches/network-admin.php` (run on each store by `benches/run-network`, "
              f"run by `benches/figures`): PHP {first['php']}, WordPress {first['wp']}; load average at the start "
              f"{first.get('load') or 0:.1f}{busy_note(first.get('load'))}."]
    return "\n".join(lines)


# --- rewriting the documents ---------------------------------------------------------------------


def rewrite_blocks(paths, blocks):
    """Writes each block into every file that has its markers; a block no file has is an error."""
    texts = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            texts[path] = f.read()
    for name, body in blocks.items():
        pattern = re.compile(r"(<!-- figures:%s -->)(.*?)(<!-- /figures:%s -->)" % (re.escape(name), re.escape(name)), re.S)
        inline = "\n" not in body
        replacement = body if inline else "\n" + body + "\n"
        found = False
        for path, text in texts.items():
            if pattern.search(text):
                texts[path] = pattern.sub(lambda m: m.group(1) + replacement + m.group(3), text, count=1)
                found = True
        if not found:
            sys.exit(f"no block <!-- figures:{name} --> … <!-- /figures:{name} --> in {', '.join(paths)}")
    for path, text in texts.items():
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def read_json(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", required=True, help="directory of the benchmarks' JSON results")
    p.add_argument("--out", required=True, help="directory for the charts")
    p.add_argument("--readme", help="README.md (the headline block)")
    p.add_argument("--docs", help="docs/benchmarks.md (every other block)")
    a = p.parse_args()
    micro = read_json(os.path.join(a.results, "micro.json"))
    if micro is None:
        sys.exit(f"no micro.json in {a.results}: run benches/run with PRESENCE_BENCH_JSON first")
    if "apcu_unchanged_over_native_unchanged" not in micro["heartbeat"]["ratios"]:
        sys.exit(f"{a.results}/micro.json was measured before the like-for-like APCu variants: run benches/figures")
    load = read_json(os.path.join(a.results, "load.json"))
    backends = read_json(os.path.join(a.results, "backends.json"))
    surfaces = {v: s for v in ("shm", "redis", "database")
                if (s := read_json(os.path.join(a.results, f"surfaces-{v}.json"))) is not None}
    network = {v: n for v in ("shm", "redis", "database")
               if (n := read_json(os.path.join(a.results, f"network-{v}.json"))) is not None}
    os.makedirs(a.out, exist_ok=True)
    micro_chart(micro, os.path.join(a.out, "heartbeat.png"))
    blocks = {
        "headline": headline_text(micro, load, read_json(os.path.join(a.results, "latency.json"))),
        "micro": micro_text(micro),
        "floor-goal": floor_goal_text(micro),
    }
    if micro.get("scale"):
        scale_chart(micro, os.path.join(a.out, "scale.png"))
        blocks["scale"] = scale_text(micro)
        blocks["memory-goal"] = memory_goal_text(micro)
    if load:
        load_chart(load, os.path.join(a.out, "load.png"))
        blocks["load"] = load_text(load)
        blocks["load-goal"] = load_goal_text(load)
        blocks["load-noise"] = load_noise_text(load)
        blocks["lane"] = lane_text(load)
        blocks["lane-goal"] = lane_goal_text(load)
        blocks["cost"] = cost_text(load)
        blocks["cost-goal"] = cost_goal_text(load)
    latency = read_json(os.path.join(a.results, "latency.json"))
    if latency:
        blocks["latency"] = latency_text(latency)
        blocks["latency-goal"] = latency_goal_text(latency)
    if backends:
        blocks["backends"] = backends_text(backends)
    database_scale = read_json(os.path.join(a.results, "database-scale.json"))
    if database_scale:
        blocks["database-scale"] = database_scale_text(database_scale)
    if surfaces:
        blocks["surfaces"] = surfaces_text(surfaces)
    if network:
        blocks["network"] = network_text(network)
    paths = [x for x in (a.readme, a.docs) if x]
    if paths:
        rewrite_blocks(paths, blocks)
    print(f"charts in {a.out}" + (f"; {', '.join(paths)} rewritten ({', '.join(blocks)})" if paths else ""))


if __name__ == "__main__":
    main()
