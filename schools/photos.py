"""School photos: only sound JPEG, PNG or WebP images, cleaned and resized once, when the school is saved.

- `validate_photo` refuses anything else with a French message, from what Pillow reads in the bytes, before
  a single pixel is decoded when the header announces too many of them. `PhotoField` runs it in the model's
  validation and in its form field, so the admin and `full_clean()` give the same messages.
- `store_photo`, called by `School.save()`, stores a re-encoded copy instead of the uploaded bytes: turned
  upright, converted to sRGB, without any metadata (EXIF with its GPS position, XMP, ICC profile), under a
  name of our own. WebP copies at a few widths are written next to it.
- Pages build the copies' URLs from the stored name and size (`responsive_photo`): no query, no file read,
  nothing computed per request.
"""

import hashlib
import io
import posixpath
from functools import partial
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageCms, ImageOps

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
# Longer side over shorter side: beyond this a photo is a strip, and its narrow copies would be taller than
# the 16,383 pixels a WebP image can have.
PHOTO_MAX_STRETCH = 10
# The formats accepted, as Pillow names them, with the extension of the cleaned copy. Only these decoders
# ever read an upload.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
FILE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}
ENCODER_OPTIONS = {"JPEG": {"quality": 88, "optimize": True}, "PNG": {}, "WEBP": {"quality": 88}}
VARIANT_WIDTHS = (480, 960, 1440)
VARIANT_QUALITY = 80
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

TOO_HEAVY = "La photo dépasse 5 Mo : réduisez-la avant de l'envoyer."
NOT_A_PHOTO = "Ce fichier n'est pas une photo : envoyez une image JPEG, PNG ou WebP."
TOO_LARGE = "La photo dépasse 40 millions de pixels : réduisez ses dimensions avant de l'envoyer."
TOO_STRETCHED = (
    "La photo est trop étirée (un côté fait plus de 10 fois l'autre) : recadrez-la avant de l'envoyer."
)
DAMAGED = "La photo est abîmée ou incomplète : enregistrez-la de nouveau, puis renvoyez-la."


def open_photo(file):
    """The photo in `file`, decoded and turned upright, with the name Pillow gives its format.

    Raises ValidationError unless it is a sound JPEG, PNG or WebP of at most 5 MB and 40 megapixels. The
    format is the one Pillow finds in the bytes; the name must only look like an image's."""
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(TOO_HEAVY, code="photo_too_heavy")
    if posixpath.splitext(file.name or "")[1].lower() not in FILE_EXTENSIONS:
        raise ValidationError(NOT_A_PHOTO, code="photo_not_an_image")
    try:
        file.seek(0)
        # Opening reads the header only. Pillow's own guard against decompression bombs (beyond
        # Image.MAX_IMAGE_PIXELS, ~89 megapixels) warns, or raises above twice that: both are refused here.
        with Image.open(file, formats=list(FORMATS)) as image:
            format_name = image.format
            check_dimensions(*image.size)
            image.verify()
        file.seek(0)
        image = Image.open(file, formats=[format_name])
        image.load()  # verify() does not notice a truncated JPEG: decoding does
        ImageOps.exif_transpose(image, in_place=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(TOO_LARGE, code="photo_too_large") from error
    except Image.UnidentifiedImageError as error:
        raise ValidationError(NOT_A_PHOTO, code="photo_not_an_image") from error
    except ValidationError:
        raise
    except Exception as error:  # Pillow reports a damaged file with many kinds of exceptions
        raise ValidationError(DAMAGED, code="photo_damaged") from error
    return image, format_name


def check_dimensions(width, height):
    if width * height > PHOTO_MAX_PIXELS:
        raise ValidationError(TOO_LARGE, code="photo_too_large")
    if max(width, height) > PHOTO_MAX_STRETCH * min(width, height):
        raise ValidationError(TOO_STRETCHED, code="photo_too_stretched")


def validate_photo(photo):
    """Validator of School.photo. A photo already stored was checked on its way in: it is not read again."""
    if isinstance(photo, FieldFile) and photo._committed:
        return
    open_photo(photo)


def in_srgb(image):
    """The pixels as RGB or RGBA in sRGB (what browsers assume of an image without a profile), no metadata.

    ICC profiles are applied then dropped, rather than kept: every copy the site serves is then plain sRGB,
    and a profile can name the device or the software."""
    mode = "RGBA" if image.has_transparency_data else "RGB"
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scaled to 8 bits, not clipped to white
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode not in ("CMYK", "L", mode):
        image = image.convert(mode)
    profile = image.info.get("icc_profile")
    converted = None
    if profile:
        try:
            converted = ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode=mode
            )
        except (ImageCms.PyCMSError, OSError, TypeError, ValueError):
            converted = None  # a profile that cannot be applied: the values are taken as sRGB
    clean = converted or image.convert(mode)
    clean.info = {}
    return clean


def encode(image, format_name, **options):
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


def variant_widths(width):
    """Widths of the WebP copies of a photo `width` pixels wide: VARIANT_WIDTHS, never wider than it."""
    narrower = [w for w in VARIANT_WIDTHS if w < width]
    return narrower if width > VARIANT_WIDTHS[-1] else [*narrower, width]


def variant_name(name, width):
    """schools/usineure-0123456789ab.jpg, 480 → schools/usineure-0123456789ab-480w.webp"""
    return f"{posixpath.splitext(name)[0]}-{width}w.webp"


def store_photo(photo, name_prefix):
    """Store the cleaned copy of the upload held by `photo` (an uncommitted FieldFile) in its place, and its
    WebP copies next to it; return its (width, height). Nothing is written if the upload is refused.

    Its name is `name_prefix` and a digest of its content, so that each new photo gets a new URL."""
    image, format_name = open_photo(photo)
    image = in_srgb(image)
    content = encode(image, format_name, **ENCODER_OPTIONS[format_name])
    digest = hashlib.sha256(content).hexdigest()[:12]
    photo.save(
        f"{name_prefix[:40] or 'photo'}-{digest}.{FORMATS[format_name]}", ContentFile(content), save=False
    )
    for width in variant_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        variant = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        name = variant_name(photo.name, width)
        photo.storage.delete(name)  # a leftover under this name would make the storage pick another one
        photo.storage.save(name, ContentFile(encode(variant, "WEBP", quality=VARIANT_QUALITY)))
    return image.size


def delete_photo_files(storage, name, width):
    """Delete a stored photo and its WebP copies (`width` None: stored before copies existed, it has none)."""
    storage.delete(name)
    for variant_width in variant_widths(width) if width else []:
        storage.delete(variant_name(name, variant_width))


def delete_photo_files_on_commit(storage, name, width, using=None):
    """Delete them once the transaction is committed: a rolled-back change keeps its photo."""
    transaction.on_commit(partial(delete_photo_files, storage, name, width), using=using)


class ResponsivePhoto(NamedTuple):
    src: str
    srcset: str
    width: int
    height: int


def responsive_photo(photo, width, height):
    """The <img> attributes of a stored photo, or None if it has no copies (stored before they were made)."""
    if not photo or not width:
        return None
    sources = [(photo.storage.url(variant_name(photo.name, w)), w) for w in variant_widths(width)]
    return ResponsivePhoto(
        src=sources[min(1, len(sources) - 1)][0],  # the 960-pixel copy when there is one
        srcset=", ".join(f"{url} {w}w" for url, w in sources),
        width=width,
        height=height,
    )


class PhotoFormField(forms.FileField):
    """A photo input refusing what validate_photo refuses, with its messages (Django's ImageField would
    refuse some files with a vaguer message, and let a decompression bomb through as a mere warning)."""

    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            validate_photo(file)
        return file

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs


class PhotoField(models.ImageField):
    """An ImageField checked by validate_photo, in the model's validation and in its form field."""

    default_validators = [validate_photo]

    def formfield(self, **kwargs):
        # No limit on the uploaded file's name: the photo is stored under a name of ours.
        return super().formfield(**{"form_class": PhotoFormField, "max_length": None, **kwargs})
