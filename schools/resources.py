"""Schools and open days to and from a spreadsheet (CSV or XLSX), with django-import-export.

Rows are matched by natural keys, never by database ids: a school by its identifier (slug), its commune by
INSEE code, an open day by its school's identifier and its date. Importing the same file twice changes nothing
the second time. Every row goes through the model's validation (full_clean), with French messages; the admin
(see SpreadsheetAdminMixin) shows what would change row by row before anything is written, and an import with
one refused row writes nothing at all (one transaction). The public pages are invalidated once per import.
"""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, slugify
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm

from core.cache import bump_once_on_commit
from core.phones import display_phone, normalize_phone
from core.search import unaccent
from places.models import Commune
from programs.models import Programme, Trade
from schools.models import OpenDay, School
from sources.models import Source

MAX_FILE_SIZE = 2 * 1024 * 1024  # 2 Mo: the whole directory takes a few dozen kilobytes
MAX_ROWS = 5000
LIST_SEPARATOR = ", "


def folded(text):
    return " ".join(unaccent(text).lower().split())


def quoted(value):
    return f"« {value} »"


class ChoiceWidget(widgets.Widget):
    """A choice written as staff read it ("Publiée"), case and accents aside; the stored code also works."""

    def __init__(self, choices):
        super().__init__()
        self.labels = {value: str(label) for value, label in choices}
        self.values = {folded(label): value for value, label in self.labels.items()}
        self.values |= {folded(value): value for value in self.labels}

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return ""
        try:
            return self.values[folded(str(value))]
        except KeyError:
            labels = ", ".join(self.labels.values())
            raise ValueError(f"{quoted(value)} n'est pas une valeur possible ({labels}).") from None

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A related object named by a natural key (slug, INSEE code), with a French message when unknown."""

    def __init__(self, model, field, not_found, queryset=None):
        super().__init__(model, field)
        self.not_found = not_found
        self.queryset = queryset

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.all() if self.queryset is None else self.queryset

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        value = str(value).strip()
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(self.not_found.format(value=quoted(value))) from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Related objects as a list of identifiers ("menuiserie, metallerie"); an unknown one is refused."""

    def __init__(self, model, not_found):
        super().__init__(model, separator=",", field="slug")
        self.not_found = not_found

    def clean(self, value, row=None, **kwargs):
        slugs = [slug.strip() for slug in str(value or "").split(",") if slug.strip()]
        found = self.model.objects.filter(slug__in=slugs)
        unknown = sorted(set(slugs) - {obj.slug for obj in found})
        if unknown:
            raise ValueError(self.not_found.format(value=", ".join(quoted(slug) for slug in unknown)))
        return found

    def render(self, value, obj=None, **kwargs):
        return LIST_SEPARATOR.join(sorted(related.slug for related in value.all())) if value else ""


class DateWidget(widgets.DateWidget):
    """Dates as French staff type them (31/01/2027) or as ISO (2027-01-31); spreadsheet dates as they are."""

    def __init__(self):
        super().__init__()
        self.formats = ("%d/%m/%Y", "%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):  # a spreadsheet's date cell
            return value.date()
        try:
            return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)
        except ValueError:
            raise ValueError(f"{quoted(value)} n'est pas une date : écrivez-la JJ/MM/AAAA.") from None


class TimeWidget(widgets.TimeWidget):
    def __init__(self):
        super().__init__()
        self.formats = ("%H:%M", "%H:%M:%S", "%Hh%M", "%Hh")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.time()
        try:
            return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)
        except ValueError:
            raise ValueError(f"{quoted(value)} n'est pas une heure : écrivez-la HH:MM.") from None


class NumberMixin:
    message = "{value} n'est pas un nombre."

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, ArithmeticError, TypeError):
            raise ValueError(self.message.format(value=quoted(value))) from None


class IntegerWidget(NumberMixin, widgets.IntegerWidget):
    message = "{value} n'est pas un nombre entier."


class DecimalWidget(NumberMixin, widgets.DecimalWidget):
    message = "{value} n'est pas un nombre (par exemple 49.18165)."


class DirectoryResource(resources.ModelResource):
    """What both resources share: French headers, French messages, model validation, one cache bump."""

    # Model fields whose column names differ from their verbose names: {field: column name}.
    column_names = {}
    # Columns a file may leave out (its rows then keep the stored value); every other column is required.
    optional_columns = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name, field in self.fields.items():
            model_field = self._meta.model._meta.get_field(name)
            field.column_name = self.column_names.get(name, str(model_field.verbose_name))

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.choices:
            return ChoiceWidget
        internal_type = f.get_internal_type()
        if internal_type == "TextField":
            return widgets.CharWidget
        if internal_type == "DateField":
            return DateWidget
        if internal_type == "TimeField":
            return TimeWidget
        if internal_type == "DecimalField":
            return DecimalWidget
        if internal_type.endswith("IntegerField"):
            return IntegerWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        if django_field.choices:
            return {"choices": django_field.choices}
        if django_field.get_internal_type() == "TextField":  # an empty spreadsheet cell is "", not NULL
            return {"coerce_to_string": True, "allow_blank": True}
        return super().widget_kwargs_for_field(field_name, django_field)

    def import_data(self, dataset, **kwargs):
        with bump_once_on_commit():
            return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        """The file's columns must be ours: a misspelt column would otherwise be ignored without a word."""
        expected = [field.column_name for field in self.get_import_fields()]
        headers = [str(header or "").strip() for header in dataset.headers or []]
        missing = [name for name in expected if name not in headers and name not in self.optional_names()]
        unknown = [name for name in headers if name not in expected]
        problems = []
        if missing:
            problems.append("colonnes manquantes : " + ", ".join(quoted(name) for name in missing))
        if unknown:
            problems.append("colonnes inconnues : " + ", ".join(quoted(name) for name in unknown))
        if problems:
            raise ValueError(
                "Le fichier n'a pas les colonnes attendues ("
                + " ; ".join(problems)
                + "). Partez d'un fichier exporté depuis cette page."
            )
        if len(dataset) > MAX_ROWS:
            raise ValueError(f"Le fichier compte plus de {MAX_ROWS} lignes : découpez-le.")
        dataset.headers = headers

    def optional_names(self):
        return {self.fields[name].column_name for name in self.optional_columns}

    def import_instance(self, instance, row, **kwargs):
        """Each value is read by its widget; one that cannot be read is refused on its column, in French."""
        errors = {}
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            try:
                if isinstance(field.widget, widgets.ManyToManyWidget):
                    self.check_links(field, instance, field.clean(row))
                else:
                    self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def check_links(self, field, instance, related):
        """Override to refuse a list of links (a school without any trade, say)."""

    def get_diff_class(self):
        return PlainDiff

    def export_field(self, field, instance, **kwargs):
        """A text starting with "=" would run as a formula in a spreadsheet: it is exported without it.
        (import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT also turns empty cells into "None".)"""
        value = super().export_field(field, instance, **kwargs)
        return value.lstrip("=") if isinstance(value, str) else value


class PlainDiff(resources.Diff):
    """The changes of a row, readable on a page that holds every column of the directory: a changed value in
    full, old text struck through and new text underlined; an unchanged or new value shortened. No inline
    style (the Content-Security-Policy forbids them): import-export's style sheet colours <ins> and <del>."""

    SHORT = 60

    def as_html(self):
        cells = []
        for html, old, new in zip(super().as_html(), self.left, self.right, strict=False):
            if self.new or old == new:
                cells.append(Truncator(force_str(new)).chars(self.SHORT))
            else:
                cells.append(
                    mark_safe(
                        html.replace(' style="background:#e6ffe6;"', "").replace(
                            ' style="background:#ffe6e6;"', ""
                        )
                    )
                )
        return cells


class PhoneWidget(widgets.CharWidget):
    """A phone number typed in any usual way, stored in one format; exported as people write it."""

    def clean(self, value, row=None, **kwargs):
        try:
            return normalize_phone(str(value or ""))
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None

    def render(self, value, obj=None, **kwargs):
        return display_phone(value)


class SchoolResource(DirectoryResource):
    phone = fields.Field(attribute="phone", widget=PhoneWidget())
    commune = fields.Field(
        attribute="commune",
        widget=NaturalKeyWidget(
            Commune,
            "insee_code",
            "Aucune commune de Normandie n'a le code INSEE {value}.",
            # A former commune shares its INSEE code with the commune it joined: schools are in the latter.
            queryset=Commune.objects.current(),
        ),
    )
    trades = fields.Field(
        attribute="trades",
        widget=NaturalKeysWidget(Trade, "Métier inconnu : {value} (indiquez les identifiants des métiers)."),
    )
    programmes = fields.Field(
        attribute="programmes",
        widget=NaturalKeysWidget(Programme, "Formation inconnue : {value}."),
    )
    sources = fields.Field(
        attribute="sources",
        widget=NaturalKeysWidget(Source, "Source inconnue : {value}."),
    )
    column_names = {
        "commune": "commune (code INSEE)",
        "trades": "métiers (identifiants)",
        "programmes": "formations (identifiants)",
        "sources": "sources (identifiants)",
    }
    optional_columns = ("programmes",)
    link_models = [("trades", Trade), ("programmes", Programme), ("sources", Source)]

    class Meta:
        model = School
        # The content staff edit in the admin; not the photo (a file), the computed sizes, nor the dates.
        fields = [
            "slug",
            "name",
            "short_name",
            "managing_body",
            "status",
            "commune",
            "postcode",
            "street_address",
            "latitude",
            "longitude",
            "coordinates_precision",
            "opened_year",
            "description",
            "pedagogy",
            "workshop_share",
            "class_size",
            "age_min",
            "age_max",
            "cost",
            "annual_fee_eur",
            "cost_details",
            "weekly_hours",
            "meals",
            "boarding",
            "lodging",
            "transport",
            "intake_places",
            "joins_during_year",
            "intake_confirmed_on",
            "source_notes",
            "website",
            "email",
            "phone",
            "photo_alt",
            "trades",
            "programmes",
            "sources",
        ]
        import_id_fields = ["slug"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def check_links(self, field, instance, related):
        required = {"trades": "Indiquez au moins un métier.", "sources": "Indiquez au moins une source."}
        if field.attribute in required and not related:
            raise ValueError(required[field.attribute])

    def filter_export(self, queryset, **kwargs):
        # The admin's list comes with its own prefetches: these replace them.
        links = [Prefetch(name, queryset=model.objects.order_by()) for name, model in self.link_models]
        return queryset.prefetch_related(None).select_related("commune").prefetch_related(*links)


class OpenDayResource(DirectoryResource):
    school = fields.Field(
        attribute="school",
        widget=NaturalKeyWidget(School, "slug", "Aucune école n'a l'identifiant {value}."),
    )
    column_names = {"school": "école (identifiant)"}

    class Meta:
        model = OpenDay
        fields = ["school", "date", "start_time", "end_time", "details"]
        import_id_fields = ["school", "date"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("school")


class SpreadsheetCSV(CSV):
    """A CSV file as staff save it: UTF-8 (with or without BOM) or Windows-1252, the encoding of Excel's
    "CSV (séparateur : point-virgule)", whose separator is also read. Read as bytes, decoded here."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp1252")
            if "\x00" in in_stream:  # an image, a PDF, a zip: not text
                raise ValueError("Ce fichier n'est pas un fichier CSV.")
        header = in_stream.split("\n", 1)[0]
        if header.count(";") > header.count(","):
            kwargs["delimiter"] = ";"
        return super().create_dataset(in_stream, **kwargs)


class SpreadsheetImportForm(ImportForm):
    """The upload, refused with a French message when it is too big to be a sheet of the directory."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"Ce fichier pèse {filesizeformat(upload.size)} : un fichier de l'annuaire pèse au plus "
                f"{filesizeformat(MAX_FILE_SIZE)}."
            )
        if upload.size == 0:
            raise forms.ValidationError("Ce fichier est vide.")
        return upload


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export buttons on a changelist, for staff who may change that content (the Rédaction group
    and superusers), with import-export's dry-run page first and an import that is all or nothing."""

    import_formats = [SpreadsheetCSV, XLSX]
    export_formats = [CSV, XLSX]
    to_encoding = "utf-8-sig"  # with a BOM, Excel opens the CSV file with its accents
    import_form_class = SpreadsheetImportForm
    export_form_class = ExportForm  # every column: what was exported can be imported again
    export_template_name = "admin/schools/spreadsheet_export.html"
    import_template_name = "admin/schools/spreadsheet_import.html"

    def get_import_context_data(self, **kwargs):
        resource = self.resource_classes[0]()
        return super().get_import_context_data(**kwargs) | {
            "columns": [field.column_name for field in resource.get_import_fields()]
        }

    def has_import_permission(self, request):
        # import-export lets any staff member in unless told: importing adds and changes content.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import runs again on the file: should a row fail now, nothing is written.
        return super().get_import_data_kwargs(**kwargs) | {"rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                "Rien n'a été importé : une ligne au moins a été refusée. Importez le fichier à nouveau "
                "pour voir lesquelles.",
                messages.ERROR,
            )
            info = self.get_model_info()
            return redirect(f"admin:{info[0]}_{info[1]}_import")
        return super().process_result(result, request)

    def generate_log_entries(self, result, request):
        """The admin's history of each object says, in French, that a spreadsheet changed it."""
        for import_type, flag, message in [
            ("new", ADDITION, "Ajouté par l'import d'un tableur."),
            ("update", CHANGE, "Modifié par l'import d'un tableur."),
        ]:
            instances = [row.instance for row in result if row.import_type == import_type]
            if instances:
                LogEntry.objects.log_actions(
                    request.user.pk,
                    instances,
                    flag,
                    change_message=message,
                    single_object=len(instances) == 1,
                )

    def add_success_message(self, result, request):
        totals = result.totals
        self.message_user(
            request,
            f"Import terminé : {totals['new']} ajout(s), {totals['update']} modification(s), "
            f"{totals['skip']} ligne(s) sans changement.",
            messages.SUCCESS,
        )

    def get_export_filename(self, request, queryset, file_format):
        name = slugify(self.model._meta.verbose_name_plural)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
