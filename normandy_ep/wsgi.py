import os

import django

# Production is base settings plus environment variables: no development default here.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "normandy_ep.settings.base")

django.setup(set_prefix=False)  # as django.core.wsgi.get_wsgi_application() does

from core.cache import CachedPageWSGIHandler  # noqa: E402  (needs the apps loaded)

# Django's handler, with cached public pages answered in front of it (see core/cache.py).
application = CachedPageWSGIHandler()
