#!/usr/bin/env python3
"""bench.py — siteaudit's benchmark suite; run it through scripts/bench/run, which installs
the packages and builds the programs first.

  scripts/bench/run [SECTION ...] [--quick] [--reps N] [options]

Sections (default: runtime http audit slow):
  runtime   runtime microbenchmarks, C++ (runtime_bench) next to Go 1.19 (go/runtime)
  http      HttpClient (http_bench) vs curl --parallel vs wrk against nginx, N = 16/64/256
  audit     siteaudit vs the Go pool vs curl vs wget2 vs wrk, 20,000 and 100,000 URLs
  audit1m   siteaudit and the Go pool on 1,000,000 URLs (sitemap index) and 100,000 for growth
  audit10m  siteaudit and the Go pool on 10,000,000 URLs: an index of 200 gzip'd sitemaps
            of 50,000 URLs (26 MB, generated once), whose pages nginx answers from one
            location block; the JSON report (about 6 GB, under out/, deleted after) is
            counted in a stream, its size and write time recorded; --reps-10m (default 1);
            --quick: 1,000,000 URLs in 200 children, a smoke test
  slow      fixture server answering after 1 s, 10,000 URLs, 10,000 workers;
            --slow-server nginx: nginx answering after the delay (echo module) instead
  crawl     siteaudit --crawl vs wget2 --spider -r, linkinator, LinkChecker and
            broken-link-checker crawling a linked site from its root, 20,000 and 100,000
            pages, each counted by the pages it requested (nginx's access log); --perf
            adds a perf profile of siteaudit's crawl
  all       every section above but audit10m and crawl

Every comparison alternates its contestants run by run (A B C A B C ...), so drift on a busy
machine hits all of them alike; figures are medians. Raw figures go to
scripts/bench/out/results-<time>.json (and latest.json); the Markdown tables to latest.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.path.join(ROOT, "build", "bench")
OUT = os.path.join(HERE, "out")
SITES = os.path.join(HERE, "sites")
sys.path.insert(0, HERE)
import gen_site  # noqa: E402

BIN = {
    "siteaudit": os.path.join(BUILD, "siteaudit"),
    "runtime_bench": os.path.join(BUILD, "scripts", "bench", "runtime_bench"),
    "http_bench": os.path.join(BUILD, "scripts", "bench", "http_bench"),
    "go_runtime": os.path.join(BUILD, "go", "runtime"),
    "go_pool": os.path.join(BUILD, "go", "pool"),
}
GO_ENV = {"GOMAXPROCS": "2"}
KIB = 1024
MIB = 1024 * 1024


def log(*args):
    print("bench:", *args, file=sys.stderr, flush=True)


# --- measuring one process -------------------------------------------------------------------

class Run:
    """One measured process: wall seconds, CPU seconds, peak RSS, exit status, output."""

    def __init__(self, wall, user, sys_, rss_kib, status, stdout, stderr, timed_out=False):
        self.wall, self.user, self.sys, self.rss_kib = wall, user, sys_, rss_kib
        self.status, self.stdout, self.stderr = status, stdout, stderr
        self.timed_out = timed_out

    @property
    def cpu(self):
        return self.user + self.sys


def measure(cmd, env=None, cwd=None, timeout=3600, stop_on_timeout=False, sampler=None):
    """Runs `cmd` under /usr/bin/time -v; wall time is measured here (time -v rounds to 10 ms).
    stop_on_timeout: at `timeout`, SIGINT the command's process group (time -v ignores it and
    still reports; SIGKILL 10 s later) and return the run marked timed_out, instead of raising.
    sampler: an object whose start(popen, t0) is called once the command runs and stop() when
    it has exited (ProcessSampler)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tfile:
        full_env = dict(os.environ)
        full_env.update(env or {})
        start = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-v", "-o", tfile.name] + cmd, env=full_env,
                             cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=stop_on_timeout)
        if sampler:
            sampler.start(p, start)
        timed_out = False
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if not stop_on_timeout:
                p.kill()
                p.communicate()
                raise
            timed_out = True
            os.killpg(p.pid, signal.SIGINT)
            try:
                out, err = p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                out, err = p.communicate()
        wall = time.perf_counter() - start
        if sampler:
            sampler.stop()
        text = tfile.read()

    def field(name):
        m = re.search(re.escape(name) + r":\s*([0-9.]+)", text)
        return float(m.group(1)) if m else float("nan")

    rss = field("Maximum resident set size (kbytes)")
    run = Run(wall, field("User time (seconds)"), field("System time (seconds)"),
              int(rss) if rss == rss else 0, p.returncode,
              out.decode(errors="replace"), err.decode(errors="replace"), timed_out)
    # Preemptions: on a shared machine, how often others' work took the CPU from this one.
    run.involuntary_switches = field("Involuntary context switches")
    return run


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rotate(items, k):
    k %= len(items)
    return items[k:] + items[:k]


# --- servers, started here and stopped by PID ------------------------------------------------

def free_port(preferred):
    for port in [preferred] + list(range(preferred + 1, preferred + 50)):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("bench: no free port near %d" % preferred)


def wait_for_port(port, proc, what):
    for _ in range(200):  # 10 s
        if proc.poll() is not None:
            raise SystemExit(f"bench: {what} exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"bench: {what} did not listen on {port}")


def stop(proc, sig=signal.SIGTERM):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Nginx:
    """nginx serving `root` on 127.0.0.1:port: one worker, keep-alive, no access log unless
    `access_log` names a file (unbuffered "METHOD PATH STATUS" lines, for the crawl section);
    `headers` are nginx directives added to the one location (e.g. add_header);
    `keep_error_log` is where nginx's error log is copied when it stops; `locations` are
    location blocks put before the one that serves files (the audit10m section's pages);
    `log_format` replaces the access log's line format; `modules` are load_module lines and
    `connections` is worker_connections (the slow section's nginx)."""

    def __init__(self, root, port, access_log=None, headers="", keep_error_log=None,
                 locations="", log_format="$request_method $request_uri $status", modules="",
                 connections=8192):
        self.root, self.port = root, port
        self.prefix = tempfile.mkdtemp(prefix="siteaudit-nginx-")
        template = open(os.path.join(HERE, "nginx.conf.in")).read()
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        self.keep_error_log = keep_error_log
        log_conf = "access_log off;"
        if access_log:
            log_conf = (f"log_format crawl '{log_format}';\n"
                        f"  access_log {access_log} crawl;")
        conf = (template.replace("@ROOT@", root).replace("@PORT@", str(port))
                .replace("@PREFIX@", self.prefix).replace("@NOFILE@", str(min(nofile, 65536)))
                .replace("@ACCESS_LOG@", log_conf).replace("@HEADERS@", headers)
                .replace("@LOCATIONS@", locations).replace("@MODULES@", modules)
                .replace("@CONNECTIONS@", str(connections)))
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(["nginx", "-p", self.prefix, "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.proc, "nginx")
        log(f"nginx pid {self.proc.pid} serving {self.root} on 127.0.0.1:{self.port}")
        return self

    def __exit__(self, *exc):
        stop(self.proc, signal.SIGQUIT)  # graceful: the master waits for its worker
        if self.keep_error_log:
            try:
                shutil.copyfile(os.path.join(self.prefix, "error.log"), self.keep_error_log)
            except OSError as e:
                log(f"warning: nginx's error log not kept: {e}")
        shutil.rmtree(self.prefix, ignore_errors=True)


class FixtureServer:
    """fixtures/server/server.py with --delay-all; stopped by PID."""

    def __init__(self, root, delay_ms):
        self.root, self.delay_ms, self.proc, self.port = root, delay_ms, None, None

    def __enter__(self):
        python, loop = self.interpreter()
        self.proc = subprocess.Popen(
            [python, os.path.join(ROOT, "fixtures", "server", "server.py"), "--quiet",
             "--root", self.root, "--delay-all", str(self.delay_ms), "--event-loop", loop],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            stop(self.proc)
            raise SystemExit("bench: fixture server did not print its port")
        self.port = int(line.split()[1])
        log(f"fixture server pid {self.proc.pid} on 127.0.0.1:{self.port}, "
            f"delay {self.delay_ms} ms, {loop} loop ({python})")
        return self

    @staticmethod
    def interpreter():
        """uvloop (python3-uvloop, installed by scripts/bench/run) when Debian's python3 has it:
        the one-process server opens 10,000 fresh connections per run on the 2 cores the clients
        use, and uvloop takes about a third off that CPU. Else asyncio's own loop."""
        debian = "/usr/bin/python3"
        for python in dict.fromkeys((sys.executable, debian)):
            if os.path.exists(python) and subprocess.run(
                    [python, "-c", "import uvloop"], capture_output=True).returncode == 0:
                return python, "uvloop"
        log("warning: no python3 with uvloop (apt-get install python3-uvloop); the fixture "
            "server runs on asyncio's loop and takes more of the clients' CPU")
        return sys.executable, "asyncio"

    def stats(self, reset=False):
        """The server's /stats counters (never delayed); reset=True zeroes them."""
        import urllib.request
        url = f"http://127.0.0.1:{self.port}/stats" + ("?reset=1" if reset else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return json.load(r)
        except (OSError, ValueError) as e:
            return {"error": str(e)}

    def __exit__(self, *exc):
        stop(self.proc)


class SlowNginx:
    """nginx answering every page after `delay_ms` with the echo module (Debian's
    libnginx-mod-http-echo), for `slow --slow-server nginx`: a server in C with one epoll
    loop, so that the slow site's wall time is the clients', not the Python fixture server's
    accept rate. stats() reads its access log the way FixtureServer.stats() reads /stats."""

    MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"

    def __init__(self, root, port, delay_ms, clients):
        if not os.path.exists(self.MODULE):
            raise SystemExit(f"bench: {self.MODULE} is missing (apt-get install "
                             "libnginx-mod-http-echo)")
        self.port, self.delay_ms = port, delay_ms
        self.log = os.path.join(OUT, "slow-nginx-access.log")
        open(self.log, "w").close()
        self.nginx = Nginx(
            root, port, access_log=self.log, log_format="$msec $request_time $connection",
            modules=f"load_module {self.MODULE};", connections=clients + 1024,
            locations=("location /p/ { default_type text/html; "
                       f"echo_sleep {delay_ms / 1000:.3f}; echo '<p>slow</p>'; }}"))

    def __enter__(self):
        self.nginx.__enter__()
        log(f"nginx answering after {self.delay_ms} ms on 127.0.0.1:{self.port}")
        return self

    def __exit__(self, *exc):
        self.nginx.__exit__(*exc)

    def stats(self, reset=False):
        """Requests, connections and peak requests in flight since the last reset, and when
        the first and the last request arrived (epoch seconds), from the access log: each line
        is the answer's time and how long the request took."""
        if reset:
            open(self.log, "w").close()  # nginx appends (O_APPEND): it writes at the new end
            return {}
        with open(self.log) as f:
            lines = [line.split() for line in f if line.strip()]
        spans = [(float(end) - float(took), float(end)) for end, took, _ in lines]
        events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
        peak = in_flight = 0
        for _, step in events:
            in_flight += step
            peak = max(peak, in_flight)
        return {"requests": len(lines), "connections_accepted": len({c for *_, c in lines}),
                "peak_in_flight": peak,
                "first_arrival": min((s for s, _ in spans), default=None),
                "last_arrival": max((s for s, _ in spans), default=None)}


def site(n, origin):
    root = os.path.join(SITES, str(n))
    if gen_site.write_pages(root, n):
        log(f"generated {n} pages in {root}")
    gen_site.write_sitemaps(root, n, origin)
    return root


# --- contestants: each returns a record with its outcome counted ------------------------------

def outcome_ok(total, ok, expected):
    return total == expected and ok == expected


def run_siteaudit(sitemap, n, workers, method="head", extra=(), binary="siteaudit"):
    with tempfile.NamedTemporaryFile(suffix=".json", dir=OUT, delete=False) as f:
        report = f.name
    try:
        cmd = [BIN[binary], sitemap, "--workers", str(workers), "--per-host", str(workers),
               "--method", method, "--json", report, "--no-progress", "--quiet", *extra]
        r = measure(cmd)
        total = ok = 0
        statuses, urls = {}, set()
        try:
            with open(report) as f:
                data = json.load(f)
            for res in data.get("results", []):
                total += 1
                urls.add(res.get("url"))
                ok += bool(res.get("ok"))
                key = str(res.get("status") or res.get("error") or "none")
                statuses[key] = statuses.get(key, 0) + 1
        except (OSError, ValueError) as e:
            statuses["report-unreadable"] = str(e)
        return record(r, total, ok, n, statuses, unique=len(urls), cmd=cmd)
    finally:
        if os.path.exists(report):
            os.unlink(report)


def run_go_pool(sitemap, n, workers, method="head"):
    cmd = [BIN["go_pool"], "-workers", str(workers), "-method", method, sitemap]
    r = measure(cmd, env=GO_ENV)
    try:
        data = json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        data = {"total": 0, "ok": 0, "statuses": {"unparsable": r.stderr[-300:]}}
    statuses = dict(data.get("statuses", {}))
    if data.get("errors"):
        statuses["error"] = data["errors"]
    return record(r, data.get("total", 0), data.get("ok", 0), n, statuses, cmd=cmd)


def curl_config(urls, path, head):
    with open(path, "w") as f:
        for u in urls:
            f.write(f'url = "{u}"\noutput = "/dev/null"\n')
    return path


def run_curl(config, n, parallel, head=True):
    cmd = ["curl", "--silent", "--no-progress-meter", "--parallel", "--parallel-max", str(parallel), "--config", config,
           "--write-out", "%{http_code}\\n"]
    if head:
        cmd.insert(1, "--head")
    r = measure(cmd)
    codes = r.stdout.split()
    statuses = {}
    for c in codes:
        statuses[c] = statuses.get(c, 0) + 1
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    return record(r, len(codes), ok, n, statuses, cmd=cmd)


def run_wget2(urls_file, n, threads):
    work = tempfile.mkdtemp(prefix="siteaudit-wget2-", dir=OUT)
    stats = os.path.join(work, "site.csv")
    try:
        cmd = ["wget2", "--spider", "--max-threads", str(threads), "--input-file", urls_file,
               "--quiet", "--progress=none", "--no-robots", "--stats-site=csv:" + stats]
        r = measure(cmd, cwd=work)
        total = ok = 0
        statuses = {}
        if os.path.exists(stats):
            with open(stats) as f:
                next(f, None)  # ID,ParentID,URL,Status,...
                for line in f:
                    fields = line.rstrip("\n").split(",")
                    if len(fields) < 4:
                        continue
                    total += 1
                    statuses[fields[3]] = statuses.get(fields[3], 0) + 1
                    ok += fields[3].startswith("2")
        return record(r, total, ok, n, statuses, cmd=cmd)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_wrk(url, connections, seconds, n, paths_file=None):
    """wrk's rate over `seconds`; wall and CPU are scaled to n requests for comparison."""
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if paths_file:
        cmd += ["-s", os.path.join(HERE, "wrk_urls.lua"), url, "--", paths_file]
    else:
        cmd += [url]
    r = measure(cmd, timeout=seconds + 60)
    m = re.search(r"(\d+) requests in ([0-9.]+)(m?s)", r.stdout)
    done = int(m.group(1)) if m else 0
    secs = float(m.group(2)) / (1000 if m and m.group(3) == "ms" else 1) if m else float("nan")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", r.stdout)
    errs = re.search(r"Socket errors: (.*)", r.stdout)
    bad_n = int(bad.group(1)) if bad else 0
    rate = done / secs if done else 0.0
    rec = record(r, done, done - bad_n, done, {"2xx": done - bad_n, "other": bad_n}, cmd=cmd)
    # Equivalent figures for n URLs at wrk's rate, so the row reads like the others.
    scale = n / done if done else float("nan")
    rec.update(requests=done, seconds=secs, rate=rate, wall=n / rate if rate else None,
               cpu=r.cpu * scale, user=r.user * scale, sys=r.sys * scale,
               socket_errors=errs.group(1) if errs else "")
    return rec


def record(r, total, ok, expected, statuses, unique=None, cmd=()):
    rec = {"wall": r.wall, "user": r.user, "sys": r.sys, "cpu": r.cpu, "rss_kib": r.rss_kib,
           "exit": r.status, "total": total, "ok": ok, "expected": expected,
           "complete": outcome_ok(total, ok, expected), "statuses": statuses,
           "rate": total / r.wall if r.wall else 0.0, "cmd": " ".join(cmd)}
    if unique is not None:
        rec["unique_urls"] = unique
        rec["complete"] = rec["complete"] and unique == expected
    if not rec["complete"]:
        rec["stderr_tail"] = r.stderr[-500:]
    return rec


# --- sections --------------------------------------------------------------------------------

RUNTIME_BENCHES = ["spawn", "yield", "pingpong", "buffered1", "buffered4", "pool", "parked"]
RUNTIME_TARGET = {"spawn": 0.5, "pingpong": 0.5}


def section_runtime(args, results):
    out = results.setdefault("runtime", {"runs": [], "summary": []})
    for rep in range(args.reps):
        for bench in RUNTIME_BENCHES:
            if bench == "parked" and rep >= args.parked_reps:
                continue
            pair = [("cpp", [BIN["runtime_bench"], bench], {}),
                    ("go", [BIN["go_runtime"], bench], GO_ENV)]
            for lang, cmd, env in rotate(pair, rep):
                r = measure(cmd, env=env, timeout=900)
                try:
                    data = json.loads(r.stdout.strip().splitlines()[-1])
                except (ValueError, IndexError):
                    data = {"error": (r.stderr or r.stdout)[-500:] or f"exit {r.status}"}
                data.update(lang=lang, bench=bench, rep=rep, wall=r.wall, rss_kib=r.rss_kib,
                            cpu=r.cpu, exit=r.status)
                out["runs"].append(data)
                log(f"runtime rep {rep} {bench} {lang}: "
                    + (f"{data['ns_per_op']:.1f} ns/op" if "ns_per_op" in data
                       else data.get("error", "?")[:200]))
    for bench in RUNTIME_BENCHES:
        row = {"bench": bench}
        for lang in ("cpp", "go"):
            runs = [d for d in out["runs"] if d["bench"] == bench and d["lang"] == lang]
            row[lang] = median([d.get("ns_per_op") for d in runs])
            row[lang + "_runs"] = len(runs)
            row[lang + "_errors"] = [d["error"] for d in runs if "error" in d]
            if bench == "parked":
                row[lang + "_bytes_per_fiber"] = median([d.get("bytes_per_fiber") for d in runs])
        if row["cpp"] and row["go"]:
            row["ratio"] = row["cpp"] / row["go"]
        if bench == "parked":
            b = row.get("cpp_bytes_per_fiber")
            row["target"] = "≤ 5 KiB per parked fiber"
            row["met"] = b is not None and b <= 5 * KIB
        else:
            limit = RUNTIME_TARGET.get(bench, 1.0)
            row["target"] = f"ratio ≤ {limit}"
            row["met"] = row.get("ratio") is not None and row["ratio"] <= limit
        out["summary"].append(row)


def section_http(args, results):
    out = results.setdefault("http", {"runs": [], "summary": []})
    n_site = 20_000
    port = free_port(args.port)
    origin = f"http://127.0.0.1:{port}"
    root = site(n_site, origin)
    urls = open(os.path.join(root, "urls.txt")).read().split()
    requests = args.http_requests
    looped = [urls[i % len(urls)] for i in range(requests)]
    urls_file = os.path.join(root, "urls.txt")
    head_cfg = curl_config(looped, os.path.join(OUT, "http-curl.cfg"), True)
    with Nginx(root, port):
        for rep in range(args.reps):
            for conns in args.connections:
                for method in ("head", "get"):
                    tools = ["ours", "curl", "wrk"]
                    for tool in rotate(tools, rep):
                        if tool == "ours":
                            cmd = [BIN["http_bench"], urls_file, "--fibers", str(conns),
                                   "--requests", str(requests), "--method", method]
                            r = measure(cmd)
                            try:
                                data = json.loads(r.stdout.strip().splitlines()[-1])
                                ok = data.get("ok", 0)
                                statuses = data.get("statuses", {})
                                statuses.update(data.get("error_kinds", {}))
                            except (ValueError, IndexError):
                                ok, statuses = 0, {"unparsable": r.stderr[-300:]}
                            rec = record(r, sum(v for v in statuses.values()
                                                if isinstance(v, int)), ok, requests, statuses,
                                         cmd=cmd)
                            rec["requests"] = requests
                        elif tool == "curl":
                            rec = run_curl(head_cfg, requests, conns, head=(method == "head"))
                            rec["requests"] = requests
                        else:
                            rec = run_wrk(origin, conns, args.wrk_seconds, requests,
                                          os.path.join(root, "paths.txt"))
                            rec["note"] = "GET (wrk cannot HEAD)"
                        rec["cpu_per_request_us"] = (rec["cpu"] / rec["requests"] * 1e6
                                                     if rec.get("requests") else None)
                        rec.update(tool=tool, connections=conns, method=method, rep=rep)
                        out["runs"].append(rec)
                        log(f"http rep {rep} N={conns} {method} {tool}: {rec['rate']:.0f} req/s "
                            f"{rec['cpu_per_request_us'] or 0:.1f} µs CPU/req "
                            f"{'ok' if rec['complete'] else 'INCOMPLETE ' + str(rec['statuses'])}")
    for conns in args.connections:
        for method in ("head", "get"):
            row = {"connections": conns, "method": method}
            for tool in ("ours", "curl", "wrk"):
                runs = [d for d in out["runs"] if d["tool"] == tool and
                        d["connections"] == conns and d["method"] == method]
                row[tool + "_rps"] = median([d["rate"] for d in runs])
                row[tool + "_cpu_us"] = median([d["cpu_per_request_us"] for d in runs])
                row[tool + "_complete"] = all(d["complete"] for d in runs)
                row[tool + "_runs"] = len(runs)
            if row["curl_rps"] and row["ours_rps"]:
                row["vs_curl"] = row["ours_rps"] / row["curl_rps"]
            if row["wrk_rps"] and row["ours_rps"]:
                row["vs_wrk"] = row["ours_rps"] / row["wrk_rps"]
            if row["curl_cpu_us"] and row["ours_cpu_us"]:
                row["cpu_vs_curl"] = row["ours_cpu_us"] / row["curl_cpu_us"]
            row["met"] = (row.get("vs_curl", 0) >= 1.3 and row.get("vs_wrk", 0) >= 0.8 and
                          row.get("cpu_vs_curl", 9) < 1.0 and row["ours_complete"])
            out["summary"].append(row)


AUDIT_TOOLS = ["siteaudit", "siteaudit-baseline", "go-pool", "curl", "wget2", "wrk-all",
               "wrk-one"]


def audit_contest(sizes, workers_list, tools, reps, args, out, label):
    for n in sizes:
        port = free_port(args.port)
        origin = f"http://127.0.0.1:{port}"
        root = site(n, origin)
        sitemap = origin + "/sitemap.xml"
        urls_file = os.path.join(root, "urls.txt")
        cfg = None
        if "curl" in tools:
            cfg = curl_config(open(urls_file).read().split(), os.path.join(OUT, f"audit-{n}.cfg"),
                              True)
        with Nginx(root, port):
            for rep in range(reps):
                for workers in workers_list:
                    for tool in rotate(tools, rep):
                        if tool == "siteaudit":
                            rec = run_siteaudit(sitemap, n, workers)
                        elif tool == "siteaudit-baseline":
                            rec = run_siteaudit(sitemap, n, workers, binary="siteaudit_baseline")
                        elif tool == "go-pool":
                            rec = run_go_pool(sitemap, n, workers)
                        elif tool == "curl":
                            rec = run_curl(cfg, n, min(workers, 300))
                        elif tool == "wget2":
                            rec = run_wget2(urls_file, n, workers)
                        elif tool == "wrk-all":
                            rec = run_wrk(origin, workers, args.wrk_seconds, n,
                                          os.path.join(root, "paths.txt"))
                        else:
                            rec = run_wrk(origin + "/p/0/1.html", workers, args.wrk_seconds, n)
                        rec.update(tool=tool, urls=n, workers=workers, rep=rep)
                        out["runs"].append(rec)
                        log(f"{label} rep {rep} n={n} w={workers} {tool}: {rec['wall']:.2f} s "
                            f"{rec['rate']:.0f}/s cpu {rec['cpu']:.2f} s "
                            f"rss {rec['rss_kib'] / 1024:.1f} MiB "
                            f"{'ok' if rec['complete'] else 'INCOMPLETE ' + json.dumps(rec['statuses'])[:300]}")
        if cfg:
            os.unlink(cfg)


def summarize_audit(out, label):
    rows = []
    keys = sorted({(d["urls"], d["workers"]) for d in out["runs"]})
    for n, workers in keys:
        for tool in AUDIT_TOOLS:
            runs = [d for d in out["runs"] if d["tool"] == tool and d["urls"] == n
                    and d["workers"] == workers]
            if not runs:
                continue
            rows.append(audit_row(n, workers, tool, runs))
    out["summary"] = rows
    return rows


def audit_row(n, workers, tool, runs):
    """The medians of one contestant's audit runs."""
    return {"urls": n, "workers": workers, "tool": tool, "runs": len(runs),
            "wall": median([d["wall"] for d in runs]),
            "rate": median([d["rate"] for d in runs]),
            "cpu": median([d["cpu"] for d in runs]),
            "rss_mib": median([d["rss_kib"] / 1024 for d in runs]),
            "complete_runs": sum(d["complete"] for d in runs),
            "ok": median([d["ok"] for d in runs]),
            "total": median([d["total"] for d in runs])}


def audit_targets(rows, results):
    """The issue-7 targets for 20k/100k rows, from medians of the same invocation."""
    checks = []
    by = {(r["urls"], r["workers"], r["tool"]): r for r in rows}
    for (n, workers, tool), r in sorted(by.items()):
        if tool != "siteaudit" or n > 100_000:
            continue
        go, wrk = by.get((n, workers, "go-pool")), by.get((n, workers, "wrk-all"))
        if go:
            checks.append((f"{n} URLs, {workers} workers: URLs/s ≥ 1.3× Go pool",
                           r["rate"] / go["rate"], r["rate"] / go["rate"] >= 1.3))
            checks.append((f"{n} URLs, {workers} workers: CPU ≤ 0.7× Go pool",
                           r["cpu"] / go["cpu"], r["cpu"] / go["cpu"] <= 0.7))
            checks.append((f"{n} URLs, {workers} workers: peak RSS ≤ Go pool",
                           r["rss_mib"] / go["rss_mib"], r["rss_mib"] <= go["rss_mib"]))
        if wrk:
            checks.append((f"{n} URLs, {workers} workers: URLs/s ≥ 0.8× wrk (all URLs)",
                           r["rate"] / wrk["rate"], r["rate"] / wrk["rate"] >= 0.8))
        base = by.get((n, workers, "siteaudit-baseline"))
        if base:
            # An A/B of two builds in one invocation: "within noise" is within 5 %.
            checks.append((f"{n} URLs, {workers} workers: URLs/s ≥ 0.95× the baseline build",
                           r["rate"] / base["rate"], r["rate"] / base["rate"] >= 0.95))
            checks.append((f"{n} URLs, {workers} workers: CPU ≤ 1.05× the baseline build",
                           r["cpu"] / base["cpu"], r["cpu"] / base["cpu"] <= 1.05))
        checks.append((f"{n} URLs, {workers} workers: every URL reported ok, every run",
                       r["complete_runs"] / r["runs"], r["complete_runs"] == r["runs"]))
    return checks


def section_audit(args, results):
    out = results.setdefault("audit", {"runs": []})
    audit_contest(args.sizes, args.workers, args.tools, args.reps, args, out, "audit")
    rows = summarize_audit(out, "audit")
    out["targets"] = [{"target": t, "ratio": v, "met": m} for t, v, m in audit_targets(rows, results)]


def section_audit1m(args, results):
    out = results.setdefault("audit1m", {"runs": []})
    audit_contest([100_000, 1_000_000], [args.workers[0]],
                  [t for t in args.tools if t in ("siteaudit", "siteaudit-baseline", "go-pool")],
                  args.reps_1m, args, out, "audit1m")
    rows = summarize_audit(out, "audit1m")
    by = {(r["urls"], r["tool"]): r for r in rows}
    big, small = by.get((1_000_000, "siteaudit")), by.get((100_000, "siteaudit"))
    targets = []
    if big:
        targets.append({"target": "1,000,000 URLs: every URL reported, every run",
                        "ratio": big["complete_runs"] / big["runs"],
                        "met": big["complete_runs"] == big["runs"]})
        targets.append({"target": "1,000,000 URLs: peak RSS ≤ 48 MiB", "ratio": big["rss_mib"],
                        "met": big["rss_mib"] <= 48})
        go = by.get((1_000_000, "go-pool"))
        if go:
            ratio = big["rate"] / go["rate"]
            targets.append({"target": "1,000,000 URLs: URLs/s ≥ 1.0× the Go pool's",
                            "ratio": ratio, "met": ratio >= 1.0})
        base = by.get((1_000_000, "siteaudit-baseline"))
        if base:
            ratio = big["rate"] / base["rate"]
            targets.append({"target": "1,000,000 URLs: URLs/s ≥ 0.95× the baseline build",
                            "ratio": ratio, "met": ratio >= 0.95})
    if big and small:
        growth = (big["rss_mib"] - small["rss_mib"]) * MIB / 900_000
        targets.append({"target": "RSS growth 100k→1M ≤ 150 bytes/URL", "ratio": growth,
                        "met": growth <= 150})
    out["targets"] = targets


# --- audit10m: 10,000,000 URLs from 200 gzip'd child sitemaps --------------------------------

AUDIT10M_URLS = 10_000_000
# Every page path of the generated site answered by one regex location (HEAD gets the headers,
# Content-Length included), so that no page is a file; the .xml.gz children are files, sent
# as application/gzip (no Content-Encoding: both clients inflate them by the gzip magic).
AUDIT10M_LOCATIONS = """location ~ "^/p/[0-9]+/[0-9]+\\.html$" {
      default_type text/html;
      return 200 '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page</title></head><body><h1>Page</h1><p>Generated for the siteaudit benchmark.</p></body></html>';
    }
    location ~ "\\.xml\\.gz$" {
      types { application/gzip gz; }
    }"""


class ProcessSampler:
    """Samples a measured command (the child of /usr/bin/time) every `interval` seconds: its
    VmRSS, and the JSON report being written (`report`): the temporary file `.NAME.XXXXXX`
    that siteaudit writes beside the target and renames over it at the end. The report's
    write time is from the first sample that sees the temporary file non-empty to the first
    that sees the target (the rename), so it is exact to one interval; siteaudit times
    nothing itself."""

    def __init__(self, report=None, interval=0.05):
        self.report, self.interval = report, interval
        self.rss = []  # (seconds since start, VmRSS KiB), one a second
        self.write_start = self.write_end = None
        self.peak_rss_at = None
        self._stop = threading.Event()
        self._thread = None

    def start(self, popen, t0):
        self.t0 = t0
        self._thread = threading.Thread(target=self._run, args=(popen,), daemon=True)
        self._thread.start()

    def stop(self):
        """stop() ends the sampling once the command has exited. A rename in the last interval
        before the exit is dated at the exit: the write time is then at most one interval
        long."""
        self._stop.set()
        if self._thread:
            self._thread.join()
        if self.report and self.write_end is None and os.path.exists(self.report):
            self.write_end = time.perf_counter() - self.t0

    @staticmethod
    def _child(pid):
        try:
            kids = open(f"/proc/{pid}/task/{pid}/children").read().split()
            return int(kids[0]) if kids else None
        except (OSError, ValueError):
            return None

    @staticmethod
    def _vm_rss(pid):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return None

    def _run(self, popen):
        child, last_logged, peak = None, -1.0, 0
        directory = os.path.dirname(self.report) if self.report else None
        prefix = "." + os.path.basename(self.report) + "." if self.report else None
        while not self._stop.is_set():
            now = time.perf_counter() - self.t0
            child = child or self._child(popen.pid)
            rss = self._vm_rss(child) if child else None
            if rss:
                if rss > peak:
                    peak, self.peak_rss_at = rss, now
                if now - last_logged >= 1.0:
                    self.rss.append((round(now, 2), rss))
                    last_logged = now
            if self.report and self.write_end is None:
                if os.path.exists(self.report):
                    self.write_end = now
                elif self.write_start is None:
                    try:
                        for e in os.scandir(directory):
                            if e.name.startswith(prefix) and e.stat().st_size > 0:
                                self.write_start = now
                                break
                    except OSError:
                        pass
            self._stop.wait(self.interval)


def scan_report(path, n, origin):
    """Counts a JSON report's results without loading it (10,000,000 results are about 6 GB):
    one result a line, as siteaudit writes them. Returns (total, ok, in_order, statuses,
    first_out_of_order): result i is in input order when its url is the i-th page's."""
    total = ok = in_order = 0
    statuses, first_bad = {}, None
    base = origin.encode()
    with open(path, "rb", buffering=1 << 20) as f:
        for line in f:
            if line.startswith(b'  "results": ['):
                break
        for line in f:
            if not line.startswith(b'    {"url":"'):
                if line.startswith(b"  ]"):
                    break
                continue
            end = line.index(b'"', 12)
            url = line[12:end]
            i = total
            total += 1
            if url == base + f"/p/{i // gen_site.PER_DIR}/{i}.html".encode():
                in_order += 1
            elif first_bad is None:
                first_bad = {"index": i, "url": url.decode(errors="replace")}
            if b'"ok":true,' in line:
                ok += 1
            at = line.find(b'"status":')
            key = line[at + 9:line.index(b",", at)].decode() if at >= 0 else "?"
            if key == "null":
                at = line.find(b'"error_kind":')
                key = line[at + 13:line.index(b",", at)].decode().strip('"') if at >= 0 else "?"
            statuses[key] = statuses.get(key, 0) + 1
    return total, ok, in_order, statuses, first_bad


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def run_siteaudit_10m(sitemap, n, workers, origin, binary="siteaudit"):
    work = tempfile.mkdtemp(prefix="siteaudit-10m-", dir=OUT)
    report = os.path.join(work, "report.json")
    try:
        cmd = [BIN[binary], sitemap, "--workers", str(workers), "--per-host", str(workers),
               "--method", "head", "--json", report, "--no-progress", "--quiet"]
        sampler = ProcessSampler(report)
        load = loadavg()
        r = measure(cmd, sampler=sampler, timeout=7200)
        rec = {"load_start": load, "load_end": loadavg()}
        try:
            size = os.path.getsize(report)
            t0 = time.perf_counter()
            total, ok, in_order, statuses, first_bad = scan_report(report, n, origin)
            rec["scan_s"] = time.perf_counter() - t0
        except (OSError, ValueError) as e:
            size, total, ok, in_order, first_bad = None, 0, 0, 0, None
            statuses = {"report-unreadable": str(e)}
        rec.update(record(r, total, ok, n, statuses, cmd=cmd))
        rec["in_order"] = in_order
        rec["complete"] = rec["complete"] and in_order == n
        rec["first_out_of_order"] = first_bad
        rec["report_bytes"] = size
        rec["write_s"] = (sampler.write_end - sampler.write_start
                          if sampler.write_end is not None and sampler.write_start is not None
                          else None)
        rec["write_started_at_s"] = sampler.write_start
        rec["exit_after_write_s"] = (r.wall - sampler.write_end
                                     if sampler.write_end is not None else None)
        rec["peak_rss_at_s"] = sampler.peak_rss_at
        rec["rss_timeline"] = sampler.rss
        return rec
    finally:
        shutil.rmtree(work, ignore_errors=True)


def section_audit10m(args, results):
    out = results.setdefault("audit10m", {"runs": []})
    # --quick: the same shape (200 gzip'd children) at a tenth of the URLs, as a smoke test.
    n = AUDIT10M_URLS // 10 if args.quick else AUDIT10M_URLS
    per = n // 200
    out["urls"] = n
    # The report (~600 bytes a result) is written under scripts/bench/out and scanned there.
    free = shutil.disk_usage(OUT).free
    if free < n * 800:
        raise SystemExit(f"bench: audit10m needs about {n * 800 / 1e9:.0f} GB free under {OUT} "
                         f"for the JSON report; {free / 1e9:.1f} GB are")
    port = free_port(args.port)
    origin = f"http://127.0.0.1:{port}"
    root = os.path.join(SITES, f"gz-{n}")
    if gen_site.write_gzip_sitemaps(root, n, origin, per):
        log(f"generated the {n:,}-URL site's gzip'd sitemaps in {root}")
    out["site_bytes"] = sum(e.stat().st_size for e in os.scandir(root) if e.is_file())
    sitemap = origin + "/sitemap.xml"
    tools = [t for t in args.tools if t in ("siteaudit", "siteaudit-baseline", "go-pool")]
    workers = args.workers[0]
    with Nginx(root, port, locations=AUDIT10M_LOCATIONS):
        for rep in range(args.reps_10m):
            for tool in rotate(tools, rep):
                if tool == "go-pool":
                    load = loadavg()
                    rec = run_go_pool(sitemap, n, workers)
                    rec.update(load_start=load, load_end=loadavg())
                else:
                    rec = run_siteaudit_10m(sitemap, n, workers, origin, binary=(
                        "siteaudit" if tool == "siteaudit" else "siteaudit_baseline"))
                rec.update(tool=tool, urls=n, workers=workers, rep=rep,
                           utc=datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M"))
                out["runs"].append(rec)
                extra = ""
                if rec.get("report_bytes") is not None:
                    extra = (f" in order {rec['in_order']:,}, report "
                             f"{rec['report_bytes'] / 1e9:.2f} GB written in "
                             f"{fmt(rec['write_s'])} s")
                log(f"audit10m rep {rep} {tool}: {rec['wall']:.1f} s {rec['rate']:.0f}/s "
                    f"cpu {rec['cpu']:.1f} s rss {rec['rss_kib'] / 1024:.1f} MiB "
                    f"{rec['ok']:,}/{rec['total']:,} ok{extra}, load {rec['load_start']} "
                    f"{'ok' if rec['complete'] else 'INCOMPLETE ' + json.dumps(rec['statuses'])[:300]}")
    rows = []
    for tool in AUDIT_TOOLS:
        runs = [d for d in out["runs"] if d["tool"] == tool]
        if not runs:
            continue
        row = audit_row(n, workers, tool, runs)
        row.update(in_order=median([d.get("in_order") for d in runs]),
                   report_gb=median([d["report_bytes"] / 1e9 for d in runs
                                     if d.get("report_bytes")]),
                   write_s=median([d.get("write_s") for d in runs]),
                   loads=[d["load_start"] for d in runs])
        rows.append(row)
    out["summary"] = rows
    by = {r["tool"]: r for r in rows}
    ours, go, base = by.get("siteaudit"), by.get("go-pool"), by.get("siteaudit-baseline")
    targets = []
    if ours:
        targets.append({"target": f"{n:,} URLs: completes, every URL reported in input "
                                  "order, every run",
                        "ratio": ours["complete_runs"] / ours["runs"],
                        "met": ours["complete_runs"] == ours["runs"]})
        # Issue 22's 160 MiB at 10,000,000 URLs ("16 bytes a URL": about what an exact 64-bit
        # fingerprint set costs), in proportion for --quick.
        limit = 160 * n / AUDIT10M_URLS
        targets.append({"target": f"{n:,} URLs: peak RSS ≤ {limit:.0f} MiB",
                        "ratio": ours["rss_mib"], "met": ours["rss_mib"] <= limit})
        if go:
            targets.append({"target": f"{n:,} URLs: URLs/s ≥ 1.0× the Go pool's",
                            "ratio": ratio(ours["rate"], go["rate"]),
                            "met": (ratio(ours["rate"], go["rate"]) or 0) >= 1.0})
        if base:
            targets.append({"target": f"{n:,} URLs: URLs/s ≥ 0.95× the baseline build",
                            "ratio": ratio(ours["rate"], base["rate"]),
                            "met": (ratio(ours["rate"], base["rate"]) or 0) >= 0.95})
            targets.append({"target": f"{n:,} URLs: CPU ≤ 1.05× the baseline build",
                            "ratio": ratio(ours["cpu"], base["cpu"]),
                            "met": (ratio(ours["cpu"], base["cpu"]) or 9) <= 1.05})
    out["targets"] = targets


def time_wait_sockets():
    """The TCP sockets in TIME_WAIT (state 06 in /proc/net/tcp and tcp6); None if unreadable."""
    n = 0
    try:
        for path in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(path) as f:
                next(f, None)  # the header line
                n += sum(1 for line in f if line.split(None, 4)[3] == "06")
    except (OSError, IndexError):
        return None
    return n


def listen_overflows():
    """TcpExt ListenOverflows from /proc/net/netstat: SYNs dropped because an accept queue was
    full (each costs its client a 1 s retransmit); None if unreadable."""
    try:
        with open("/proc/net/netstat") as f:
            lines = f.read().splitlines()
        for names, values in zip(lines[::2], lines[1::2]):
            if names.startswith("TcpExt:"):
                return int(dict(zip(names.split(), values.split()))["ListenOverflows"])
    except (OSError, KeyError, ValueError):
        pass
    return None


def drain_time_wait(limit=1000, timeout=75):
    """Waits until fewer than `limit` sockets are in TIME_WAIT (at most `timeout` s) and returns
    (count when it stopped, seconds waited). Each slow-site run closes 10,000 client connections,
    which stay in TIME_WAIT for 60 s; the next run's connect() then searches a port range that is
    mostly taken (__inet_hash_connect was 14 % of a run's CPU), and its wall time, 1.6 s or 2.4 s,
    depends on how soon it follows the last one rather than on the tool."""
    start = time.monotonic()
    n = time_wait_sockets()
    while n is not None and n >= limit and time.monotonic() - start < timeout:
        time.sleep(1)
        n = time_wait_sockets()
    return n, time.monotonic() - start


def arrivals(stats):
    """", requests arrived from A to B s" when the server's stats know (SlowNginx), else ""."""
    if stats.get("first_arrival") is None:
        return ""
    return f", requests arrived from {stats['first_arrival']} to {stats['last_arrival']} s"


class ListenBacklog:
    """Raises net.core.somaxconn and tcp_max_syn_backlog for the slow-site run (root only) and
    restores them. 10,000 clients connect at once; with Linux's default somaxconn of 4096 the
    server's accept queue overflows, SYNs are dropped, and the clients' 1 s, 3 s, 7 s SYN
    retransmits — not the contestants — set the wall time."""

    FILES = {"/proc/sys/net/core/somaxconn": 16384,
             "/proc/sys/net/ipv4/tcp_max_syn_backlog": 16384}

    def __init__(self):
        self.saved = {}

    def __enter__(self):
        for path, want in self.FILES.items():
            try:
                have = int(open(path).read())
                if have < want:
                    with open(path, "w") as f:
                        f.write(str(want))
                    self.saved[path] = have
                    log(f"{path}: {have} -> {want} for this run")
            except OSError as e:
                log(f"warning: cannot raise {path} ({e}); SYN drops may dominate the wall time")
        return self

    def __exit__(self, *exc):
        for path, have in self.saved.items():
            try:
                with open(path, "w") as f:
                    f.write(str(have))
            except OSError:
                pass


def section_slow(args, results):
    out = results.setdefault("slow", {"runs": []})
    n = args.slow_urls
    root = site(20_000, f"http://127.0.0.1:{args.port}")  # pages only; URLs name the fixture port
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by the clients
    if hard < n + 1000:
        log(f"warning: fd hard limit {hard} is below {n} connections + slack")
    if args.slow_server == "nginx":
        server_context = SlowNginx(root, free_port(args.port), args.delay_ms, args.slow_workers)
    else:
        server_context = FixtureServer(root, args.delay_ms)
    out["server"] = args.slow_server
    with ListenBacklog(), server_context as server:
        origin = f"http://127.0.0.1:{server.port}"
        # The sitemap is a local file so that only the checks, not the sitemap fetch, wait.
        sitemap = os.path.join(OUT, "slow-sitemap.xml")
        with open(sitemap, "w") as f:
            f.write(gen_site.urlset(origin + gen_site.page_path(i) for i in range(n)))
        for rep in range(args.reps):
            for tool in rotate([t for t in args.tools if t in ("siteaudit", "go-pool")], rep):
                time_wait, waited = drain_time_wait()
                overflows_before = listen_overflows()
                server.stats(reset=True)
                started = time.time()
                if tool == "siteaudit":
                    rec = run_siteaudit(sitemap, n, args.slow_workers,
                                        extra=("--timeout", "60s"))
                else:
                    rec = run_go_pool(sitemap, n, args.slow_workers)
                stats = server.stats()
                for key in ("first_arrival", "last_arrival"):  # seconds after the start
                    if stats.get(key) is not None:
                        stats[key] = round(stats[key] - started, 3)
                rec.update(tool=tool, urls=n, workers=args.slow_workers, rep=rep,
                           delay_ms=args.delay_ms, server=stats,
                           time_wait_at_start=time_wait, time_wait_waited_s=round(waited, 1))
                overflows_after = listen_overflows()
                if overflows_before is not None and overflows_after is not None:
                    rec["listen_overflows"] = overflows_after - overflows_before
                out["runs"].append(rec)
                log(f"slow rep {rep} {tool}: {rec['wall']:.2f} s (after {waited:.0f} s for "
                    f"TIME_WAIT to drain to {time_wait}; SYNs dropped by a full accept queue: "
                    f"{rec.get('listen_overflows')}) rss "
                    f"{rec['rss_kib'] / 1024:.1f} MiB; server saw peak in flight "
                    f"{rec['server'].get('peak_in_flight')}, connections "
                    f"{rec['server'].get('connections_accepted')}{arrivals(rec['server'])} "
                    f"{'ok' if rec['complete'] else 'INCOMPLETE ' + json.dumps(rec['statuses'])[:300]}")
    rows = []
    for tool in ("siteaudit", "go-pool"):
        runs = [d for d in out["runs"] if d["tool"] == tool]
        if not runs:
            continue
        rows.append({"tool": tool, "runs": len(runs), "wall": median([d["wall"] for d in runs]),
                     "cpu": median([d["cpu"] for d in runs]),
                     "rss_mib": median([d["rss_kib"] / 1024 for d in runs]),
                     "complete_runs": sum(d["complete"] for d in runs),
                     "peak_in_flight": median([d["server"].get("peak_in_flight")
                                               for d in runs]),
                     "last_arrival": median([d["server"].get("last_arrival") for d in runs])})
    out["summary"] = rows
    by = {r["tool"]: r for r in rows}
    ours, go = by.get("siteaudit"), by.get("go-pool")
    limit = 1.5 + args.delay_ms / 1000
    out["targets"] = []
    if ours:
        out["targets"] += [
            {"target": f"slow site: wall ≤ {limit:.1f} s", "ratio": ours["wall"],
             "met": ours["wall"] <= limit},
            {"target": "slow site: every URL reported ok, every run",
             "ratio": ours["complete_runs"] / ours["runs"],
             "met": ours["complete_runs"] == ours["runs"]}]
    if ours and go:
        out["targets"].append({"target": "slow site: peak RSS ≤ Go pool",
                               "ratio": ours["rss_mib"] / go["rss_mib"],
                               "met": ours["rss_mib"] <= go["rss_mib"]})


# --- crawl: siteaudit --crawl against the crawling link checkers ------------------------------

CRAWL_TOOLS = ["siteaudit", "siteaudit-baseline", "wget2", "linkinator", "linkchecker", "blc"]
SLOW_CRAWLERS = ("linkinator", "linkchecker", "blc")  # fewer repetitions (--crawl-slow-reps)
NPM_BIN = os.path.join(BUILD, "npm", "node_modules", ".bin")
LINKCHECKER_RC = """[checking]
threads={threads}
maxrequestspersecond=1000000
[output]
status=0
"""


def crawl_site(n, origin):
    root = os.path.join(SITES, f"crawl-{n}")
    if gen_site.write_crawl_pages(root, n):
        log(f"generated the {n}-page crawl site in {root}")
    gen_site.write_sitemaps(root, n, origin)
    return root


def crawl_commands(tool, origin, concurrency, work):
    """The command line of each crawler: recursion unlimited, same concurrency, one origin."""
    start = origin + "/"
    if tool in ("siteaudit", "siteaudit-baseline"):
        binary = BIN["siteaudit" if tool == "siteaudit" else "siteaudit_baseline"]
        return [binary, "--crawl", start, "--workers", str(concurrency),
                "--per-host", str(concurrency), "--json", os.path.join(work, "report.json"),
                "--no-progress", "--quiet"]
    if tool == "wget2":
        return ["wget2", "--spider", "--recursive", "--level", "0", "--max-threads",
                str(concurrency), "--quiet", "--progress=none", "--no-directories",
                "--stats-site=csv:" + os.path.join(work, "site.csv"), start]
    if tool == "linkinator":
        return [os.path.join(NPM_BIN, "linkinator"), start, "--recurse", "--concurrency",
                str(concurrency), "--format", "csv"]
    if tool == "linkchecker":
        # Runs as `nobody` when started as root (LinkChecker drops privileges), so its
        # configuration must be world-readable: a file in the temporary directory.
        rc = os.path.join(work, "linkcheckerrc")
        with open(rc, "w") as f:
            f.write(LINKCHECKER_RC.format(threads=concurrency))
        os.chmod(rc, 0o644)
        os.chmod(work, 0o755)
        return ["linkchecker", "--config", rc, "--threads", str(concurrency), "--recursion-level",
                "-1", "--no-warnings", "--output", "csv", start]
    if tool == "blc":
        return [os.path.join(NPM_BIN, "blc"), start, "--recursive", "--filter-level", "3",
                "--requests", str(concurrency), "--host-requests", str(concurrency)]
    raise ValueError(tool)


def warm_page_cache(root):
    """Reads every file of a site once, so that no crawler's run is the one that brings the
    site into the page cache: the first crawl after the site was generated or evicted used to
    take up to twice as long, whichever tool it was."""
    total = 0
    for top, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(top, name), "rb") as f:
                while chunk := f.read(1 << 20):
                    total += len(chunk)
    return total


def count_access_log(path):
    """What one crawler asked nginx for: distinct HTML pages fetched with GET and answered
    200 (the pages it reached), every request, distinct paths, and distinct 404 paths."""
    pages, paths, missing, methods = set(), set(), set(), {}
    requests = 0
    with open(path, errors="replace") as f:
        for line in f:
            fields = line.split()
            if len(fields) != 3:
                continue
            method, uri, status = fields
            requests += 1
            methods[method] = methods.get(method, 0) + 1
            path_only = uri.split("?", 1)[0]
            paths.add(path_only)
            if status == "404":
                missing.add(path_only)
            elif (method == "GET" and status == "200" and
                  (path_only.endswith(".html") or path_only.endswith("/"))):
                pages.add(path_only)
    return {"pages": len(pages), "requests": requests, "distinct_paths": len(paths),
            "missing_requested": sorted(missing), "methods": methods}


def run_crawler(tool, origin, n, expected, concurrency, access_log, raw_dir, rep, timeout):
    work = tempfile.mkdtemp(prefix=f"siteaudit-crawl-{tool}-", dir=OUT)
    try:
        cmd = crawl_commands(tool, origin, concurrency, work)
        open(access_log, "w").close()  # nginx appends (O_APPEND) to the emptied file
        r = measure(cmd, cwd=work, timeout=timeout, stop_on_timeout=True)
        seen = count_access_log(access_log)
        base = os.path.join(raw_dir, f"{tool}-{n}-rep{rep}")
        with open(base + ".out", "w") as f:
            f.write(f"$ {' '.join(cmd)}\n# exit {r.status}\n# stderr (last 20,000 chars)\n"
                    f"{r.stderr[-20000:]}\n# stdout (last 200,000 chars)\n{r.stdout[-200000:]}")
        shutil.copyfile(access_log, base + ".access.log")
        subprocess.run(["gzip", "-f", base + ".access.log"], check=False)
        own = {}
        if tool in ("siteaudit", "siteaudit-baseline"):
            try:
                with open(os.path.join(work, "report.json")) as f:
                    crawl = json.load(f).get("crawl", {})
                own = {k: crawl.get(k) for k in ("pages", "links", "broken", "complete",
                                                 "incomplete_reason")}
            except (OSError, ValueError) as e:
                own = {"report": f"unreadable: {e}"}
        broken_found = len(set(seen["missing_requested"]) & set(expected["broken"]))
        rec = {"tool": tool, "pages_total": n, "rep": rep, "concurrency": concurrency,
               "wall": r.wall, "user": r.user, "sys": r.sys, "cpu": r.cpu,
               "rss_kib": r.rss_kib, "exit": r.status, "timed_out": r.timed_out,
               "involuntary_switches": r.involuntary_switches,
               "cmd": " ".join(cmd),
               "pages": seen["pages"], "expected_pages": expected["pages"],
               "requests": seen["requests"], "distinct_paths": seen["distinct_paths"],
               "methods": seen["methods"], "broken_requested": broken_found,
               "expected_broken": len(expected["broken"]), "own": own}
        rec["rate"] = rec["pages"] / r.wall if r.wall else 0.0
        rec["cpu_per_page_ms"] = r.cpu / rec["pages"] * 1000 if rec["pages"] else None
        rec["complete"] = (not r.timed_out and rec["pages"] == expected["pages"] and
                           broken_found == len(expected["broken"]))
        if not rec["complete"]:
            rec["stderr_tail"] = r.stderr[-500:]
        return rec
    finally:
        shutil.rmtree(work, ignore_errors=True)


def crawl_perf(args, origin, n, raw_dir, out):
    """One `perf record` of siteaudit --crawl; the flat profile's top symbols and DSOs."""
    if not shutil.which("perf"):
        out["perf"] = {"error": "perf is not installed (linux-perf)"}
        return
    data = os.path.join(raw_dir, f"perf-siteaudit-{n}.data")
    work = tempfile.mkdtemp(prefix="siteaudit-crawl-perf-", dir=OUT)
    try:
        cmd = crawl_commands("siteaudit", origin, args.crawl_concurrency, work)
        p = subprocess.run(["perf", "record", "-F", str(args.perf_freq), "-g", "-o", data, "--"]
                           + cmd, capture_output=True, text=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not os.path.exists(data):
        out["perf"] = {"error": (p.stderr or "perf record failed")[-500:]}
        return
    profile = {"command": "perf record -F %d -g -o %s -- %s" % (args.perf_freq, data,
                                                                 " ".join(cmd))}
    for key, sort in (("symbols", "dso,symbol"), ("dsos", "dso")):
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", sort, "-g", "none", "--percent-limit", "0.5"],
                             capture_output=True, text=True)
        with open(os.path.join(raw_dir, f"perf-siteaudit-{n}-{key}.txt"), "w") as f:
            f.write(rep.stdout)
        rows = []
        for line in rep.stdout.splitlines():
            m = re.match(r"\s*([0-9.]+)%\s+(.*\S)", line)
            if m and not line.lstrip().startswith("#"):
                what = re.sub(r"(\s+-)+$", "", m.group(2))  # the empty IPC columns
                rows.append({"percent": float(m.group(1)), "what": re.sub(r"\s+", " ", what)})
        profile[key] = rows[:args.perf_top]
        samples = re.search(r"# Samples: (\S+) of event '([^']*)'", rep.stdout)
        if samples:
            profile["samples"] = f"{samples.group(1)} samples of {samples.group(2)}"
    out["perf"] = profile
    log(f"perf profile of siteaudit --crawl at {n} pages: {raw_dir}/perf-siteaudit-{n}-*.txt")


def section_crawl(args, results):
    out = results.setdefault("crawl", {"runs": []})
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    raw_dir = os.path.join(OUT, f"crawl-{stamp}")
    os.makedirs(raw_dir, exist_ok=True)
    out["raw_dir"] = raw_dir
    for n in args.crawl_sizes:
        port = free_port(args.port)
        origin = f"http://127.0.0.1:{port}"
        root = crawl_site(n, origin)
        expected = gen_site.crawl_expected(n)
        out.setdefault("expected", {})[str(n)] = {k: v for k, v in expected.items()
                                                  if k != "broken"}
        out["expected"][str(n)]["broken"] = len(expected["broken"])
        access_log = os.path.join(raw_dir, "access.log")
        tools = [t for t in args.crawl_tools if n <= args.crawl_slow_max or
                 t not in SLOW_CRAWLERS]
        # The same server as the other sections' (8,192 connections). linkinator opens a
        # socket per request and keeps it open (about 20,000 at --concurrency 64 on 20,000
        # pages): nginx then closes idle ones, and linkinator reports those links broken.
        warmed = warm_page_cache(root)
        log(f"read the {n}-page site once ({warmed / 1e6:.0f} MB) to warm the page cache")
        with Nginx(root, port, access_log=access_log,
                   headers="add_header LinkChecker siteaudit-bench;",
                   keep_error_log=os.path.join(raw_dir, f"nginx-{n}.error.log")):
            for rep in range(args.reps):
                for tool in rotate(tools, rep):
                    if tool in SLOW_CRAWLERS and rep >= args.crawl_slow_reps:
                        continue
                    rec = run_crawler(tool, origin, n, expected, args.crawl_concurrency,
                                      access_log, raw_dir, rep, args.crawl_timeout)
                    out["runs"].append(rec)
                    log(f"crawl rep {rep} n={n} {tool}: {rec['pages']:,}/{expected['pages']:,} "
                        f"pages in {rec['wall']:.2f} s = {rec['rate']:.0f} pages/s, cpu "
                        f"{rec['cpu']:.2f} s, rss {rec['rss_kib'] / 1024:.1f} MiB, "
                        f"{rec['requests']:,} requests, broken {rec['broken_requested']}/"
                        f"{rec['expected_broken']}, exit {rec['exit']} "
                        f"{'TIMED OUT ' if rec['timed_out'] else ''}"
                        f"{'ok' if rec['complete'] else 'INCOMPLETE'}")
            if args.perf and n == args.crawl_sizes[0]:
                crawl_perf(args, origin, n, raw_dir, out)
        os.unlink(access_log)
    rows = []
    for n in args.crawl_sizes:
        for tool in CRAWL_TOOLS:
            runs = [d for d in out["runs"] if d["tool"] == tool and d["pages_total"] == n]
            if not runs:
                continue
            rows.append({"n": n, "tool": tool, "runs": len(runs),
                         "concurrency": runs[0]["concurrency"],
                         "pages": median([d["pages"] for d in runs]),
                         "expected_pages": runs[0]["expected_pages"],
                         "wall": median([d["wall"] for d in runs]),
                         "rate": median([d["rate"] for d in runs]),
                         "cpu": median([d["cpu"] for d in runs]),
                         "cpu_per_page_ms": median([d["cpu_per_page_ms"] for d in runs]),
                         "rss_mib": median([d["rss_kib"] / 1024 for d in runs]),
                         "requests": median([d["requests"] for d in runs]),
                         "broken": median([d["broken_requested"] for d in runs]),
                         "expected_broken": runs[0]["expected_broken"],
                         "complete_runs": sum(d["complete"] for d in runs)})
    out["summary"] = rows
    by = {(r["n"], r["tool"]): r for r in rows}
    targets = []
    for n in args.crawl_sizes:
        ours, wget2 = by.get((n, "siteaudit")), by.get((n, "wget2"))
        if ours and wget2 and n <= 100_000:
            targets.append({"target": f"crawl {n:,} pages: pages/s ≥ 1.0× wget2",
                            "ratio": ratio(ours["rate"], wget2["rate"]),
                            "met": (ratio(ours["rate"], wget2["rate"]) or 0) >= 1.0})
        base = by.get((n, "siteaudit-baseline"))
        if ours and base:
            # An A/B of two builds in one invocation, as the audit section's.
            targets.append({"target": f"crawl {n:,} pages: pages/s ≥ 0.95× the baseline build",
                            "ratio": ratio(ours["rate"], base["rate"]),
                            "met": (ratio(ours["rate"], base["rate"]) or 0) >= 0.95})
            targets.append({"target": f"crawl {n:,} pages: CPU per page ≤ 1.05× the baseline "
                                      "build",
                            "ratio": ratio(ours["cpu_per_page_ms"], base["cpu_per_page_ms"]),
                            "met": (ratio(ours["cpu_per_page_ms"], base["cpu_per_page_ms"])
                                    or 9) <= 1.05})
        if ours and wget2 and n == 20_000:
            targets.append({"target": "crawl 20,000 pages: peak RSS ≤ wget2",
                            "ratio": ratio(ours["rss_mib"], wget2["rss_mib"]),
                            "met": ours["rss_mib"] <= wget2["rss_mib"]})
        if ours and n == 100_000:
            targets.append({"target": "crawl 100,000 pages: peak RSS ≤ 64 MiB",
                            "ratio": ours["rss_mib"], "met": ours["rss_mib"] <= 64})
        if ours and n == 1_000_000:
            targets.append({"target": "crawl 1,000,000 pages: peak RSS ≤ 256 MiB",
                            "ratio": ours["rss_mib"], "met": ours["rss_mib"] <= 256})
        if ours:
            targets.append({"target": f"crawl {n:,} pages: every page reached and every broken "
                                      "link requested, every run",
                            "ratio": ours["complete_runs"] / ours["runs"],
                            "met": ours["complete_runs"] == ours["runs"]})
    out["targets"] = targets


# --- report ----------------------------------------------------------------------------------

def fmt(v, spec=".2f", none="—"):
    return none if v is None else format(v, spec)


def yes(b):
    return "**met**" if b else "**missed**"


def markdown(results, meta):
    lines = [f"Machine: {meta['machine']}; {meta['date']}; load average at start "
             f"{meta['load_start']}, at end {meta['load_end']}.",
             f"Command: `{meta['command']}`", ""]
    if "runtime" in results:
        lines += ["### Runtime (ns per op, medians; 2 threads / GOMAXPROCS=2)", "",
                  "| benchmark | siteaudit rt | Go 1.19 | ratio | target | |",
                  "|---|---:|---:|---:|---|---|"]
        for r in results["runtime"]["summary"]:
            if r["bench"] == "parked":
                errs = r.get("cpp_errors") or []
                lines.append(
                    f"| parked 1,000,000 (bytes/fiber, peak RSS / N) "
                    f"| {fmt(r.get('cpp_bytes_per_fiber'), '.0f')} "
                    f"| {fmt(r.get('go_bytes_per_fiber'), '.0f')} "
                    f"| {fmt(ratio(r.get('cpp_bytes_per_fiber'), r.get('go_bytes_per_fiber')))} "
                    f"| {r['target']} | {yes(r['met'])}{' — ' + errs[0][:120] if errs else ''} |")
                lines.append(f"| parked 1,000,000 (ns per spawn+park) | {fmt(r['cpp'], '.0f')} "
                             f"| {fmt(r['go'], '.0f')} | {fmt(r.get('ratio'))} | — | |")
            else:
                lines.append(f"| {r['bench']} | {fmt(r['cpp'], '.1f')} | {fmt(r['go'], '.1f')} "
                             f"| {fmt(r.get('ratio'))} | {r['target']} | {yes(r['met'])} |")
        lines.append("")
    if "http" in results:
        lines += ["### HTTP client vs curl --parallel vs wrk (nginx, 20,000-page site; req/s and "
                  "µs CPU per request, medians)", "",
                  "| N | method | ours req/s | curl req/s | wrk GET req/s | ours/curl | ours/wrk "
                  "| ours µs CPU/req | curl µs CPU/req | wrk µs CPU/req | targets |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in results["http"]["summary"]:
            lines.append(
                f"| {r['connections']} | {r['method'].upper()} | {fmt(r['ours_rps'], '.0f')} "
                f"| {fmt(r['curl_rps'], '.0f')} | {fmt(r['wrk_rps'], '.0f')} "
                f"| {fmt(r.get('vs_curl'))} | {fmt(r.get('vs_wrk'))} "
                f"| {fmt(r['ours_cpu_us'], '.1f')} | {fmt(r['curl_cpu_us'], '.1f')} "
                f"| {fmt(r['wrk_cpu_us'], '.1f')} | {yes(r['met'])} |")
        lines.append("")
    for key, title in (("audit", "Audit (nginx, HEAD; medians)"),
                       ("audit1m", "Audit, 1,000,000 URLs through a sitemap index (medians)")):
        if key not in results:
            continue
        lines += [f"### {title}", "",
                  "| URLs | workers | tool | runs | wall s | URLs/s | CPU s | peak RSS MiB "
                  "| outcome (ok / total, median) | complete runs |",
                  "|---:|---:|---|---:|---:|---:|---:|---:|---|---:|"]
        for r in results[key]["summary"]:
            lines.append(
                f"| {r['urls']:,} | {r['workers']} | {r['tool']} | {r['runs']} | {fmt(r['wall'])} "
                f"| {fmt(r['rate'], ',.0f')} | {fmt(r['cpu'])} | {fmt(r['rss_mib'], '.1f')} "
                f"| {fmt(r['ok'], ',.0f')} / {fmt(r['total'], ',.0f')} "
                f"| {r['complete_runs']}/{r['runs']} |")
        lines.append("")
    if "audit10m" in results and "summary" in results["audit10m"]:
        lines += [f"### Audit, {results['audit10m']['urls']:,} URLs through an index of 200 gzip'd "
                  "sitemaps (medians)",
                  "", "| workers | tool | runs | wall s | URLs/s | CPU s | peak RSS MiB "
                  "| ok / total, in input order | JSON report GB | written in s | load at start "
                  "| complete runs |",
                  "|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|"]
        for r in results["audit10m"]["summary"]:
            order = "" if r["in_order"] is None else f", {fmt(r['in_order'], ',.0f')}"
            lines.append(
                f"| {r['workers']} | {r['tool']} | {r['runs']} | {fmt(r['wall'])} "
                f"| {fmt(r['rate'], ',.0f')} | {fmt(r['cpu'])} | {fmt(r['rss_mib'], '.1f')} "
                f"| {fmt(r['ok'], ',.0f')} / {fmt(r['total'], ',.0f')}{order} "
                f"| {fmt(r['report_gb'])} | {fmt(r['write_s'])} | {'; '.join(r['loads'])} "
                f"| {r['complete_runs']}/{r['runs']} |")
        lines.append("")
    if "slow" in results:
        server = {"nginx": "nginx with the echo module"}.get(results["slow"].get("server"),
                                                            "fixture server")
        lines += [f"### Slow site ({server}, every answer after the delay; 10,000 URLs, 10,000 "
                  "workers; medians)", "",
                  "| tool | runs | wall s | CPU s | peak RSS MiB | server's peak in flight "
                  "| last request arrived, s | complete runs |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for r in results["slow"]["summary"]:
            lines.append(f"| {r['tool']} | {r['runs']} | {fmt(r['wall'])} | {fmt(r['cpu'])} "
                         f"| {fmt(r['rss_mib'], '.1f')} | {fmt(r.get('peak_in_flight'), '.0f')} "
                         f"| {fmt(r.get('last_arrival'))} "
                         f"| {r['complete_runs']}/{r['runs']} |")
        lines.append("")
    if "crawl" in results:
        c = results["crawl"]
        lines += ["### Crawl (nginx, the crawl site; medians; pages counted in nginx's access "
                  "log: distinct HTML pages fetched with GET and answered 200)", "",
                  "| pages | tool | concurrency | runs | pages reached | wall s | pages/s "
                  "| CPU s | CPU ms/page | peak RSS MiB | requests | broken links requested "
                  "| complete runs |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in c.get("summary", []):
            lines.append(
                f"| {r['n']:,} | {r['tool']} | {r['concurrency']} | {r['runs']} "
                f"| {fmt(r['pages'], ',.0f')} / {r['expected_pages']:,} | {fmt(r['wall'])} "
                f"| {fmt(r['rate'], ',.0f')} | {fmt(r['cpu'])} | {fmt(r['cpu_per_page_ms'], '.3f')} "
                f"| {fmt(r['rss_mib'], '.1f')} | {fmt(r['requests'], ',.0f')} "
                f"| {fmt(r['broken'], '.0f')} / {r['expected_broken']} "
                f"| {r['complete_runs']}/{r['runs']} |")
        lines.append("")
        perf = c.get("perf")
        if perf and "symbols" in perf:
            lines += [f"`{perf['command']}` ({perf.get('samples')}), self time:", "",
                      "| % | DSO, symbol |", "|---:|---|"]
            lines += [f"| {p['percent']:.2f} | `{p['what']}` |" for p in perf["symbols"]]
            lines += ["", "| % | DSO |", "|---:|---|"]
            lines += [f"| {p['percent']:.2f} | `{p['what']}` |" for p in perf["dsos"]]
            lines.append("")
        elif perf:
            lines += [f"perf: {perf.get('error')}", ""]
    targets = []
    for key in ("audit", "audit1m", "audit10m", "slow", "crawl"):
        targets += results.get(key, {}).get("targets", [])
    if targets:
        lines += ["### Audit targets", "", "| target | measured | |", "|---|---:|---|"]
        for t in targets:
            lines.append(f"| {t['target']} | {fmt(t['ratio'])} | {yes(t['met'])} |")
        lines.append("")
    return "\n".join(lines)


def ratio(a, b):
    return a / b if a and b else None


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB, Linux {platform.release()}, "
            f"{platform.freedesktop_os_release().get('PRETTY_NAME', '')}")


def versions():
    def first(cmd):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (p.stdout or p.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return "unavailable"
    return {"go": first(["/usr/lib/go-1.19/bin/go", "version"]), "curl": first(["curl", "-V"]),
            "wget2": first(["wget2", "--version"]), "wrk": first(["wrk", "-v"]),
            "nginx": first(["nginx", "-v"]), "node": first(["node", "--version"]),
            "linkchecker": first(["linkchecker", "--version"]),
            "linkinator": first([os.path.join(NPM_BIN, "linkinator"), "--version"]),
            "blc": first([os.path.join(NPM_BIN, "blc"), "--version"])}


def main():
    parser = argparse.ArgumentParser(prog="scripts/bench/run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sections", nargs="*", default=[],
                        help="runtime http audit audit1m audit10m slow crawl all (default: "
                             "runtime http audit slow)")
    parser.add_argument("--quick", action="store_true",
                        help="2 repetitions, shorter runs (a smoke test, not a figure to quote)")
    parser.add_argument("--reps", type=int, help="repetitions per contestant (default 5)")
    parser.add_argument("--reps-1m", type=int, help="repetitions at 1,000,000 URLs (default 3)")
    parser.add_argument("--reps-10m", type=int, default=1,
                        help="repetitions at 10,000,000 URLs, audit10m (default 1)")
    parser.add_argument("--parked-reps", type=int, help="repetitions of the 1,000,000-fiber "
                        "memory benchmark (default 3)")
    parser.add_argument("--sizes", default="20000,100000", help="audit site sizes")
    parser.add_argument("--baseline", metavar="BINARY",
                        help="another siteaudit binary (e.g. an older commit's build) run as the "
                             "audit and crawl tool 'siteaudit-baseline', alternating with this "
                             "build")
    parser.add_argument("--tools", default=",".join(t for t in AUDIT_TOOLS
                                                    if t != "siteaudit-baseline"),
                        help="audit contestants (default: %(default)s)")
    parser.add_argument("--workers", default="64,256", help="audit worker counts")
    parser.add_argument("--connections", default="16,64,256", help="HTTP benchmark N")
    parser.add_argument("--http-requests", type=int, help="requests per HTTP run (default 60000)")
    parser.add_argument("--wrk-seconds", type=int, help="wrk run length (default 5)")
    parser.add_argument("--slow-urls", type=int, default=10_000)
    parser.add_argument("--slow-workers", type=int, default=10_000)
    parser.add_argument("--delay-ms", type=int, default=1000)
    parser.add_argument("--slow-server", choices=("fixture", "nginx"), default="fixture",
                        help="the slow section's server: the Python fixture server (default) "
                             "or nginx with the echo module, whose accept rate does not "
                             "bound the clients")
    parser.add_argument("--crawl-sizes", default="20000,100000",
                        help="crawl site sizes in pages (1000000 works; the site is ~4 GB)")
    parser.add_argument("--crawl-tools", default=",".join(t for t in CRAWL_TOOLS
                                                          if t != "siteaudit-baseline"),
                        help="crawl contestants (default: %(default)s)")
    parser.add_argument("--crawl-concurrency", type=int, default=64,
                        help="each crawler's concurrency: siteaudit --workers/--per-host, wget2 "
                             "--max-threads, linkinator --concurrency, LinkChecker --threads, "
                             "blc --requests/--host-requests (default 64)")
    parser.add_argument("--crawl-slow-reps", type=int,
                        help="repetitions of linkinator, LinkChecker and blc (default 2)")
    parser.add_argument("--crawl-slow-max", type=int, default=20_000,
                        help="largest site linkinator, LinkChecker and blc crawl (default "
                             "20000: they take minutes a run above it)")
    parser.add_argument("--crawl-timeout", type=int, default=900,
                        help="seconds a crawler may run before it is stopped and its run "
                             "counted incomplete (default 900)")
    parser.add_argument("--perf", action="store_true",
                        help="crawl: one `perf record` run of siteaudit on the first size")
    parser.add_argument("--perf-freq", type=int, default=2999, help="perf record -F")
    parser.add_argument("--perf-top", type=int, default=30, help="perf symbols in the table")
    parser.add_argument("--port", type=int, default=18080, help="nginx port (default 18080)")
    args = parser.parse_args()

    sections = args.sections or ["runtime", "http", "audit", "slow"]
    if "all" in sections:
        sections = ["runtime", "http", "audit", "audit1m", "slow"]
    known = {"runtime", "http", "audit", "audit1m", "audit10m", "slow", "crawl"}
    for s in sections:
        if s not in known:
            parser.error(f"unknown section {s!r}")
    q = args.quick
    args.reps = args.reps or (2 if q else 5)
    args.reps_1m = args.reps_1m or (1 if q else 3)
    args.parked_reps = args.parked_reps or (1 if q else 3)
    args.http_requests = args.http_requests or (20_000 if q else 60_000)
    args.wrk_seconds = args.wrk_seconds or (2 if q else 5)
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.crawl_sizes = [int(s) for s in args.crawl_sizes.split(",")]
    args.crawl_tools = args.crawl_tools.split(",")
    args.crawl_slow_reps = args.crawl_slow_reps or (1 if q else 2)
    for t in args.crawl_tools:
        if t not in CRAWL_TOOLS:
            parser.error(f"unknown crawl tool {t!r}; known: {', '.join(CRAWL_TOOLS)}")
    args.workers = [int(s) for s in args.workers.split(",")]
    args.connections = [int(s) for s in args.connections.split(",")]
    args.tools = args.tools.split(",")
    if args.baseline:
        BIN["siteaudit_baseline"] = os.path.abspath(args.baseline)
        for tools in (args.tools, args.crawl_tools):
            if "siteaudit-baseline" not in tools:
                tools.insert(1, "siteaudit-baseline")
    elif "siteaudit-baseline" in args.tools + args.crawl_tools:
        parser.error("the tool siteaudit-baseline needs --baseline BINARY")
    for t in args.tools:
        if t not in AUDIT_TOOLS:
            parser.error(f"unknown tool {t!r}; known: {', '.join(AUDIT_TOOLS)}")

    needs = {"runtime": ["runtime_bench", "go_runtime"], "http": ["http_bench"],
             "audit": ["siteaudit", "go_pool"], "audit1m": ["siteaudit", "go_pool"],
             "audit10m": ["siteaudit", "go_pool"],
             "slow": ["siteaudit", "go_pool"], "crawl": ["siteaudit"]}
    for s in sections:
        for b in needs[s]:
            if b == "siteaudit" and "siteaudit" not in (args.crawl_tools if s == "crawl"
                                                        else args.tools):
                continue
            if not os.access(BIN[b], os.X_OK):
                raise SystemExit(f"bench: {BIN[b]} is missing; run scripts/bench/run (it builds)")
    if "crawl" in sections:
        for t, path in (("linkinator", os.path.join(NPM_BIN, "linkinator")),
                        ("blc", os.path.join(NPM_BIN, "blc")), ("wget2", shutil.which("wget2")),
                        ("linkchecker", shutil.which("linkchecker"))):
            if t in args.crawl_tools and not (path and os.access(path, os.X_OK)):
                raise SystemExit(f"bench: {t} is missing; run scripts/bench/run (it installs "
                                 "the Debian packages and the npm ones into build/bench/npm)")

    os.makedirs(OUT, exist_ok=True)
    meta = {"machine": machine(), "date": datetime.datetime.now().astimezone().isoformat(
        timespec="seconds"), "command": "scripts/bench/run " + " ".join(sys.argv[1:]),
        "load_start": " ".join(open("/proc/loadavg").read().split()[:3]),
        "versions": versions(), "sections": sections, "reps": args.reps}
    results = {}
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = os.path.join(OUT, f"results-{stamp}.json")
    functions = {"runtime": section_runtime, "http": section_http, "audit": section_audit,
                 "audit1m": section_audit1m, "audit10m": section_audit10m,
                 "slow": section_slow, "crawl": section_crawl}
    try:
        for s in sections:
            log(f"== {s}")
            functions[s](args, results)
            # Raw figures are saved after every section, so a long run interrupted keeps them.
            with open(path, "w") as f:
                json.dump({"meta": meta, "results": results}, f, indent=1)
    finally:
        meta["load_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
        with open(path, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
        shutil.copyfile(path, os.path.join(OUT, "latest.json"))
    table = markdown(results, meta)
    with open(os.path.join(OUT, "latest.md"), "w") as f:
        f.write(table + "\n")
    print(table)
    log(f"raw figures: {path}; tables: {os.path.join(OUT, 'latest.md')}")


if __name__ == "__main__":
    main()
