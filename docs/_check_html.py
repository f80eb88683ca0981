"""Check the built site's pictures: every ``<img>`` of every page resolves to a
file of the build, every gallery example shows at least one figure, and the
API pages show the examples that use them. Run after the build (CI does):

    python docs/_check_html.py docs/_build/html
"""

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs).get("src", ""))


def images(page):
    parser = Images()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.sources


def main(site):
    problems, count = [], 0
    for page in sorted(site.rglob("*.html")):
        for src in images(page):
            url = urlparse(src)
            if url.scheme or src.startswith("data:"):
                continue  # remote badges or inline images: not ours
            count += 1
            if not (page.parent / unquote(url.path)).resolve().is_file():
                problems.append(f"{page.relative_to(site)}: {src} is missing")
    examples = [
        p
        for p in (site / "auto_examples").glob("*.html")
        if p.stem not in ("index", "sg_execution_times")
    ]
    if not examples:
        problems.append("no gallery example pages")
    for page in examples:
        if not any("sphx_glr_" in src for src in images(page)):
            problems.append(f"{page.relative_to(site)} shows no figure")
    api_page = site / "generated" / "skae.AutoencoderTransformer.html"
    if not any("_thumb" in src for src in images(api_page)):
        problems.append(f"{api_page.relative_to(site)} shows no example thumbnail")
    print(f"{count} images in {site}, {len(examples)} gallery examples checked")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_build/html")))
