"""Turns benchmark results into PNG charts and the README's figures.

    python benches/report.py --micro MICRO.json --load LOAD.json --out DIR --readme README.md

MICRO.json is written by benches/run (PRESENCE_BENCH_JSON), LOAD.json by benches/load/run. Charts
go to DIR; every block of README.md between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->`
is replaced by the text generated for NAME (tables and the sentences that quote numbers), so no
figure in the README is typed by hand. Run by benches/figures, which pins matplotlib.
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
    "floor": "#718096",
    "bare": "#a0aec0",
    "database": "#c05621",
    "redis": "#9b2c2c",
}
VARIANT_LABELS = {
    "native": "native (upsert + room read)",
    "native_unchanged": "native, unchanged room (upsert + version)",
    "apcu": "APCu, one locked array per room",
    "floor": "floor: PHP building the same arrays",
    "bare": "WordPress without presence",
    "native": "native (upsert + room read)",
    "database": "plugin, database fallback",
    "redis": "plugin, Redis",
}
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
    return f"{ns / 1000:.1f} µs" if ns >= 10_000 else f"{fmt_int(ns)} ns"


# --- micro-benchmark -----------------------------------------------------------------------------


def micro_chart(micro, path):
    hb = micro["heartbeat"]
    order = ["floor", "native", "native_unchanged", "apcu"]
    values = [hb["median_ns"][v] / 1000 for v in order]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    bars = ax.barh([VARIANT_LABELS[v] for v in order], values, color=[VARIANT_COLORS[v] for v in order])
    floor = hb["median_ns"]["floor"]
    for bar, v in zip(bars, order):
        ratio = hb["median_ns"][v] / floor
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f"  {bar.get_width():.1f} µs ({ratio:.2f}× floor)",
                va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("µs per heartbeat (median of alternating rounds; lower is better)")
    ax.set_xlim(0, max(values) * 1.45)
    ax.set_title(f"One heartbeat: write my entry, read my room of {hb['clients']} ({hb['rooms']} rooms)", fontsize=10)
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


def micro_text(micro):
    hb = micro["heartbeat"]
    m, r = hb["median_ns"], hb["ratios"]
    lines = [
        "| heartbeat variant | per heartbeat | |",
        "|---|---:|---|",
        f"| **native** — `presence_upsert()` + `presence_room()` | {fmt_ns(m['native'])} | "
        f"**{r['native_over_floor']:.2f}× the floor**, {r['apcu_over_native']:.1f}× faster than APCu |",
        f"| **native, unchanged room** — `presence_upsert()` + `presence_room_version()` | {fmt_ns(m['native_unchanged'])} | "
        f"**{r['apcu_over_unchanged']:.1f}× faster than APCu** |",
        f"| APCu, one locked array per room | {fmt_ns(m['apcu'])} | |",
        f"| floor — PHP building the same 20 entries, date formatted once | {fmt_ns(m['floor'])} | |",
        "",
        f"Measured {micro.get('date', '?')}: PHP {micro['php']}, APCu {micro['apcu']}, release build, "
        f"median of {plural(hb['rounds'], 'round')} of {fmt_int(hb['per_round'])}; load average at the start "
        f"{micro.get('load') or 0:.1f}{' (a busy machine: other work was running)' if (micro.get('load') or 0) > 1.5 else ''}.",
    ]
    return "\n".join(lines)


def floor_goal_text(micro):
    ratio = micro["heartbeat"]["ratios"]["native_over_floor"]
    verdict = "within" if ratio <= 1.3 else "not within"
    return f"In this run the native heartbeat is {ratio:.2f}× the floor: {verdict} the target of 1.3×."


def memory_goal_text(micro):
    rows = micro["scale"]
    used = max(r["bytes_per_live"] for r in rows)
    slot = max(r["bytes_per_slot"] for r in rows)
    return (f"Live entries use at most {used:.0f} bytes each (goal: ≤ 512 B); a segment budgets {slot:.0f} bytes "
            f"per entry slot, {'within' if slot <= 512 else 'above'} that goal.")


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
    return "\n".join(lines)


def headline_text(micro, load):
    r = micro["heartbeat"]["ratios"]
    text = (f"one heartbeat on the store costs {r['native_over_floor']:.2f}× what PHP needs merely to build the "
            f"20-entry answer, {r['apcu_over_native']:.1f}× less than APCu written the usual way")
    if load:
        lo, hi = native_ratio_range(load, [200, 2000])
        if lo is not None:
            text += (f"; through nginx and php-fpm, with 200 and 2 000 people online, WordPress answers heartbeats "
                     f"with presence at {lo:.2f}–{hi:.2f}× the rate it answers them without it")
    return text + " (see [Benchmark](#benchmark))."


# --- load harness --------------------------------------------------------------------------------


def load_rows(load):
    return load["rows"]


def native_ratio_range(load, onlines):
    ratios = [r["ratio_to_bare"] for r in load_rows(load)
              if r["variant"] == "native" and r["online"] in onlines and r["ratio_to_bare"] is not None]
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
    meta = load["meta"]
    fig.suptitle(f"Heartbeats through nginx + php-fpm ({meta['php_workers']} workers) + MariaDB, "
                 f"wrk with {meta['connections']} connections, {meta['cores']} cores; median of {meta['rounds']} alternating rounds",
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

    def table(cell):
        out = [head, sep]
        for online, scenario in keys:
            cells = [cell(by[(online, scenario, v)]) if (online, scenario, v) in by else "" for v in variants]
            out.append(f"| {fmt_int(online)} | {SCENARIO_LABELS[scenario]} | " + " | ".join(cells) + " |")
        return "\n".join(out)

    def rps(r):
        ratio = "" if r["variant"] == "bare" or r["ratio_to_bare"] is None else f" ({r['ratio_to_bare']:.2f}×)"
        return f"{r['rps']:.0f}{ratio}"

    errors = sum(r["errors"] for r in rows)
    requests = sum(r["requests"] for r in rows)
    meta = load["meta"]
    parts = [
        f"Measured {meta['date']}: PHP {meta['php']}, {meta['php_workers']} php-fpm workers, {meta['cores']} cores shared "
        f"with MariaDB, nginx and wrk ({meta['connections']} connections), median of {plural(meta['rounds'], 'round')} of "
        f"{meta['seconds_per_run']:.0f} s; {load_note(meta)}.",
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
    return "\n".join(parts)


def load_goal_text(load):
    lo, hi = native_ratio_range(load, [200, 2000])
    if lo is None:
        return "The load results do not include 200 or 2 000 online."
    verdict = "meets" if lo >= 0.97 else "does not meet"
    return (f"At 200 and 2 000 online the plugin on the extension answers at {lo:.2f}–{hi:.2f}× bare WordPress's "
            f"rate: this run {verdict} the goal of ≥ 0.97× in every kind of tick.")


# --- README --------------------------------------------------------------------------------------


def rewrite_readme(path, blocks):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for name, body in blocks.items():
        pattern = re.compile(r"(<!-- figures:%s -->)(.*?)(<!-- /figures:%s -->)" % (name, name), re.S)
        if not pattern.search(text):
            sys.exit(f"{path} has no block <!-- figures:{name} --> … <!-- /figures:{name} -->")
        inline = "\n" not in body
        replacement = body if inline else "\n" + body + "\n"
        text = pattern.sub(lambda m: m.group(1) + replacement + m.group(3), text, count=1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--micro", required=True)
    p.add_argument("--load")
    p.add_argument("--out", required=True)
    p.add_argument("--readme")
    a = p.parse_args()
    with open(a.micro) as f:
        micro = json.load(f)
    load = None
    if a.load and os.path.exists(a.load):
        with open(a.load) as f:
            load = json.load(f)
    os.makedirs(a.out, exist_ok=True)
    micro_chart(micro, os.path.join(a.out, "heartbeat.png"))
    scale_chart(micro, os.path.join(a.out, "scale.png"))
    blocks = {
        "headline": headline_text(micro, load),
        "micro": micro_text(micro),
        "floor-goal": floor_goal_text(micro),
        "scale": scale_text(micro),
        "memory-goal": memory_goal_text(micro),
    }
    if load:
        load_chart(load, os.path.join(a.out, "load.png"))
        blocks["load"] = load_text(load)
        blocks["load-goal"] = load_goal_text(load)
    if a.readme:
        rewrite_readme(a.readme, blocks)
    print(f"charts in {a.out}" + (f"; {a.readme} rewritten ({', '.join(blocks)})" if a.readme else ""))


if __name__ == "__main__":
    main()
