#!/usr/bin/env python3
"""gen_site.py — a static site of N small HTML pages that link to each other, and its sitemaps.

Pages are port-independent (links are root-relative), so they are written once per N and
kept under scripts/bench/sites/N/ (git-ignored). Sitemaps need absolute URLs, so they are
rewritten whenever the origin changes:

  N <= 50,000  sitemap.xml is a <urlset> of every page;
  N >  50,000  sitemap.xml is a <sitemapindex> of sitemap-K.xml children, each <= 50,000 URLs.

Beside them: urls.txt (one absolute URL a line, the order of the sitemaps) and paths.txt
(the same as paths, for wrk's Lua script).

  gen_site.py DIR N ORIGIN     e.g. gen_site.py scripts/bench/sites/20000 20000 http://127.0.0.1:18080
"""

import os
import sys

PER_DIR = 1000  # pages per directory: 1,000,000 pages in 1,000 directories
PER_SITEMAP = 50_000  # the sitemaps.org limit per file
LINKS = 5


def page_path(i):
    return f"/p/{i // PER_DIR}/{i}.html"


def page_html(i, n):
    # Links spread over the whole site so a crawler would reach every page.
    targets = [(i + 1) % n, (i + n - 1) % n, (i * 7 + 3) % n, (i * 31 + 17) % n, (i // 2) % n]
    links = "".join(f'<li><a href="{page_path(t)}">Page {t}</a></li>' for t in targets[:LINKS])
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Page {i}</title></head>\n<body><h1>Page {i}</h1>"
        f"<p>Generated page {i} of {n} for the siteaudit benchmark.</p>\n"
        f'<ul>{links}</ul><p><a href="/">Home</a></p></body></html>\n'
    )


def write_pages(root, n):
    """Writes the pages unless a complete set is already there (stamp file `.pages`)."""
    stamp = os.path.join(root, ".pages")
    if os.path.exists(stamp) and open(stamp).read().strip() == str(n):
        return False
    os.makedirs(root, exist_ok=True)
    for d in range((n + PER_DIR - 1) // PER_DIR):
        os.makedirs(os.path.join(root, "p", str(d)), exist_ok=True)
    for i in range(n):
        with open(os.path.join(root, "p", str(i // PER_DIR), f"{i}.html"), "w") as f:
            f.write(page_html(i, n))
    first = "".join(f'<li><a href="{page_path(i)}">Page {i}</a></li>' for i in range(min(n, 50)))
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write(f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                f"<title>Benchmark site</title></head><body><ul>{first}</ul></body></html>\n")
    with open(stamp, "w") as f:
        f.write(f"{n}\n")
    return True


def urlset(urls):
    body = "".join(f"<url><loc>{u}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}</urlset>\n")


def write_sitemaps(root, n, origin):
    """Writes sitemap.xml (and children), urls.txt and paths.txt for `origin`."""
    stamp = os.path.join(root, ".origin")
    if os.path.exists(stamp) and open(stamp).read().strip() == origin:
        return False
    paths = [page_path(i) for i in range(n)]
    with open(os.path.join(root, "paths.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")
    urls = [origin + p for p in paths]
    with open(os.path.join(root, "urls.txt"), "w") as f:
        f.write("\n".join(urls) + "\n")
    if n <= PER_SITEMAP:
        with open(os.path.join(root, "sitemap.xml"), "w") as f:
            f.write(urlset(urls))
    else:
        children = []
        for k in range(0, n, PER_SITEMAP):
            name = f"sitemap-{k // PER_SITEMAP + 1}.xml"
            with open(os.path.join(root, name), "w") as f:
                f.write(urlset(urls[k:k + PER_SITEMAP]))
            children.append(f"{origin}/{name}")
        body = "".join(f"<sitemap><loc>{c}</loc></sitemap>\n" for c in children)
        with open(os.path.join(root, "sitemap.xml"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                    f"{body}</sitemapindex>\n")
    with open(stamp, "w") as f:
        f.write(origin + "\n")
    return True


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    root, n, origin = sys.argv[1], int(sys.argv[2]), sys.argv[3].rstrip("/")
    write_pages(root, n)
    write_sitemaps(root, n, origin)


if __name__ == "__main__":
    main()
