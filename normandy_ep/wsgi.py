import os

from django.core.wsgi import get_wsgi_application

# Production is base settings plus environment variables: no development default here.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "normandy_ep.settings.base")

application = get_wsgi_application()
