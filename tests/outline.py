"""What a reader (or a screen reader) finds on a page: headings, labelled sections, ids, links, plain text."""

from html import unescape
from html.parser import HTMLParser


class PageOutline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1_count = 0
        self.h2_texts = {}
        self.labelled_sections = []
        self.ids = set()
        self.links = []  # {"href", "rel", "text", "nav": aria-label of the enclosing nav, if any}
        self._h2_id = None
        self._link = None
        self._nav = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "h1":
            self.h1_count += 1
        elif tag == "h2":
            self._h2_id = attrs.get("id")
            self.h2_texts[self._h2_id] = ""
        elif tag == "section":
            self.labelled_sections.append(attrs.get("aria-labelledby"))
        elif tag == "nav":
            self._nav = attrs.get("aria-label")
        elif tag == "a":
            rel = (attrs.get("rel") or "").split()
            self._link = {"href": attrs.get("href", ""), "rel": rel, "text": "", "nav": self._nav}
            self.links.append(self._link)

    def handle_endtag(self, tag):
        if tag == "h2":
            self._h2_id = None
        elif tag == "nav":
            self._nav = None
        elif tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._h2_id is not None:
            self.h2_texts[self._h2_id] += data
        if self._link is not None:
            self._link["text"] += data

    def links_in(self, nav_label):
        return {link["href"]: link["text"] for link in self.links if link["nav"] == nav_label}


def outline(response):
    html = response.content.decode()
    parsed = PageOutline()
    parsed.feed(html)
    parsed.text = unescape(html)
    return parsed
