"""Response headers that Django's SecurityMiddleware does not set: Permissions-Policy and
Cross-Origin-Resource-Policy. The Content-Security-Policy comes from django-csp (CONTENT_SECURITY_POLICY).
"""

# Powerful browser features the site never uses, denied to the site itself and to anything it could embed.
# Only names Chromium recognises (tests/browser checks it): it warns in the console about any other, such as
# "bluetooth", which it does not implement.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class SecurityHeadersMiddleware:
    """Adds both headers to every response (pages, admin, static and media files) unless a view set them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Nothing here is meant to be loaded by other sites' pages: no hot-linked photos, no widget.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
