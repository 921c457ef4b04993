"""The address django-axes counts failed logins against."""

import ipaddress


def client_ip_behind_proxy(request):
    """The visitor's address when a TLS proxy stands in front of gunicorn (DJANGO_BEHIND_TLS_PROXY=true).

    REMOTE_ADDR is then the proxy's own address, the same for every visitor: a lockout of (username, that
    address) would let anyone lock a staff member out. The proxy appends the address it saw to
    X-Forwarded-For, so the right-most entry is the one a visitor cannot forge; the others are ignored.
    """
    right_most = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(right_most))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
