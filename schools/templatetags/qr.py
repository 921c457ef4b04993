import functools

import segno
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

QR_LABEL = "QR code vers la fiche en ligne"
QR_SIZE_MM = 25
QR_BORDER = 2
QR_CACHE_SIZE = 1024


@register.simple_tag
def qr_svg(url, label=QR_LABEL):
    """An inline SVG QR code (about 25 mm wide once printed) leading to `url`, an absolute URL, named `label`.

    The URL only becomes dark and light modules: no character of it reaches the markup. The one text segno
    writes is the label as the SVG's title, which it escapes itself; the role and label are added with
    format_html.
    Returns an empty string when there is nothing to encode or the URL is too long for any QR code.
    """
    if not url:
        return ""
    return qr_markup(str(url), str(label))


# A school's QR code depends on its address alone, not on what the page says: kept across the content edits
# that empty the page cache. Making one took 6 ms, a third of a school page's build (segno tries the eight
# masks the standard defines and keeps the easiest to read). 2 to 3 kB each.
@functools.lru_cache(maxsize=QR_CACHE_SIZE)
def qr_markup(url, label):
    try:
        # make_qr, not make: a Micro QR code would suit short data but most phone cameras cannot read it.
        code = segno.make_qr(url, error="m")
    except segno.DataOverflowError:
        return ""
    modules = code.symbol_size(border=QR_BORDER)[0]
    svg = code.svg_inline(
        scale=QR_SIZE_MM / modules,
        border=QR_BORDER,
        unit="mm",
        title=label,
        svgclass="qr-code",
        dark="#000",
        light="#fff",
    )
    # svg_inline writes neither an XML declaration nor a namespace: valid as is inside an HTML5 document.
    attributes = format_html(' role="img" aria-label="{}"', label)
    return mark_safe(svg.replace("<svg", f"<svg{attributes}", 1))  # built by segno, see the docstring
