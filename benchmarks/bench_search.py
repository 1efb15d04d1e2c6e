"""Benchmark: what a visitor downloads before the first search result, Pagefind vs Material.

For each size (default 1,000 and 10,000 tasks, a synthetic ledger from ``benchmarks/synth.py``
with one commit per task: the history does not change the pages' text much), the site is
built once with ``duban build`` (Pagefind). Then:

- **Pagefind** (what the site uses): the search page is opened in Debian's Chromium with
  ``?q=QUERY`` and every response counted (body + headers) until the first result is shown:
  the page itself with the theme's files, and the search bundle (script, entry file, the
  index chunks of the query's words, the fragments of the results shown). Also reported: the
  bytes of ``pagefind/`` requests alone, and the whole ``pagefind/`` folder on disk.
- **Material's search** (the former setup): MkDocs builds the same generated Markdown with
  the theme's ``search`` plugin (jieba segmentation, the repository's ``mkdocs.yml``
  settings); every page fetches ``search/search_index.json`` and the search worker with its
  lunr language files before it can show a result: their sizes on disk are the payload
  (served uncompressed, as the Python server in the browser test serves them).

    python benchmarks/bench_search.py [--sizes 1000,10000] [--query 推进] [--keep DIR]

Numbers: benchmarks/README.md ("Search payload").
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

AS_OF = "2026-06-30"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DUBAN = """
import json, sys
from datetime import date
from pathlib import Path
from duban.web.build import build_site
repo, out, work, config = map(Path, sys.argv[1:5])
result, problems = build_site(repo / "ledger", out=out, as_of=date.fromisoformat(sys.argv[5]),
                              repo=repo, config_file=config, work=work)
print(json.dumps({"tasks": result.tasks, "times": result.times,
                  "errors": [p.message("en") for p in problems if p.severity == "error"]}))
"""
MATERIAL = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
cfg = load_config(config_file=sys.argv[1], site_dir=sys.argv[2])
cfg.plugins.on_startup(command="build", dirty=False)
build(cfg)
cfg.plugins.on_shutdown()
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def pagefind_payload(site: Path, query: str) -> dict[str, object]:
    """Bytes fetched by the search page of ``site`` until the first result of ``query``."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless"])
            page = browser.new_page()

            def count(request) -> None:  # type: ignore[no-untyped-def]
                s = request.sizes()
                sizes[urlsplit(request.url).path] = s["responseBodySize"] + s["responseHeadersSize"]

            page.on("requestfinished", count)
            started = time.perf_counter()
            page.goto(f"{base}search/?q={quote(query)}")
            page.wait_for_selector(".pagefind-ui__result-link", timeout=60000)
            seconds = time.perf_counter() - started
            results = page.locator(".pagefind-ui__result-link").count()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    bundle = {k: v for k, v in sizes.items() if "/pagefind/" in k}
    on_disk = sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file())
    return {
        "bytes_before_first_result": sum(sizes.values()),
        "pagefind_bytes": sum(bundle.values()),
        "requests": len(sizes),
        "index_chunks": len([k for k in bundle if "/index/" in k]),
        "fragments": len([k for k in bundle if "/fragment/" in k]),
        "results_shown": results,
        "seconds_to_first_result": seconds,
        "bundle_on_disk": on_disk,
    }


def material_payload(work: Path, base: Path) -> dict[str, object]:
    """The same generated Markdown built by MkDocs with Material's search plugin; the bytes
    every page fetches before its first search result."""
    import yaml

    user = yaml.safe_load((ROOT / "mkdocs.yml").read_text("utf-8"))
    search = [p for p in user["plugins"] if "search" in (p if isinstance(p, dict) else {p: 0})]
    config = base / "material.yml"
    settings = {"INHERIT": str(work / "mkdocs.yml"), "docs_dir": str(work / "docs")}
    config.write_text(yaml.safe_dump({**settings, "plugins": search}), "utf-8")
    site = base / "material-site"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", MATERIAL, str(config), str(site)], check=True)
    seconds = time.perf_counter() - started
    index = site / "search" / "search_index.json"
    js = site / "assets" / "javascripts"
    worker = sorted((js / "workers").glob("search.*.min.js"))
    # lunr's language support for zh as Material's worker loads it
    lunr = [js / "lunr" / "min" / n for n in ("lunr.stemmer.support.min.js", "lunr.zh.min.js")]
    files = [index, *worker, *[f for f in lunr if f.is_file()]]
    return {
        "bytes_before_first_result": sum(f.stat().st_size for f in files),
        "search_index_bytes": index.stat().st_size,
        "build_seconds": seconds,
    }


def run(base: Path, tasks: int, query: str) -> dict[str, object]:
    from synth import build_repo

    repo = base / "repo"
    build_repo(repo, tasks=tasks, commits=tasks, checkout=True)
    out, work = base / "site", base / "work"
    started = time.perf_counter()
    report = subprocess.run(
        [sys.executable, "-c", DUBAN, *map(str, (repo, out, work, ROOT / "mkdocs.yml")), AS_OF],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    built = json.loads(report.strip().splitlines()[-1])
    return {
        "tasks": built["tasks"],
        "duban_build_seconds": time.perf_counter() - started,
        "search_stage_seconds": built["times"].get("search"),
        "errors": built["errors"],
        "pagefind": pagefind_payload(out, query),
        "material": material_payload(work, base),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of tasks, comma-separated")
    parser.add_argument("--query", default="推进", help="the query (a word in many task titles)")
    parser.add_argument("--keep", type=Path, help="keep the work folders here")
    args = parser.parse_args()
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size} tasks", flush=True)
        if args.keep:
            base = args.keep / f"search-{size}"
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            results.append(run(base, size, args.query))
        else:
            with tempfile.TemporaryDirectory(prefix="duban-bench-search-") as tmp:
                results.append(run(Path(tmp), size, args.query))
        r = results[-1]
        pf, mat = r["pagefind"], r["material"]
        print(
            f"  Pagefind: {pf['bytes_before_first_result'] / 1e3:.0f} kB before the first result"  # type: ignore[index]
            f" ({pf['pagefind_bytes'] / 1e3:.0f} kB of search bundle, {pf['index_chunks']} index"  # type: ignore[index]
            f" chunks, {pf['fragments']} fragments; bundle on disk"  # type: ignore[index]
            f" {pf['bundle_on_disk'] / 1e6:.1f} MB)\n"  # type: ignore[index]
            f"  Material: {mat['bytes_before_first_result'] / 1e3:.0f} kB before the first result"  # type: ignore[index]
            f" (search_index.json {mat['search_index_bytes'] / 1e3:.0f} kB)",  # type: ignore[index]
            flush=True,
        )
    if len(results) > 1:
        a, b = results[0], results[-1]
        for name in ("pagefind", "material"):
            growth = b[name]["bytes_before_first_result"] / a[name]["bytes_before_first_result"]  # type: ignore[index]
            print(f"{name}: x{growth:.2f} for x{b['tasks'] / a['tasks']:.0f} tasks")  # type: ignore[operator]
    print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
