from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def external_link(url, text, of="", hreflang=""):
    """A link to another site, written the same way everywhere: rel="noopener external" and, for screen
    readers, "(site externe)" after the text (with "de <of>" before it when the text alone is vague, like
    "Site web"). `text` is escaped unless it is safe (a string literal written in the template)."""
    language = format_html(' hreflang="{}"', hreflang) if hreflang else ""
    hidden = format_html(" de {} (site externe)", of) if of else " (site externe)"
    return format_html(
        '<a href="{}" rel="noopener external"{}>{}<span class="visually-hidden">{}</span></a>',
        url,
        language,
        text,
        hidden,
    )
