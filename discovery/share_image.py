"""The 1200 × 630 PNG a messenger or a social network shows beside a link to the site, drawn by Pillow.

Font: DejaVu Sans from Debian's `fonts-dejavu-core` package (`make fonts` installs it; free licence, see
/usr/share/doc/fonts-dejavu-core/copyright). Without it, Pillow's own bundled font (Aileron, shipped inside
the Pillow wheel) draws the same picture in a lighter face. No outside service is asked for anything.
"""

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
SEA, SAND, WHITE = "#00576b", "#f4efe6", "#ffffff"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SITE_NAME = "Écoles de production de Normandie"


@cache
def font(size, bold=False):
    path = DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def wrapped(draw, text, size, bold, width, max_lines):
    """`text` cut into at most `max_lines` lines of at most `width` pixels, at this font size or smaller."""
    for current in range(size, 27, -4):
        lines, line = [], ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font(current, bold)) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
        lines = [one for one in lines if one]
        if len(lines) <= max_lines and all(
            draw.textlength(one, font=font(current, bold)) <= width for one in lines
        ):
            return lines, current
    # Still too long at the smallest size: keep what fits and end with an ellipsis.
    kept = lines[:max_lines]
    while kept and draw.textlength(kept[-1] + " …", font=font(current, bold)) > width:
        kept[-1] = kept[-1].rsplit(" ", 1)[0] if " " in kept[-1] else kept[-1][:-1]
    kept[-1] += " …"
    return kept, current


def draw_share_image(title, lines=()):
    """PNG bytes: the site's name, `title` in large type, then each of `lines` (trade, town…)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), SEA)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    draw.rectangle((0, HEIGHT - 24, WIDTH, HEIGHT), fill=SAND)
    draw.text((MARGIN, MARGIN), SITE_NAME, font=font(34), fill=SAND)
    y = MARGIN + 80
    title_lines, size = wrapped(draw, title, 76, True, text_width, 3)
    for line in title_lines:
        draw.text((MARGIN, y), line, font=font(size, bold=True), fill=WHITE)
        y += int(size * 1.2)
    y += 24
    for text in lines:
        if not text or y > HEIGHT - 110:
            continue
        detail_lines, detail_size = wrapped(draw, text, 40, False, text_width, 2)
        for line in detail_lines:
            draw.text((MARGIN, y), line, font=font(detail_size), fill=SAND)
            y += int(detail_size * 1.3)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
