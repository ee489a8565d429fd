#!/usr/bin/env python3
"""The CUDA backend's whole verdict in one command on a lent GPU machine.

    python3 kernels/gpu_check/gpu_check.py [--dry-run] [--out DIR]

Needs the bundle that kernels/gpu_check/make_bundle.sh builds on a
development machine (gpu-bundle/: a stripped moe-cli and the shared libraries
the GPU machine lacks); builds nothing itself. In order, under one deadline
(540 s, so one 10-minute command holds it with room to spare):

  1. the device, driver and free disk; the bundle resolves its libraries;
  2. starts making the benchmark models in the background at once;
  3. every op check (one per kernel family) and every model check (one per
     architecture x type) as its own process under a timeout, one JSON line
     each: a kernel fault ends only its own process;
  4. benchmarks qwen3-30b-a3b Q4_K first, then olmoe-1b-7b Q8_0, then the
     decode step with CUDA graphs off;
  5. times each kernel family with CUDA events at Qwen3-30B-A3B's shapes
     (earlier, while the models are still being made);
  6. writes at most three files to --out ($OUT by default): results.json,
     logs.tar.gz and summary.md, printed last.

--dry-run runs the same steps on a machine without a GPU on the CPU backend
(the CPU checked against itself, tiny stand-ins for the benchmark models) in
a clean environment: it proves the bundle starts with nothing but its folder
and prints the summary in the format a GPU run prints.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUNDLE = os.path.join(ROOT, "gpu-bundle")
DEADLINE_S = 540
RESERVE_S = 12  # for the summary and the archive
SYSTEM_LIBS = ("linux-vdso", "ld-linux", "libc.", "libm.", "libpthread.", "libdl.", "librt.", "libresolv.")
TOOLKIT_LIBS = ("libcublas", "libcuda.")

# (preset, arch for tiny presets, quant): the GPU run's models and the dry run's stand-ins
BENCH_MODELS = [("qwen3-30b-a3b", "", "Q4_K"), ("olmoe-1b-7b", "", "Q8_0")]
DRY_MODELS = [("tiny", "qwen3moe", "Q4_K"), ("tiny", "olmoe", "Q8_0")]


def now():
    return time.monotonic()


class Check:
    def __init__(self, args):
        self.dry = args.dry_run
        self.backend = "cpu" if self.dry else "cuda"
        self.t0 = now()
        self.deadline = args.deadline
        self.out = os.path.abspath(args.out)
        os.makedirs(self.out, exist_ok=True)
        self.logs = tempfile.mkdtemp(prefix="moe-gpu-check-logs-")
        self.home = tempfile.mkdtemp(prefix="moe-gpu-check-home-")
        global BUNDLE
        BUNDLE = os.path.abspath(args.bundle)
        self.cli = os.path.join(BUNDLE, "moe-cli")
        self.steps = []
        # the only environment moe-cli gets: nothing from the caller's shell
        self.env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": self.home, "XDG_DATA_HOME": self.home,
                    "TMPDIR": tempfile.gettempdir(), "LD_LIBRARY_PATH": os.path.join(BUNDLE, "lib")}
        self.device = {}
        self.bundle = {}
        self.models = {}  # "preset quant" -> {"path", "ok", "seconds", "error"}
        self.lock = threading.Lock()

    def elapsed(self):
        return now() - self.t0

    def left(self):
        return self.deadline - self.elapsed()

    def say(self, text):
        print(f"[{self.elapsed():5.0f} s] {text}", flush=True)

    # ---- one step: a process under a timeout, its output kept as a log --------------------

    def run(self, name, kind, argv, timeout, parse="line", extra_env=None, record=True):
        budget = min(timeout, self.left() - RESERVE_S)
        step = {"step": name, "kind": kind, "ok": False, "seconds": 0.0, "error": ""}
        if budget < 3:
            step["error"] = "skipped: the 540 s deadline was reached"
            step["skipped"] = True
        else:
            env = dict(self.env, **(extra_env or {}))
            log = os.path.join(self.logs, name.replace(":", "_").replace(" ", "_").replace("/", "_") + ".log")
            t = now()
            try:
                p = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   timeout=budget)
                out, err, rc = p.stdout, p.stderr, p.returncode
            except subprocess.TimeoutExpired as e:
                out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
                rc = None
            step["seconds"] = round(now() - t, 2)
            with open(log, "w") as f:
                f.write(f"$ {' '.join(argv)}\n--- stdout\n{out}\n--- stderr\n{err}\n")
            result = None
            try:
                if parse == "line":
                    lines = [l for l in out.splitlines() if l.strip()]
                    result = json.loads(lines[-1]) if lines else None
                elif parse == "json":
                    result = json.loads(out) if out.strip() else None
            except (ValueError, IndexError):
                result = None
            step["rc"] = rc
            if result is not None:
                step["result"] = result
            if rc is None:
                step["error"] = f"timed out after {budget:.0f} s"
            elif rc < 0:
                step["error"] = f"killed by signal {-rc}"
            elif result is None and parse:
                tail = " ".join(err.strip().splitlines()[-3:])[-300:]
                step["error"] = f"exit {rc}, no result" + (f": {tail}" if tail else "")
            elif isinstance(result, dict) and result.get("error"):
                step["error"] = result["error"]
            step["ok"] = rc == 0 and (not parse or (result is not None and
                                                   (not isinstance(result, dict) or result.get("ok", True))))
        if record:
            self.steps.append(step)
            self.say(f"{name}: {'ok' if step['ok'] else 'FAIL'} ({step['seconds']:.1f} s)"
                     + (f" {step['error'][:160]}" if step["error"] else ""))
        return step

    # ---- 1. device, driver, disk, bundle ----------------------------------------------------

    def find_cublas(self, sonames):
        """A folder holding the cuBLAS the binary was linked against, or None (system path)."""
        if not sonames:
            return None
        want = sonames[0]
        dirs = ["/usr/local/cuda/lib64", "/usr/local/cuda/lib", "/usr/local/cuda/targets/x86_64-linux/lib"]
        dirs += sorted(d + "/lib64" for d in (os.path.join("/usr/local", n) for n in os.listdir("/usr/local"))
                       if os.path.basename(d).startswith("cuda-"))
        import site
        for sp in site.getsitepackages() + [os.path.join(sys.prefix, "lib")]:
            for sub in ("nvidia/cu13/lib", "nvidia/cublas/lib", "nvidia/cu12/lib"):
                dirs.append(os.path.join(sp, sub))
        for d in dirs:
            if os.path.exists(os.path.join(d, want)):
                return d
        return None

    def check_bundle(self):
        b = {"path": BUNDLE, "ok": False}
        if not os.path.exists(self.cli):
            b["error"] = "gpu-bundle/moe-cli is missing: run kernels/gpu_check/make_bundle.sh on the development machine"
            self.bundle = b
            return False
        b["bytes"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(BUNDLE) for f in fs)
        manifest = os.path.join(BUNDLE, "MANIFEST")
        b["manifest"] = open(manifest).read().strip().splitlines() if os.path.exists(manifest) else []

        def ldd():
            p = subprocess.run(["ldd", self.cli], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
            rows = []
            for line in p.stdout.splitlines():
                parts = line.split()
                if len(parts) >= 3 and parts[1] == "=>":
                    rows.append((parts[0], parts[2]))
            return rows

        rows = ldd()
        cublas = self.find_cublas([n for n, path in rows if n.startswith("libcublas.") and path == "not"])
        if cublas:
            self.env["LD_LIBRARY_PATH"] += ":" + cublas
            b["cublas_dir"] = cublas
        version = subprocess.run([self.cli, "--version"], env=self.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
        if version.returncode != 0 and "GLIBCXX" in version.stdout:
            # this machine's libstdc++ is older than the build's: use the bundle's own
            self.env["LD_LIBRARY_PATH"] += ":" + os.path.join(BUNDLE, "lib", "fallback")
            b["fallback_libstdcxx"] = True
            version = subprocess.run([self.cli, "--version"], env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        b["version"] = version.stdout.strip()
        rows = ldd()
        missing = [n for n, path in rows if path == "not"]
        outside = [f"{n} ({path})" for n, path in rows if path != "not" and not path.startswith(BUNDLE)
                   and not n.startswith(SYSTEM_LIBS + TOOLKIT_LIBS + ("libstdc++", "libgcc_s"))]
        b["libraries"] = {n: ("bundle" if path.startswith(BUNDLE) else path) for n, path in rows}
        b["missing"] = missing
        b["outside_bundle"] = outside
        b["ok"] = version.returncode == 0 and not missing and not outside
        if not b["ok"]:
            b["error"] = (f"moe-cli does not start: {version.stdout.strip()[:300]}" if version.returncode != 0 else
                          f"libraries not found: {', '.join(missing)}" if missing else
                          f"non-system libraries from outside the bundle: {', '.join(outside)}")
        self.bundle = b
        return b["ok"]

    def describe_device(self):
        d = {"mode": "dry run (no GPU: the CPU backend checked against itself)" if self.dry else "gpu"}
        if shutil.which("nvidia-smi"):
            q = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,memory.free,clocks.max.sm",
                                "--format=csv,noheader"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            d["nvidia_smi"] = q.stdout.strip()
            full = subprocess.run(["nvidia-smi"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            with open(os.path.join(self.logs, "nvidia-smi.txt"), "w") as f:
                f.write(full.stdout)
        else:
            d["nvidia_smi"] = "nvidia-smi not found"
        d["cpus"] = os.cpu_count()
        # the models go where the most disk is free
        best = None
        for c in [os.environ.get("MOE_MODEL_DIR"), "/tmp", ROOT, self.home]:
            if c and os.path.isdir(c):
                free = shutil.disk_usage(c).free
                if best is None or free > best[1]:
                    best = (c, free)
        self.model_dir = os.path.join(best[0], "moe-gpu-check-models")
        os.makedirs(self.model_dir, exist_ok=True)
        d["model_dir"] = self.model_dir
        d["free_disk_gb"] = round(best[1] / 1e9, 1)
        self.device = d
        self.say(f"device: {d['nvidia_smi']}; {d['cpus']} CPUs; {d['free_disk_gb']} GB free in {best[0]}")

    # ---- 2. the benchmark models, made in the background ------------------------------------

    def model_key(self, m):
        preset, arch, quant = m
        return f"{preset}{'-' + arch if arch else ''} {quant}"

    def make_models(self, models):
        for m in models:
            preset, arch, quant = m
            key = self.model_key(m)
            path = os.path.join(self.model_dir, f"{key.replace(' ', '-')}.gguf")
            argv = [self.cli, "make-model", "--preset", preset, "--quant", quant, "-t", str(os.cpu_count() or 4),
                    "-o", path]
            if arch:
                argv[2:2] = ["--arch", arch]
            t = now()
            with open(os.path.join(self.logs, f"make-model_{key.replace(' ', '_')}.log"), "w") as log:
                try:
                    p = subprocess.run(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                       timeout=max(1, self.left() - RESERVE_S))
                    rc = p.returncode
                except subprocess.TimeoutExpired:
                    rc = None
            with self.lock:
                self.models[key] = {"path": path, "ok": rc == 0, "seconds": round(now() - t, 1),
                                    "error": "" if rc == 0 else ("timed out" if rc is None else f"exit {rc}")}
            self.say(f"made {key}: {'ok' if rc == 0 else 'FAILED'} ({now() - t:.0f} s)")

    def wait_model(self, key):
        while self.left() > RESERVE_S + 5:
            with self.lock:
                if key in self.models:
                    return self.models[key]
            time.sleep(0.5)
        return None

    # ---- the whole run ------------------------------------------------------------------------

    def main(self):
        self.describe_device()
        if not self.check_bundle():
            self.say(f"bundle: {self.bundle.get('error')}")
            return self.finish()
        self.say(f"bundle: {self.bundle['version']}, {self.bundle['bytes'] / 1e6:.1f} MB, every non-system library "
                 f"from the bundle{' (cuBLAS from ' + self.bundle['cublas_dir'] + ')' if 'cublas_dir' in self.bundle else ''}")
        cli = self.cli
        models = DRY_MODELS if self.dry else BENCH_MODELS
        maker = threading.Thread(target=self.make_models, args=(models,), daemon=True)
        maker.start()

        ids = subprocess.run([cli, "selftest", "--list"], env=self.env, stdout=subprocess.PIPE, text=True).stdout.split()
        check_timeout = 60 if self.dry else 90
        for cid in [i for i in ids if i.startswith("op:")] + [i for i in ids if i.startswith("model:")]:
            self.run(cid, cid.split(":")[0], [cli, "selftest", "--backend", self.backend, "--check", cid], check_timeout)

        timings = [i for i in ids if i.startswith("time:")]
        reps = "2" if self.dry else "50"

        def time_kernels():
            for tid in timings:
                self.run(tid, "time", [cli, "selftest", "--backend", self.backend, "--check", tid, "--reps", reps], 90)
            timings.clear()

        first = self.model_key(models[0])
        with self.lock:
            ready = first in self.models
        if not ready:
            time_kernels()  # while the first model is still being made
        bench = ["-p", "512", "-n", "128", "-r", "3"] if not self.dry else ["-p", "32", "-n", "16", "-r", "1"]
        for i, m in enumerate(models):
            key = self.model_key(m)
            made = self.wait_model(key)
            name = f"bench {key}"
            if not made or not made["ok"]:
                self.steps.append({"step": name, "kind": "bench", "ok": False, "seconds": 0.0,
                                   "error": f"model not made: {made['error'] if made else 'deadline'}"})
                self.say(f"{name}: FAIL (model not made)")
                continue
            self.run(name, "bench", [cli, "bench", made["path"], "--backend", self.backend, *bench, "--json",
                                     "--no-record"], 200 if i == 0 else 120, parse="json")
            if i == 0:
                # the same decode step without the CUDA graph
                short = ["-p", "16", "-n", "64", "-r", "1"] if not self.dry else ["-p", "8", "-n", "8", "-r", "1"]
                self.run(f"bench {key} graphs off", "bench",
                         [cli, "bench", made["path"], "--backend", self.backend, *short, "--json", "--no-record"], 90,
                         parse="json", extra_env={"MOE_CUDA_GRAPHS": "0"})
        # keep the order of the summary: benchmarks of the first model, then the second
        time_kernels()
        return self.finish()

    def finish(self):
        results = {"mode": "dry-run" if self.dry else "gpu", "backend": self.backend,
                   "seconds": round(self.elapsed(), 1), "deadline_s": self.deadline, "device": self.device,
                   "bundle": self.bundle, "models": self.models, "steps": self.steps}
        with open(os.path.join(self.out, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
        with tarfile.open(os.path.join(self.out, "logs.tar.gz"), "w:gz") as tar:
            tar.add(self.logs, arcname="logs")
        text = summary(results)
        with open(os.path.join(self.out, "summary.md"), "w") as f:
            f.write(text)
        print("\n" + text, flush=True)
        shutil.rmtree(self.logs, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)
        ok = self.bundle.get("ok") and self.steps and all(s["ok"] for s in self.steps)
        return 0 if ok else 1


# ---- the summary: the same text for a GPU run and a dry run --------------------------------------

def fmt_num(v, spec=".3g"):
    return format(v, spec) if isinstance(v, (int, float)) else "?"


def dig(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def summary(r):
    steps = r["steps"]
    ops = [s for s in steps if s["kind"] == "op"]
    mods = [s for s in steps if s["kind"] == "model"]
    benches = [s for s in steps if s["kind"] == "bench"]
    times = [s for s in steps if s["kind"] == "time"]
    checks = ops + mods
    failed = [s for s in checks if not s["ok"]]
    lines = []
    if not r["bundle"].get("ok"):
        verdict = f"NOT RUN: {r['bundle'].get('error', 'the bundle does not start')}"
    elif failed:
        verdict = f"FAIL: {len(failed)} of {len(checks)} checks failed"
    elif not checks:
        verdict = "NOT RUN: no checks ran"
    else:
        verdict = f"PASS: all {len(checks)} checks passed ({len(ops)} op families, {len(mods)} models)"
    lines.append(f"# CUDA backend check ({r['mode']}): {verdict}")
    lines.append("")
    dev = r["device"]
    b = r["bundle"]
    lines.append(f"- device: {dev.get('nvidia_smi', '?')}; {dev.get('cpus', '?')} CPUs; "
                 f"{dev.get('free_disk_gb', '?')} GB free for models")
    lines.append(f"- backend under test: {r['backend']} ({dev.get('mode', '?')})")
    if b.get("ok"):
        libs = sorted(n for n, w in b.get("libraries", {}).items() if w == "bundle")
        cublas = sorted(f"{n} ({w})" for n, w in b.get("libraries", {}).items() if n.startswith("libcublas"))
        lines.append(f"- bundle: {b.get('version', '?')}, {b.get('bytes', 0) / 1e6:.1f} MB; from the bundle: "
                     f"{', '.join(libs) or 'none'}; from the machine: {', '.join(cublas) or 'no cuBLAS'}")
    else:
        lines.append(f"- bundle: {b.get('error', '?')}")
    lines.append(f"- time: {r['seconds']:.0f} s of {r['deadline_s']} s")
    lines.append("")

    lines.append(f"## Op checks ({sum(1 for s in ops if s['ok'])} of {len(ops)} families pass)")
    lines.append("")
    lines.append("| family | checks | worst error / tolerance | result | seconds |")
    lines.append("|---|---|---|---|---|")
    for s in ops:
        rows = dig(s, "result", "ops") or []
        worst = None
        for c in rows:
            e, tol = c.get("error"), c.get("tol", 0)
            if not isinstance(e, (int, float)):
                worst = (c.get("op"), float("inf"), tol)
                break
            ratio = e / tol if tol > 0 else (0.0 if e == 0 else float("inf"))
            if worst is None or ratio > worst[1]:
                worst = (c.get("op"), ratio, tol)
        bad = [c.get("op") for c in rows if not c.get("ok")]
        res = "ok" if s["ok"] else ("FAIL: " + (s["error"] or ", ".join(bad[:3]) + (" ..." if len(bad) > 3 else "")))
        w = "-" if worst is None else f"{fmt_num(worst[1], '.2g')} ({worst[0]})"
        lines.append(f"| {s['step'][3:]} | {len(rows)} | {w} | {res} | {s['seconds']:.1f} |")
    lines.append("")

    archs, types, cells = [], [], {}
    for s in mods:
        _, arch, typ = s["step"].split(":")
        archs += [arch] if arch not in archs else []
        types += [typ] if typ not in types else []
        res = s.get("result") or {}
        if s["ok"]:
            cell = "ok"
        elif s["error"]:
            cell = "error" if "timed out" not in s["error"] and "signal" not in s["error"] else s["error"].split(" after")[0]
        else:
            why = []
            if abs(res.get("nll_cpu", 0) - res.get("nll_test", 0)) > 1e-2:
                why.append(f"NLL {abs(res.get('nll_cpu', 0) - res.get('nll_test', 0)):.2g}")
            if res.get("routing_mismatch"):
                why.append(f"top-k {res['routing_mismatch']}/{res.get('routing_frames')}")
            if res.get("greedy_steps") and res.get("greedy_match") != res.get("greedy_steps"):
                why.append(f"greedy {res.get('greedy_match')}/{res.get('greedy_steps')}")
            cell = "FAIL " + ", ".join(why)
        cells[(arch, typ)] = cell
    lines.append(f"## Model checks ({sum(1 for s in mods if s['ok'])} of {len(mods)} pass: NLL within 1e-2, top-k sets "
                 f"equal but for near-ties, greedy tokens equal on F32)")
    lines.append("")
    lines.append("| arch | " + " | ".join(types) + " |")
    lines.append("|---|" + "---|" * len(types))
    for a in archs:
        lines.append(f"| {a} | " + " | ".join(cells.get((a, t), "-") for t in types) + " |")
    lines.append("")

    bw = None
    lines.append("## Benchmarks")
    lines.append("")
    lines.append("| run | prompt tok/s | decode tok/s | weight bytes/token | achieved GB/s | copy GB/s | share | seconds |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for s in benches:
        res = s.get("result") or {}
        if not s["ok"]:
            lines.append(f"| {s['step'][6:]} | FAIL: {s['error'][:120]} | | | | | | {s['seconds']:.0f} |")
            continue
        bw = bw or res.get("memory_bandwidth_gb_per_s")
        wb = res.get("weight_bytes_per_token")
        lines.append(f"| {s['step'][6:]} | {fmt_num(dig(res, 'prompt_tokens_per_s', 'mean'), '.1f')} | "
                     f"{fmt_num(dig(res, 'gen_tokens_per_s', 'mean'), '.1f')} | "
                     f"{fmt_num(wb / 1e6 if isinstance(wb, (int, float)) else None, '.1f')} MB | "
                     f"{fmt_num(res.get('achieved_gb_per_s'), '.1f')} | {fmt_num(res.get('memory_bandwidth_gb_per_s'), '.0f')} | "
                     f"{fmt_num(100 * res['bandwidth_share'] if isinstance(res.get('bandwidth_share'), (int, float)) else None, '.1f')} % | "
                     f"{s['seconds']:.0f} |")
    lines.append("")

    lines.append("## Kernel timings (Qwen3-30B-A3B shapes, per call)")
    lines.append("")
    lines.append("| op | ms | GB/s | share of copy bandwidth |")
    lines.append("|---|---|---|---|")
    for s in times:
        if not s["ok"] and not dig(s, "result", "timings"):
            lines.append(f"| {s['step'][5:]} | FAIL: {s['error'][:120]} | | |")
            continue
        for t in dig(s, "result", "timings") or []:
            g = t.get("gb_per_s", 0)
            share = f"{100 * g / bw:.1f} %" if g and bw else "-"
            lines.append(f"| {t.get('op')} | {fmt_num(t.get('ms'), '.4f')} | {fmt_num(g, '.1f') if g else '-'} | {share} |")
    lines.append("")

    bad = [s for s in steps if not s["ok"]]
    lines.append(f"## Failures ({len(bad)})")
    lines.append("")
    for s in bad:
        detail = s["error"]
        if not detail and s["kind"] == "op":
            detail = "; ".join(f"{c.get('op')}: {c.get('error')} > {c.get('tol')}" for c in dig(s, "result", "ops") or []
                               if not c.get("ok"))[:400]
        lines.append(f"- {s['step']}: {detail or 'see logs.tar.gz'}")
    if not bad:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="no GPU: the CPU backend and tiny stand-in models")
    ap.add_argument("--out", default=os.environ.get("OUT") or os.path.join(ROOT, "gpu-results"),
                    help="results folder (default: $OUT, else gpu-results/)")
    ap.add_argument("--deadline", type=int, default=DEADLINE_S, help="seconds for the whole run")
    ap.add_argument("--bundle", default=BUNDLE, help="the bundle folder (default: gpu-bundle/)")
    ap.add_argument("--summary", metavar="RESULTS_JSON", help="only print the summary of an earlier run")
    args = ap.parse_args()
    if args.summary:
        print(summary(json.load(open(args.summary))), end="")
        return 0
    return Check(args).main()


if __name__ == "__main__":
    sys.exit(main())
