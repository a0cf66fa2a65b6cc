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

The crawl benchmark's site (write_crawl_pages, kept apart under scripts/bench/sites/crawl-N/ so
that the audit figures keep their pages) is a site a crawler must discover: "/" and N pages of
3.6-3.8 KB (each with its own modification time, so its own ETag) in a tree of ten sections (page i's children are 10(i+1) ... 10(i+1)+9, so the
tree is log10(N) levels deep), each page with the navigation to the sections, breadcrumbs to
its ancestors, links to its children, to its neighbours and to three pages elsewhere in the
site (one of them with a #fragment), a same-page fragment link, two stylesheets, two scripts,
an icon and two images out of a shared set of 1,000 (a <picture> with a .webp <source>).
A few links are broken: every 500th page links to a page that does not exist, every 5,000th
shows an image that does not exist (both 404). No link leaves the site.

  gen_site.py --crawl DIR N ORIGIN

The 10,000,000-URL audit's site (write_gzip_sitemaps, under scripts/bench/sites/gz-N/) is
its sitemaps only: an index of gzip'd children of 50,000 URLs, whose page paths nginx
answers from one location block.

  gen_site.py --gzip DIR N ORIGIN
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


def page_dirs(root, n, stamp):
    """Makes root/p/K for n pages and returns True, or returns False when the stamp file says a
    complete set of n pages is there already."""
    stamp = os.path.join(root, stamp)
    if os.path.exists(stamp) and open(stamp).read().strip() == str(n):
        return False
    os.makedirs(root, exist_ok=True)
    for d in range((n + PER_DIR - 1) // PER_DIR):
        os.makedirs(os.path.join(root, "p", str(d)), exist_ok=True)
    return True


def write_pages(root, n):
    """Writes the pages unless a complete set is already there (stamp file `.pages`)."""
    if not page_dirs(root, n, ".pages"):
        return False
    stamp = os.path.join(root, ".pages")
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


def write_index(root, children):
    """Writes root/sitemap.xml, a <sitemapindex> of the URLs `children`."""
    body = "".join(f"<sitemap><loc>{c}</loc></sitemap>\n" for c in children)
    with open(os.path.join(root, "sitemap.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                f"{body}</sitemapindex>\n")


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
        write_index(root, children)
    with open(stamp, "w") as f:
        f.write(origin + "\n")
    return True


def write_gzip_sitemaps(root, n, origin, per=PER_SITEMAP):
    """The 10,000,000-URL audit's site: sitemap.xml, a <sitemapindex> of gzip'd children
    sitemap-K.xml.gz of `per` URLs each, and nothing else. The page paths are page_path(i) as
    for the other sites, but no page is written: nginx answers them from one location block
    (bench.py's audit10m section), so 10,000,000 URLs cost 200 compressed files on disk.
    Rewritten when the origin changes (stamp file `.origin`); no urls.txt (the order is
    page_path(0), page_path(1), ...)."""
    stamp = os.path.join(root, ".origin")
    if os.path.exists(stamp) and open(stamp).read().strip() == f"{origin} {n} {per}":
        return False
    import gzip
    os.makedirs(root, exist_ok=True)
    children = []
    for k in range(0, n, per):
        name = f"sitemap-{k // per + 1}.xml.gz"
        text = urlset(origin + page_path(i) for i in range(k, min(n, k + per)))
        # mtime=0: the same bytes for the same URLs, whenever they are generated.
        with open(os.path.join(root, name), "wb") as f:
            f.write(gzip.compress(text.encode(), compresslevel=6, mtime=0))
        children.append(f"{origin}/{name}")
    write_index(root, children)
    with open(stamp, "w") as f:
        f.write(f"{origin} {n} {per}\n")
    return True


# --- the crawl benchmark's site -----------------------------------------------------------------

SECTIONS = 10  # the tree's fan-out, and the sections in every page's navigation
IMAGES = 1000  # distinct images shared by the pages (each as .jpg and .webp)
BROKEN_PAGE_EVERY = 500  # page i links to a missing page when i % 500 == 250
BROKEN_IMAGE_EVERY = 5000  # page i shows a missing image when i % 5000 == 1234
CRAWL_PAGE_BYTES = 3700  # filler pads each page to about this size

WORDS = ("site audit crawler link page sitemap section image style script fragment anchor "
         "broken redirect canonical header status server client fetch parse queue worker "
         "frontier depth scope origin resource report finding referrer").split()


def crawl_parent(i):
    """The tree's parent of page i, or None for a section (a child of "/")."""
    return None if i < SECTIONS else i // SECTIONS - 1


def crawl_children(i, n):
    first = SECTIONS * (i + 1)
    return range(first, min(first + SECTIONS, n))


def crawl_depth(i):
    d = 1
    while (i := crawl_parent(i)) is not None:
        d += 1
    return d


def crawl_missing(i, n):
    """The 404 paths page i links to (the crawl's broken links)."""
    missing = []
    if i % BROKEN_PAGE_EVERY == BROKEN_PAGE_EVERY // 2:
        missing.append(f"/p/gone/{i}.html")
    if i % BROKEN_IMAGE_EVERY == 1234 and n > 1234:
        missing.append(f"/static/img/missing-{i}.png")
    return missing


def filler(i, k, words):
    return " ".join(WORDS[(i * 7 + k * 13 + j * j) % len(WORDS)] for j in range(words))


def crawl_page_html(i, n):
    """Page i of the crawl site: deterministic, root-relative links only."""
    section = i if i < SECTIONS else None
    a = i
    while section is None:
        a = crawl_parent(a)
        section = a if a < SECTIONS else None
    title = f"Page {i}"
    nav = "".join(f'<li><a href="{page_path(s)}">Section {s}</a></li>' for s in range(min(SECTIONS, n)))
    crumbs, a = [], crawl_parent(i)
    while a is not None:
        crumbs.append(f'<a href="{page_path(a)}">Page {a}</a>')
        a = crawl_parent(a)
    crumbs = " &rsaquo; ".join(['<a href="/">Home</a>'] + crumbs[::-1])
    children = "".join(f'<li><a href="{page_path(c)}">Page {c}</a></li>'
                       for c in crawl_children(i, n))
    related = [(i * 7 + 3) % n, (i * 31 + 17) % n, (i * 131 + 71) % n]
    img1, img2 = i % IMAGES, (i * 13 + 5) % IMAGES
    broken = crawl_missing(i, n)
    extra = ""
    for path in broken:
        if path.endswith(".png"):
            extra += f'<p><img src="{path}" alt="Diagram {i}" width="320" height="200"></p>\n'
        else:
            extra += f'<p>See also <a href="{path}">the old page {i}</a>.</p>\n'
    head = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{title} &mdash; Section {section}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="stylesheet" href="/static/css/site.css">\n'
        f'<link rel="stylesheet" href="/static/css/section-{section}.css">\n'
        '<link rel="icon" href="/favicon.ico">\n'
        f'<link rel="canonical" href="{page_path(i)}">\n'
        '<script src="/static/js/site.js" defer></script>\n</head>\n')
    body = (
        f'<body>\n<header><a href="/">Benchmark site</a><nav><ul>{nav}</ul></nav></header>\n'
        f'<nav class="breadcrumbs">{crumbs}</nav>\n'
        f'<main><article id="top">\n<h1>{title}</h1>\n'
        f'<p class="lead">{filler(i, 0, 40)}</p>\n'
        f'<p><img src="/static/img/{img1}.jpg" alt="Figure {img1}" width="640" height="360"></p>\n'
        f'<h2 id="details">Details</h2>\n<p>{filler(i, 1, 60)} '
        f'<a href="{page_path(related[0])}">page {related[0]}</a> {filler(i, 2, 30)} '
        f'<a href="{page_path(related[1])}#details">the details of page {related[1]}</a>.</p>\n'
        f'<picture><source srcset="/static/img/{img2}.webp" type="image/webp">'
        f'<img src="/static/img/{img2}.jpg" alt="Figure {img2}" width="640" height="360"></picture>\n'
        f'<p>{filler(i, 3, 60)} <a href="#details">details above</a>.</p>\n'
        f"{extra}"
        f'<h2 id="related">Pages below and around this one</h2>\n<ul>{children}</ul>\n'
        f'<p><a href="{page_path((i + n - 1) % n)}">Previous</a> | '
        f'<a href="{page_path((i + 1) % n)}">Next</a> | '
        f'<a href="{page_path(related[2])}">Read next: page {related[2]}</a> | '
        '<a href="#top">Back to top</a></p>\n')
    tail = ('</article></main>\n<footer><p>Generated for the siteaudit crawl benchmark.</p>'
            '<script src="/static/js/analytics.js" async></script></footer>\n</body></html>\n')
    # Sizes vary around CRAWL_PAGE_BYTES (±100) as real pages' do.
    pad = (CRAWL_PAGE_BYTES - 100 + (i * 37) % 200 - len(head) - len(body) - len(tail)
           - len("<p></p>\n"))
    if pad > 0:
        text = filler(i, 4, pad // 6 + 1)[:pad]
        body += f"<p>{text}</p>\n"
    return head + body + tail


def crawl_index_html(n):
    nav = "".join(f'<li><a href="{page_path(s)}">Section {s}</a></li>' for s in range(min(SECTIONS, n)))
    return ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Benchmark site</title>"
            '<link rel="stylesheet" href="/static/css/site.css">'
            '<link rel="icon" href="/favicon.ico">'
            '<script src="/static/js/site.js" defer></script></head>\n'
            f'<body><header><nav><ul>{nav}</ul></nav></header>\n<main><h1>Benchmark site</h1>'
            f'<p>{filler(0, 9, 50)}</p><p><img src="/static/img/0.jpg" alt="Figure 0"></p>'
            "</main></body></html>\n")


def crawl_resources():
    """(path, bytes) of every stylesheet, script, icon and image the crawl pages link to."""
    out = [("/static/css/site.css", b"body{font:16px/1.5 sans-serif}\n" * 40),
           ("/static/js/site.js", b"document.documentElement.className='js';\n" * 30),
           ("/static/js/analytics.js", b"/* analytics */\n" * 20),
           ("/favicon.ico", bytes(range(256)) * 4)]
    out += [(f"/static/css/section-{s}.css", b".section{color:#333}\n" * 30)
            for s in range(SECTIONS)]
    for k in range(IMAGES):
        blob = (k.to_bytes(4, "big") * 512)
        out += [(f"/static/img/{k}.jpg", blob), (f"/static/img/{k}.webp", blob[:1024])]
    return out


def crawl_expected(n):
    """What a complete crawl of the site requests: HTML pages (with "/"), other resources that
    exist, and the broken (404) paths."""
    broken = sorted({p for i in range(n) for p in crawl_missing(i, n)})
    return {"pages": n + 1, "resources": len(crawl_resources()), "broken": broken,
            "max_depth": max(crawl_depth(i) for i in range(n)) if n else 0}


def write_crawl_pages(root, n):
    """The crawl site under root, unless a complete one is there (stamp file `.crawl-pages`)."""
    if not page_dirs(root, n, ".crawl-pages"):
        return False
    stamp = os.path.join(root, ".crawl-pages")
    # Each page gets its own modification time, as pages edited on different days have:
    # nginx's ETag is mtime-size, and wget2 does not parse a page whose ETag it has seen
    # ("Not scanning ... (known ETag)"), so pages written in the same second with the same
    # size would hide each other from it.
    epoch = 1_700_000_000
    for i in range(n):
        path = os.path.join(root, "p", str(i // PER_DIR), f"{i}.html")
        with open(path, "w") as f:
            f.write(crawl_page_html(i, n))
        os.utime(path, (epoch + i, epoch + i))
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write(crawl_index_html(n))
    os.utime(os.path.join(root, "index.html"), (epoch - 1, epoch - 1))
    for k, (path, blob) in enumerate(crawl_resources()):
        full = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(blob)
        os.utime(full, (epoch - 10_000_000 + k, epoch - 10_000_000 + k))
    with open(stamp, "w") as f:
        f.write(f"{n}\n")
    return True


def main():
    args = sys.argv[1:]
    crawl = bool(args) and args[0] == "--crawl"
    gzipped = bool(args) and args[0] == "--gzip"
    if crawl or gzipped:
        args = args[1:]
    if len(args) != 3:
        sys.exit(__doc__)
    root, n, origin = args[0], int(args[1]), args[2].rstrip("/")
    if gzipped:
        write_gzip_sitemaps(root, n, origin)
        return
    (write_crawl_pages if crawl else write_pages)(root, n)
    write_sitemaps(root, n, origin)


if __name__ == "__main__":
    main()
