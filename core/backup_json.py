"""The file format of `manage.py backup`: Django's JSON, with times to the microsecond.

Django's JSON encoder cuts times to the millisecond (what JavaScript reads): a history record saved at
12:00:00.000400 would come back from a restore at 12:00:00. A backup must give back the very values it was
taken from, so this encoder writes them whole. Restoring needs nothing of this: Django's JSON deserializer
reads both forms. Registered as the "json-sauvegarde" format in the settings (SERIALIZATION_MODULES).
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoJSONSerializer

__all__ = ["Deserializer", "Serializer", "WholeTimesEncoder"]


class WholeTimesEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but dates with times and times of day keep their microseconds."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = WholeTimesEncoder
