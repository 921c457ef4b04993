"""School photos: only real JPEG, PNG or WebP images are stored, cleaned and resized once, never orphaned."""

import functools
import io
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import ExifTags, Image, ImageFile

from schools import photos
from schools.models import School
from tests.factories import make_school
from tests.schools.test_admin import change_url, form_data

# Images, made in memory


def encoded(image, format_name, **options):
    buffer = io.BytesIO()
    image.save(buffer, format_name, **options)
    return buffer.getvalue()


@functools.cache
def camera_jpeg():
    """What a phone sends: 2000×1500 as the sensor saw it, left half red and right half blue, to be turned
    a quarter clockwise (EXIF Orientation 6), with the GPS position of where it was taken, XMP, ICC."""
    image = Image.new("RGB", (2000, 1500), "blue")
    image.paste("red", (0, 0, 1000, 1500))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Téléphone"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (49.0, 1.0, 28.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (1.0, 9.0, 3.0),
    }
    return encoded(
        image,
        "JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>',
        icc_profile=photos.SRGB.tobytes(),
    )


def transparent_png(size=(800, 600)):
    image = Image.new("RGBA", size, (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1]))
    return encoded(image, "PNG")


def noisy_jpeg():
    return encoded(Image.effect_noise((1200, 900), 64).convert("RGB"), "JPEG")


@functools.cache
def huge_but_tiny_png(width, height):
    """A blank 1-bit PNG: a few kilobytes of file that would decode to `width` × `height` pixels."""
    return encoded(Image.new("1", (width, height)), "PNG")


REFUSALS = {
    "text": ("photo.jpg", lambda: b"Bonjour, ceci n'est pas une photo.", photos.NOT_A_PHOTO),
    "svg": (
        "photo.jpg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        photos.NOT_A_PHOTO,
    ),
    "html": (
        "photo.jpg",
        lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        photos.NOT_A_PHOTO,
    ),
    "gif": ("photo.jpg", lambda: encoded(Image.new("RGB", (64, 48)), "GIF"), photos.NOT_A_PHOTO),
    # A real image, but under a name a server would serve as a page.
    "png-named-html": ("photo.html", transparent_png, photos.NOT_A_PHOTO),
    "truncated-jpeg": ("photo.jpg", lambda: noisy_jpeg()[:40_000], photos.DAMAGED),
    "truncated-png": ("photo.png", lambda: transparent_png()[:-200], photos.DAMAGED),
    "6-mb": ("photo.jpg", lambda: camera_jpeg() + bytes(6 * 1024 * 1024), photos.TOO_HEAVY),
    "48-megapixels": ("photo.png", lambda: huge_but_tiny_png(8000, 6000), photos.TOO_LARGE),
    # Beyond Pillow's own limit (about 89 megapixels) Pillow warns, and beyond twice that it raises.
    "bomb-100-megapixels": ("photo.png", lambda: huge_but_tiny_png(10_000, 10_000), photos.TOO_LARGE),
    "bomb-225-megapixels": ("photo.png", lambda: huge_but_tiny_png(15_000, 15_000), photos.TOO_LARGE),
    "strip": ("photo.png", lambda: encoded(Image.new("RGB", (100, 1100)), "PNG"), photos.TOO_STRETCHED),
}


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


# Fixtures and helpers


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def school(db, media_root):
    return make_school(name="L'Usin'Eure", slug="usineure", commune="Évreux")


def read_image(path):
    return Image.open(io.BytesIO(path.read_bytes()))


def stored_files(media_root):
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


def save_photo(school, content, name="photo.jpg", alt="L'atelier d'usinage."):
    school.photo = upload(name, content)
    school.photo_alt = alt
    school.full_clean()
    school.save()


def row(school):
    return School.objects.values().get(pk=school.pk)


# A photo that is accepted


class TestAcceptedPhoto:
    def test_a_camera_jpeg_is_stored_upright_without_its_metadata(self, school, media_root):
        save_photo(school, camera_jpeg())

        assert (school.photo_width, school.photo_height) == (1500, 2000)
        assert school.photo.name.startswith("schools/usineure-") and school.photo.name.endswith(".jpg")
        data = (media_root / school.photo.name).read_bytes()
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG" and stored.size == (1500, 2000)
        # Turned a quarter clockwise: the sensor's left half (red) is now on top.
        assert stored.getpixel((750, 300))[0] > 200 and stored.getpixel((750, 1700))[2] > 200
        assert not stored.getexif() and stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert not {"exif", "xmp", "icc_profile"} & stored.info.keys()
        assert b"Exif" not in data and b"xmpmeta" not in data and "Téléphone".encode() not in data

    def test_three_webp_copies_are_written_next_to_it(self, school, media_root):
        save_photo(school, camera_jpeg())

        stem = school.photo.name.removesuffix(".jpg")
        assert stored_files(media_root) == sorted(
            [school.photo.name, f"{stem}-480w.webp", f"{stem}-960w.webp", f"{stem}-1440w.webp"]
        )
        for width, height in [(480, 640), (960, 1280), (1440, 1920)]:
            variant = read_image(media_root / f"{stem}-{width}w.webp")
            assert (variant.format, variant.size) == ("WEBP", (width, height))
            assert not {"exif", "xmp", "icc_profile"} & variant.info.keys()

    @pytest.mark.parametrize("format_name", ["PNG", "WEBP"])
    def test_a_png_or_webp_keeps_its_format_and_transparency(self, school, media_root, format_name):
        image = Image.open(io.BytesIO(transparent_png()))
        save_photo(school, encoded(image, format_name, lossless=True), name=f"photo.{format_name.lower()}")

        stored = read_image(media_root / school.photo.name)
        assert (stored.format, stored.mode, stored.size) == (format_name, "RGBA", (800, 600))
        red, green, blue, alpha = stored.getpixel((700, 300))
        assert stored.getpixel((100, 300))[3] == 0 and alpha == 255 and red < 5 and 120 < green < 136

    def test_a_small_photo_is_never_enlarged(self, school, media_root):
        save_photo(school, transparent_png(size=(800, 600)), name="photo.png")

        stem = school.photo.name.removesuffix(".png")
        assert stored_files(media_root) == sorted(
            [school.photo.name, f"{stem}-480w.webp", f"{stem}-800w.webp"]
        )
        assert read_image(media_root / f"{stem}-800w.webp").size == (800, 600)
        assert school.responsive_photo.srcset == f"/media/{stem}-480w.webp 480w, /media/{stem}-800w.webp 800w"

    def test_the_format_is_the_one_in_the_bytes_not_the_one_in_the_name(self, school):
        save_photo(school, transparent_png(), name="photo.jpg")
        assert school.photo.name.endswith(".png")

    def test_the_school_page_shows_it_with_its_copies_and_no_extra_query(self, client, school):
        save_photo(school, camera_jpeg())
        without_photo = make_school()
        with CaptureQueriesContext(connection) as queries_without_photo:
            client.get(without_photo.get_absolute_url())

        with CaptureQueriesContext(connection) as queries:
            response = client.get(school.get_absolute_url())

        assert len(queries) == len(queries_without_photo)
        stem = "/media/" + school.photo.name.removesuffix(".jpg")
        page = response.content.decode()
        assert '<figure class="school-photo">' in page
        assert (
            f'<img src="{stem}-960w.webp" '
            f'srcset="{stem}-480w.webp 480w, {stem}-960w.webp 960w, {stem}-1440w.webp 1440w" '
            'sizes="(min-width: 64rem) 40rem, 100vw" width="1500" height="2000" '
            'alt="L&#x27;atelier d&#x27;usinage." loading="lazy" decoding="async">'
        ) in page

    def test_a_photo_stored_before_copies_existed_is_shown_as_it_is(self, client, school):
        School.objects.filter(pk=school.pk).update(photo="schools/atelier.jpg", photo_alt="L'atelier.")
        page = client.get(school.get_absolute_url()).content.decode()
        assert '<img src="/media/schools/atelier.jpg" alt="L&#x27;atelier."' in page
        assert "srcset" not in page

    def test_a_school_without_photo_has_no_figure(self, client, school):
        assert "school-photo" not in client.get(school.get_absolute_url()).content.decode()


# Anything else is refused, with a French message and nothing saved


@pytest.mark.parametrize("case", REFUSALS)
def test_the_model_refuses_it_and_saves_nothing(school, media_root, case):
    name, content, message = REFUSALS[case]
    before = row(school)
    school.photo = upload(name, content())
    school.photo_alt = "L'atelier."

    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert error.value.message_dict["photo"] == [message]
    # Saving without validating first refuses it too, before writing anything.
    with pytest.raises(ValidationError):
        school.save()

    assert stored_files(media_root) == []
    assert row(school) == before


@pytest.mark.parametrize("case", REFUSALS)
def test_the_form_field_refuses_it(case):
    name, content, message = REFUSALS[case]
    with pytest.raises(ValidationError) as error:
        School._meta.get_field("photo").formfield().clean(upload(name, content()))
    assert error.value.messages == [message]


@pytest.mark.parametrize("case", REFUSALS)
def test_the_admin_refuses_it_on_the_field_and_saves_nothing(editor_client, school, media_root, case):
    name, content, message = REFUSALS[case]
    save_photo(school, transparent_png(), name="photo.png")
    before, files_before = row(school), stored_files(media_root)
    data = form_data(editor_client.get(change_url(school)))
    data |= {"photo": upload(name, content()), "_save": "Enregistrer"}

    response = editor_client.post(change_url(school), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [message]
    assert escape(message) in response.content.decode()
    assert stored_files(media_root) == files_before
    assert row(school) == before


def test_a_bomb_is_refused_from_its_header_without_decoding_a_pixel(school, media_root, monkeypatch):
    content = huge_but_tiny_png(10_000, 10_000)
    assert len(content) < 20_000  # 100 megapixels in a few kilobytes

    def decode(image):
        raise AssertionError("pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    school.photo = upload("photo.png", content)
    with pytest.raises(ValidationError) as error:
        school.full_clean()
    assert error.value.message_dict["photo"] == [photos.TOO_LARGE]


def test_a_bomb_is_refused_where_pillow_only_warns_as_in_production(school):
    """Tests turn warnings into errors; in production Pillow's DecompressionBombWarning is only a warning."""
    school.photo = upload("photo.png", huge_but_tiny_png(10_000, 10_000))
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(ValidationError) as error:
        school.full_clean()
    assert error.value.message_dict["photo"] == [photos.TOO_LARGE]


def test_an_undecodable_icc_profile_does_not_refuse_the_photo(school, media_root):
    save_photo(school, encoded(Image.new("RGB", (600, 400), "red"), "JPEG", icc_profile=b"not a profile"))
    stored = read_image(media_root / school.photo.name)
    assert "icc_profile" not in stored.info and stored.getpixel((300, 200))[0] > 200


def test_a_cmyk_jpeg_is_stored_in_rgb(school, media_root):
    save_photo(school, encoded(Image.new("CMYK", (600, 400), (0, 255, 255, 0)), "JPEG"))
    stored = read_image(media_root / school.photo.name)
    assert stored.mode == "RGB" and stored.getpixel((300, 200))[0] > 200


# The admin


class TestAdminUpload:
    def test_editor_uploads_a_photo(self, editor_client, school, media_root):
        data = form_data(editor_client.get(change_url(school)))
        data |= {
            "photo": upload("IMG_2024.JPG", camera_jpeg()),
            "photo_alt": "L'atelier.",
            "_save": "Enregistrer",
        }

        response = editor_client.post(change_url(school), data)

        assert response.status_code == 302
        school.refresh_from_db()
        assert (school.photo_width, school.photo_height, school.photo_alt) == (1500, 2000, "L'atelier.")
        assert len(stored_files(media_root)) == 4

    def test_a_photo_needs_its_description(self, editor_client, school, media_root):
        data = form_data(editor_client.get(change_url(school)))
        data |= {"photo": upload("photo.jpg", camera_jpeg()), "_save": "Enregistrer"}

        response = editor_client.post(change_url(school), data)

        assert response.context["adminform"].form.errors == {
            "photo_alt": ["Décrivez la photo pour les personnes qui ne la voient pas."]
        }
        assert stored_files(media_root) == []

    def test_the_file_input_asks_for_images(self, editor_client, school):
        content = editor_client.get(change_url(school)).content.decode()
        assert 'accept="image/jpeg,image/png,image/webp"' in content

    def test_replacing_the_photo_deletes_the_old_files(
        self, editor_client, school, media_root, django_capture_on_commit_callbacks
    ):
        save_photo(school, camera_jpeg())
        data = form_data(editor_client.get(change_url(school)))
        data |= {"photo": upload("photo.png", transparent_png()), "_save": "Enregistrer"}

        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(change_url(school), data)

        assert response.status_code == 302
        school.refresh_from_db()
        stem = school.photo.name.removesuffix(".png")
        assert school.photo.name.endswith(".png") and (school.photo_width, school.photo_height) == (800, 600)
        assert stored_files(media_root) == sorted(
            [school.photo.name, f"{stem}-480w.webp", f"{stem}-800w.webp"]
        )

    def test_clearing_the_photo_deletes_its_files(
        self, editor_client, school, media_root, django_capture_on_commit_callbacks
    ):
        save_photo(school, camera_jpeg())
        data = form_data(editor_client.get(change_url(school)))
        data |= {"photo-clear": "on", "_save": "Enregistrer"}

        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(change_url(school), data)

        assert response.status_code == 302
        school.refresh_from_db()
        assert not school.photo and school.photo_width is None and school.photo_height is None
        assert stored_files(media_root) == []

    def test_a_stored_photo_is_not_read_again_at_each_save(self, editor_client, school, media_root):
        save_photo(school, camera_jpeg())
        (media_root / school.photo.name).unlink()  # lost, say, in a restore: the school must stay editable
        data = form_data(editor_client.get(change_url(school))) | {"_save": "Enregistrer"}

        assert editor_client.post(change_url(school), data).status_code == 302


# No orphan files


def test_deleting_schools_deletes_their_photos(school, media_root, django_capture_on_commit_callbacks):
    save_photo(school, camera_jpeg())
    other = make_school()
    save_photo(other, transparent_png(), name="photo.png")

    with django_capture_on_commit_callbacks(execute=True):
        School.objects.filter(pk__in=[school.pk, other.pk]).delete()  # as the admin's list does

    assert stored_files(media_root) == []


def test_a_rolled_back_deletion_keeps_the_photo(school, media_root, django_capture_on_commit_callbacks):
    save_photo(school, camera_jpeg())
    files = stored_files(media_root)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        school.delete()
        raise RuntimeError("rolled back")

    assert stored_files(media_root) == files


def test_a_save_refused_by_the_database_leaves_no_file(school, media_root):
    make_school(name="Déjà pris")
    school.name = "Déjà pris"  # unique: the database refuses the row after the photo was stored
    school.photo = upload("photo.jpg", camera_jpeg())
    with pytest.raises(IntegrityError), transaction.atomic():
        school.save()

    assert stored_files(media_root) == []


def test_the_photo_replaced_is_the_one_in_the_database(
    school, media_root, django_capture_on_commit_callbacks
):
    """An instance kept in memory while someone else replaced the photo still deletes the right files."""
    save_photo(school, camera_jpeg())
    with django_capture_on_commit_callbacks(execute=True):
        save_photo(School.objects.get(pk=school.pk), transparent_png(), name="photo.png")
        save_photo(school, encoded(Image.new("RGB", (400, 300), "red"), "WEBP"), name="photo.webp")

    stem = school.photo.name.removesuffix(".webp")
    assert stored_files(media_root) == sorted([school.photo.name, f"{stem}-400w.webp"])


def test_saving_other_fields_keeps_the_photo(school, media_root, django_capture_on_commit_callbacks):
    save_photo(school, camera_jpeg())
    files = stored_files(media_root)

    with django_capture_on_commit_callbacks(execute=True):
        school = School.objects.get(pk=school.pk)
        school.status = School.Status.DRAFT
        school.save(update_fields=["status", "updated_at"])
        School.objects.only("name").get(pk=school.pk).save()

    assert stored_files(media_root) == files
    assert row(school)["photo_width"] == 1500


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (3000, [480, 960, 1440]),
        (1440, [480, 960, 1440]),
        (1000, [480, 960, 1000]),
        (480, [480]),
        (300, [300]),
    ],
)
def test_variant_widths_never_exceed_the_photo(width, widths):
    assert photos.variant_widths(width) == widths
