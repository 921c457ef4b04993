from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.enums import Status
from core.phones import PhoneNumberField
from core.reverse import cached_reverse
from core.search import matching, search_terms
from funding.enums import FundingKind
from funding.models import FundingSource
from places.enums import CommuneKind, Departement
from places.geo import (
    WithinPlaneCircle,
    WithinSmallestRadius,
    bounding_box,
    distance_km_expression,
    plane_distance,
)
from places.models import Commune
from programs.models import Programme, Trade, TradeKeyword
from schools import photos
from schools.enums import AmountBasis, CoordinatesPrecision, Cost, LinkKind, YesNoUnknown
from sources.models import Source

# What decides where the map places a school (School.place_on_the_map()).
POSITION_FIELDS = {"latitude", "longitude", "commune", "commune_id"}
# Without an index that orders schools by distance (SQLite), how far a near search first looks around the
# place, in km: the smallest radius holding the schools up to the page's last is kept. Beyond
# BAND_SEARCH_MAX_COUNT schools (twenty pages), measuring and sorting them all is as fast.
SEARCH_RADII_KM = (5, 20, 50)
BAND_SEARCH_MAX_COUNT = 240


def validate_photo_size(photo):
    """Named by migration 0001 only: School.photo is now checked by schools.photos.validate_photo."""
    photos.validate_photo(photo)


class SchoolQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def in_departement(self, code):
        return self.filter(commune__departement=code)

    def teaching(self, trade_slug):
        return self.filter(trades__slug=trade_slug)

    def offering(self, programme_slug):
        return self.filter(programmes__slug=programme_slug)

    def funded_by(self, funding_source_slug):
        return self.filter(fundings__funding_source__slug=funding_source_slug)

    def search(self, text):
        """Schools matching every word typed (name, commune, trade, programme), accents and case aside.

        Everyday words staff attached to a trade ("mécano", "resto", "fruits et légumes") find that trade's
        schools: such a phrase counts as one term, met by the trade or by the words themselves."""
        terms = search_terms(text)
        queryset = self
        for trade_ids, phrase in TradeKeyword.objects.find_in(terms):
            by_keyword = models.Exists(
                SchoolTrade.objects.filter(school=models.OuterRef("pk"), trade__in=trade_ids)
            )
            queryset = queryset.filter(by_keyword | self.matching_all(phrase))
            terms = [term for term in terms if term not in phrase]
        return queryset.filter(self.matching_all(terms))

    def matching_all(self, terms):
        """Schools where each term is in their name or short name, their commune's name, or the name of one of
        their trades or programmes (core.search.matching). Each term is looked up in those tables first (from
        an index on PostgreSQL), then the schools are picked by key: matching a document built for each
        school took 0.35 s per query at 10,000 schools on PostgreSQL, 0.13 s on SQLite."""
        condition = models.Q()
        for term in terms:
            schools = matching(School.objects.using(self.db), ["name", "short_name"], term)
            communes = matching(Commune.objects.using(self.db), ["name"], term)
            trades = matching(Trade.objects.using(self.db), ["name"], term)
            programmes = matching(Programme.objects.using(self.db), ["title"], term)
            condition &= (
                models.Q(pk__in=schools.values("pk"))
                | models.Q(commune__in=communes.values("pk"))
                | models.Q(pk__in=SchoolTrade.objects.filter(trade__in=trades).values("school"))
                | models.Q(pk__in=SchoolProgramme.objects.filter(programme__in=programmes).values("school"))
            )
        return condition

    def nearest_to(self, latitude, longitude, radius_km=None):
        """Nearest first, each with `distance_km`, measured from where the map places the school (its own
        position or else its commune's town hall: map_latitude, map_longitude)."""
        queryset = self.annotate(
            distance_km=distance_km_expression(latitude, longitude, "map_latitude", "map_longitude")
        )
        if radius_km is not None:
            south, north, west, east = bounding_box(latitude, longitude, radius_km)
            queryset = queryset.filter(
                map_latitude__range=(south, north),
                map_longitude__range=(west, east),
                distance_km__lte=radius_km,
            )
        return queryset.order_by("distance_km", "name")

    def as_far_as_nearest(self, latitude, longitude, count):
        """These schools (nearest_to()'s, in its order) no farther than the `count`-th nearest, ties included:
        every school of the first `count`, found without measuring every school and sorting them all.

        On PostgreSQL, the `count`-th distance comes from the GiST index of migration 0018 (near Caen at
        10,000 schools: 6.6 → 0.9 ms of SQL). Elsewhere, the schools are kept within the smallest of
        SEARCH_RADII_KM that holds `count` of them, each tried in a band of latitudes read from the
        school_status_latitude_idx index (SQLite, first page: 2.7–5.2 → 0.4–1.7 ms); when none does, the
        radius is infinite: every school stays."""
        if connections[self.db].vendor != "postgresql":
            if count > BAND_SEARCH_MAX_COUNT:
                return self
            rows = self.order_by().values("pk", "map_latitude", "map_longitude")
            within = WithinSmallestRadius(
                (latitude, longitude),
                "map_latitude",
                "map_longitude",
                rows.query.get_compiler(self.db).as_sql(),
                count,
                SEARCH_RADII_KM,
            )
            return self.filter(within)
        distance = plane_distance(latitude, longitude)
        farthest = self.annotate(plane_distance=distance).order_by("plane_distance").values("plane_distance")
        radius = models.Subquery(farthest[count - 1 : count])
        return self.filter(WithinPlaneCircle(latitude, longitude, radius))

    def map_points(self, limit, counted=False, in_order=False):
        """Name, slug, commune, position and key of up to `limit` schools: all the map needs, in one query.

        No order unless `in_order`: the database picks the cheapest (ordered by name, a filtered list's map
        walked every school). `counted` adds a seventh column, the number of schools in the whole queryset
        (the same on every row): a filtered list counts its schools in the map's query instead of a second
        one. With it, `in_order` keeps the queryset's order, and the list finds its page's keys among the
        rows. They are ordered by the count first: the same on every row, it leaves the order to the
        queryset's, but the database can only sort once it has counted (ordered by name alone, PostgreSQL
        walked its index of names over every school: one département at 10,000 schools, 23 ms, not 3)."""
        columns = ["name", "slug", "commune__name", "map_latitude", "map_longitude", "pk"]
        queryset = self.order_by()
        if counted:
            # A plain Field: both databases return the count as an int, which Django would otherwise convert
            # again on each row, in Python (2 % of the instructions of a filtered list's build).
            total = models.Window(models.Count("*"), output_field=models.Field())
            queryset = queryset.annotate(total=total)
            columns.append("total")
            if in_order:
                queryset = queryset.order_by("total", *(self.query.order_by or self.model._meta.ordering))
        return queryset.values_list(*columns)[:limit]

    # What a card of a list shows (schools/templatetags/cards.py): reading only these halved the time taken to
    # read a page of twelve schools with their communes (forty-odd columns, most of them long texts).
    CARD_FIELDS = [
        "name",
        "slug",
        "location_caveat",
        "cost",
        "annual_fee_eur",
        "cost_details",
        "commune__name",
        "commune__departement",
    ]

    def for_list(self):
        """Published schools with what a card shows; each card's trades in `card_trades`, a list (a manager
        made for each card's school.trades.all() cost as much as the rest of the card's fields)."""
        trades = models.Prefetch("trades", to_attr="card_trades")
        return self.published().select_related("commune").only(*self.CARD_FIELDS).prefetch_related(trades)

    def for_selection(self, slugs):
        """The published schools among `slugs`, with what a counsellor's selection shows of each."""
        return (
            self.published()
            .filter(slug__in=slugs)
            .select_related("commune")
            .prefetch_related(
                "trades",
                "programmes",
                models.Prefetch(
                    "open_days", queryset=OpenDay.objects.upcoming(), to_attr="upcoming_open_days"
                ),
            )
        )

    def for_open_data(self):
        """Every published school with its trades, programmes, funding lines, sources and upcoming open days:
        what the open-data downloads publish, in a fixed number of queries whatever the number of schools."""
        return (
            self.published()
            .select_related("commune")
            .prefetch_related(
                "trades",
                "programmes",
                models.Prefetch("fundings", queryset=SchoolFunding.objects.for_school_page()),
                "sources",
                models.Prefetch(
                    "open_days", queryset=OpenDay.objects.upcoming(), to_attr="upcoming_open_days"
                ),
            )
            .order_by("name")
        )

    def for_detail(self):
        """Everything a school page shows, drafts included (staff preview them): chain published() for the
        public. Call it per request: upcoming open days depend on today's date."""
        return self.select_related("commune").prefetch_related(
            "trades",
            "programmes",
            models.Prefetch("fundings", queryset=SchoolFunding.objects.for_school_page()),
            "testimonial_links",
            "sources",
            models.Prefetch("open_days", queryset=OpenDay.objects.upcoming(), to_attr="upcoming_open_days"),
        )


class School(models.Model):
    Status = Status
    Cost = Cost

    # Identity
    name = models.CharField("nom", max_length=200, unique=True)
    short_name = models.CharField(
        "nom court",
        max_length=80,
        blank=True,
        help_text="Le nom d'usage, s'il existe (par exemple « GM2A »).",
    )
    slug = models.SlugField(
        "identifiant", max_length=120, unique=True, help_text="Partie de l'adresse web de la page de l'école."
    )
    managing_body = models.CharField(
        "organisme gestionnaire",
        max_length=200,
        blank=True,
        help_text="Association ou structure qui gère l'école.",
    )
    status = models.CharField(
        "statut",
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        help_text="Une école en brouillon n'apparaît nulle part sur le site public.",
    )

    # Where
    commune = models.ForeignKey(
        Commune,
        verbose_name="commune",
        on_delete=models.PROTECT,
        related_name="schools",
        # A former commune (Tourlaville…) is a place people search from, not where a school is filed.
        limit_choices_to={"kind": CommuneKind.COMMUNE},
        help_text="La commune d'aujourd'hui (pour Tourlaville, Cherbourg-en-Cotentin).",
    )
    postcode = models.CharField(
        "code postal",
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", "Un code postal compte 5 chiffres.")],
    )
    street_address = models.CharField("adresse", max_length=200, blank=True)
    latitude = models.DecimalField("latitude", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=8, decimal_places=5, null=True, blank=True)
    location_caveat = models.CharField(
        "doute sur le lieu",
        max_length=200,
        blank=True,
        help_text="Si les sources ne placent pas l'école dans la même commune, le dire en quelques mots "
        "(« selon X ; Y parle de Z ») : la fiche l'affiche à côté de la commune.",
    )
    coordinates_precision = models.CharField(
        "précision de la position",
        max_length=20,
        choices=CoordinatesPrecision,
        blank=True,
        help_text="Dire si les coordonnées sont celles du bâtiment ou d'un autre point de la commune. "
        "Sans coordonnées, l'école est placée à la mairie de sa commune.",
    )
    # Where the map and distances place the school, set on every save (place_on_the_map()) and when its
    # commune moves: its coordinates, else its commune's town hall. Floats in the school's own row, so that
    # sorting 10,000 schools by distance reads one index, with no join on communes and no decimal to convert.
    map_latitude = models.FloatField(
        "latitude sur la carte",
        editable=False,
        help_text="Calculée : les coordonnées de l'école, sinon celles de la mairie de sa commune.",
    )
    map_longitude = models.FloatField(
        "longitude sur la carte",
        editable=False,
        help_text="Calculée : les coordonnées de l'école, sinon celles de la mairie de sa commune.",
    )

    # What it is like
    opened_year = models.PositiveSmallIntegerField(
        "année d'ouverture",
        null=True,
        blank=True,
        validators=[MinValueValidator(1880), MaxValueValidator(2100)],
    )
    description = models.TextField(
        "présentation", help_text="Quelques phrases simples, écrites avec vos propres mots (jamais copiées)."
    )
    pedagogy = models.TextField(
        "comment on y apprend",
        blank=True,
        help_text="Le « faire pour apprendre » dans cette école : atelier, vraies commandes, clients.",
    )
    workshop_share = models.CharField(
        "temps en atelier",
        max_length=120,
        blank=True,
        help_text="En clair, par exemple « deux tiers du temps (24 h par semaine) ».",
    )
    class_size = models.PositiveSmallIntegerField(
        "élèves par classe",
        null=True,
        blank=True,
        help_text="Le nombre d'élèves d'une classe, s'il est connu (un objectif : cocher la case suivante).",
    )
    class_size_is_target = models.BooleanField(
        "ce nombre est un objectif",
        default=False,
        help_text="Cocher quand la source donne ce nombre comme un but ou une capacité, pas comme le nombre "
        "d'élèves réellement accueillis : la fiche dit alors « objectif annoncé ».",
    )
    age_min = models.PositiveSmallIntegerField("âge minimum", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("âge maximum", null=True, blank=True)
    cost = models.CharField("coût pour la famille", max_length=20, choices=Cost, default=Cost.UNKNOWN)
    annual_fee_eur = models.PositiveIntegerField(
        "frais annuels (€)", null=True, blank=True, help_text="Seulement si l'école est payante."
    )
    cost_details = models.CharField(
        "détail du coût", max_length=200, blank=True, help_text="Ce que couvrent les frais, par exemple."
    )
    weekly_hours = models.PositiveSmallIntegerField("heures par semaine", null=True, blank=True)
    meals = models.CharField("repas", max_length=200, blank=True, help_text="Cantine, repas sur place…")
    boarding = models.CharField("internat", max_length=20, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN)
    lodging = models.CharField(
        "aide pour se loger", max_length=200, blank=True, help_text="Foyer, famille d'accueil, aide…"
    )
    transport = models.CharField(
        "transports", max_length=200, blank=True, help_text="Comment venir : bus, train, aide au transport…"
    )

    programme_caveat = models.CharField(
        "doute sur le diplôme",
        max_length=200,
        blank=True,
        help_text="Si les sources ne nomment pas toutes le même diplôme, le dire en quelques mots "
        "(« selon X ; Y parle de Z ») : la fiche l'affiche à côté du diplôme.",
    )

    # Getting in
    admission = models.TextField(
        "comment on entre, selon les sources",
        blank=True,
        help_text="Seulement ce qu'une source dit de l'entrée dans cette école (sélection, étapes, "
        "découverte de l'atelier). Vide : la fiche invite la famille à poser la question à l'école.",
    )
    intake_places = models.PositiveSmallIntegerField("places à la prochaine rentrée", null=True, blank=True)
    joins_during_year = models.CharField(
        "entrée possible en cours d'année", max_length=20, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    intake_confirmed_on = models.DateField(
        "informations d'entrée confirmées le",
        null=True,
        blank=True,
        help_text="Date à laquelle l'école a confirmé les places et l'entrée en cours d'année.",
    )
    source_notes = models.TextField(
        "points où les sources divergent",
        blank=True,
        help_text="Dire ce que chaque source affirme quand elles ne disent pas la même chose.",
    )

    # Contact
    website = models.URLField("site web", max_length=300, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = PhoneNumberField(
        "téléphone",
        blank=True,
        help_text="Un numéro français, tapé comme vous voulez : il s'affiche « 02 31 00 00 00 ».",
    )
    photo = photos.PhotoField(
        "photo",
        upload_to="schools/",
        blank=True,
        help_text="JPEG, PNG ou WebP, 5 Mo et 40 millions de pixels au plus. Le site en garde une copie "
        "nettoyée (sans position GPS ni autres données de l'appareil) et des versions plus légères.",
    )
    photo_alt = models.CharField(
        "description de la photo",
        max_length=200,
        blank=True,
        help_text="Ce que montre la photo, pour qui ne la voit pas.",
    )
    photo_width = models.PositiveIntegerField(
        "largeur de la photo", null=True, blank=True, editable=False, help_text="En pixels, photo redressée."
    )
    photo_height = models.PositiveIntegerField(
        "hauteur de la photo", null=True, blank=True, editable=False, help_text="En pixels, photo redressée."
    )

    # Links
    trades = models.ManyToManyField(
        Trade, verbose_name="métiers", related_name="schools", through="SchoolTrade"
    )
    programmes = models.ManyToManyField(
        Programme, verbose_name="formations", related_name="schools", through="SchoolProgramme", blank=True
    )
    sources = models.ManyToManyField(
        Source, verbose_name="sources", related_name="schools", through="SchoolSource"
    )
    updated_at = models.DateTimeField("dernière mise à jour", auto_now=True)
    # Set only by the staff's "Marquer comme vérifiée" action, never by an ordinary save.
    verified_on = models.DateField(
        "vérifiée le",
        null=True,
        blank=True,
        editable=False,
        help_text="Date à laquelle la Région a vérifié toute la fiche.",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SchoolQuerySet.as_manager()
    # The photo's files and its size follow the current photo, and a verification is not a content edit:
    # restoring an old version keeps them as they are.
    history = HistoricalRecords(
        excluded_fields=[
            "photo",
            "photo_width",
            "photo_height",
            "map_latitude",
            "map_longitude",
            "updated_at",
            "verified_on",
            "verified_by",
        ]
    )

    class Meta:
        verbose_name = "école"
        verbose_name_plural = "écoles"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "name"], name="school_status_name_idx"),
            # Counting and sorting by distance read only these: at 10,000 schools, reading every row (with
            # its long texts) was most of a "near Caen" page's 64 ms. With the id (which SQLite's indexes
            # always hold), PostgreSQL sorts by distance from the index alone too: half its time; with the
            # slug, a filtered list's map reads its points from it too (4.0 → 2.3 ms of PostgreSQL CPU).
            models.Index(
                fields=["status", "commune", "map_latitude", "map_longitude", "name", "id", "slug"],
                name="school_status_position_idx",
            ),
            # A near search on SQLite, which has no index ordering positions by distance, reads a band of
            # latitudes around the place from this one (SchoolQuerySet.as_far_as_nearest).
            models.Index(
                fields=["status", "map_latitude", "map_longitude", "name"], name="school_status_latitude_idx"
            ),
            # Published or not, and in which commune (for its département), found from a link table's row
            # without reading the school's: a trade's schools in a département counted in a third of the time.
            models.Index(fields=["id", "status", "commune"], name="school_id_status_idx"),
            # The few schools not published, found without walking the published ones: a trade's count of
            # published schools is its links less theirs (core.counts.PublishedSchoolCount). Partial:
            # a full (status, id) index led SQLite, which keeps no statistics, away from the covering one
            # above for published schools.
            models.Index(
                fields=["id"], condition=~models.Q(status=Status.PUBLISHED), name="school_not_published_idx"
            ),
            # The open data page's "Les N écoles publiées (dernière mise à jour le …)" counted from an index:
            # reading every school's row for it took 17 ms on SQLite and 9 ms on PostgreSQL at 10,000 schools.
            models.Index(fields=["status", "updated_at"], name="school_status_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                # Both set or both empty, spelt out: with one of them NULL, the range test alone is unknown,
                # which a CHECK lets through.
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__range=(-90, 90),
                    longitude__range=(-180, 180),
                ),
                name="school_coordinates_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="school_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(cost=Cost.FEE, annual_fee_eur__isnull=False)
                | (~models.Q(cost=Cost.FEE) & models.Q(annual_fee_eur__isnull=True)),
                name="school_fee_only_when_paying",
            ),
            models.CheckConstraint(
                condition=models.Q(class_size_is_target=False) | models.Q(class_size__isnull=False),
                name="school_class_size_target_has_size",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and POSITION_FIELDS.intersection(update_fields):
            # place_on_the_map() runs before every save (pre_save): what it sets is saved too.
            kwargs["update_fields"] = update_fields = {*update_fields, "map_latitude", "map_longitude"}
        saves_photo = update_fields is None or "photo" in update_fields
        stores_new_photo = saves_photo and bool(self.photo) and not self.photo._committed
        if saves_photo:
            stored_name, stored_width = self.stored_photo()
            # A new upload is cleaned and its WebP copies written here, once: pages only link to them.
            if stores_new_photo:
                self.photo_width, self.photo_height = photos.store_photo(self.photo, self.slug)
            elif not self.photo:
                self.photo_width = self.photo_height = None
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "photo_width", "photo_height"}
        try:
            super().save(*args, **kwargs)
        except Exception:
            if stores_new_photo:  # the row was not written: its new files must go too
                photos.delete_photo_files(self.photo.storage, self.photo.name, self.photo_width)
            raise
        if saves_photo and stored_name and stored_name != self.photo.name:
            storage, using = self.photo.storage, self._state.db
            photos.delete_photo_files_on_commit(storage, stored_name, stored_width, using)

    def get_absolute_url(self):
        return cached_reverse("schools:school_detail", self.slug)  # each card of a list calls it

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.postcode and self.commune_id and self.postcode not in self.commune.postcodes.split():
            errors["postcode"] = f"Ce code postal n'est pas celui de {self.commune.name}."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Indiquez la latitude et la longitude, ou aucune des deux."
        if self.latitude is not None and not self.coordinates_precision:
            errors["coordinates_precision"] = "Dites si la position est celle de l'école ou de la commune."
        if self.cost == Cost.FEE and self.annual_fee_eur is None:
            errors["annual_fee_eur"] = "Indiquez le montant des frais annuels."
        if self.cost != Cost.FEE and self.annual_fee_eur is not None:
            errors["annual_fee_eur"] = "Des frais ne s'indiquent que pour une école payante."
        if self.age_min and self.age_max and self.age_min > self.age_max:
            errors["age_max"] = "L'âge maximum doit être supérieur à l'âge minimum."
        if self.class_size_is_target and self.class_size is None:
            errors["class_size"] = (
                "Indiquez le nombre d'élèves visé, ou décochez « ce nombre est un objectif »."
            )
        if self.photo and not self.photo_alt:
            errors["photo_alt"] = "Décrivez la photo pour les personnes qui ne la voient pas."
        if errors:
            raise ValidationError(errors)

    def stored_photo(self):
        """Name and width of the photo in the database before this save: save() deletes its files once it is
        replaced or cleared. Read from the database, which an instance kept in memory may no longer match."""
        if self._state.adding:
            return ("", None)
        stored = School._base_manager.filter(pk=self.pk).values_list("photo", "photo_width").first()
        return stored or ("", None)

    @property
    def responsive_photo(self):
        """The photo's <img> attributes, from its stored name and size: no query, no file read."""
        return photos.responsive_photo(self.photo, self.photo_width, self.photo_height)

    @property
    def location_label(self):
        """The commune and its département; "lieu à confirmer" when the sources disagree on the commune."""
        label = f"{self.commune.name} ({Departement(self.commune.departement).label})"  # once per card
        return f"{label}, lieu à confirmer" if self.location_caveat else label

    @property
    def cost_summary(self):
        """What the school costs a family, in words, with the known extra costs (each card of a list, and
        includes/_cost.html: the same comparisons in a template took a fifth of a card's time)."""
        if self.cost == Cost.FEE:
            summary = f"{self.annual_fee_eur} € par an"
        elif self.cost == Cost.FREE:
            summary = Cost.FREE.label
        else:
            summary = "Coût non communiqué"
        return f"{summary} ({self.cost_details})" if self.cost_details else summary

    def place_on_the_map(self, using=None):
        """Set map_latitude and map_longitude from the school's coordinates, else its commune's town hall
        (read from the database unless the commune is loaded). False if the commune cannot be found."""
        if self.latitude is not None and self.longitude is not None:
            position = (self.latitude, self.longitude)
        elif self._meta.get_field("commune").is_cached(self) and self.commune.pk == self.commune_id:
            position = (self.commune.latitude, self.commune.longitude)
        else:
            communes = Commune.objects.using(using or self._state.db or DEFAULT_DB_ALIAS)
            position = communes.filter(pk=self.commune_id).values_list("latitude", "longitude").first()
            if position is None:
                return False
        self.map_latitude, self.map_longitude = float(position[0]), float(position[1])
        return True

    @property
    def eu_funding(self):
        """The current funding that obliges the page to show the EU emblem, if any (prefetched fundings)."""
        return next(
            (f for f in self.fundings.all() if f.funding_source.shows_eu_emblem and f.is_current), None
        )

    @property
    def region_funding(self):
        return next((f for f in self.fundings.all() if f.funding_source.kind == FundingKind.REGION), None)


@receiver(post_delete, sender=School, dispatch_uid="schools.delete_school_photo")
def delete_school_photo(sender, instance, using, **kwargs):
    """A deleted school leaves no photo file behind. A signal, not School.delete(): deleting from the admin's
    list goes through QuerySet.delete(), which never calls the model's delete()."""
    if instance.photo:
        photo = instance.photo
        photos.delete_photo_files_on_commit(photo.storage, photo.name, instance.photo_width, using)


@receiver(pre_save, sender=School, dispatch_uid="schools.place_school_on_the_map")
def place_school_on_the_map(sender, instance, using, update_fields=None, **kwargs):
    """Every save places the school on the map, loaddata's included (restoring a backup, loading fixtures that
    do not hold the position), unless it saves named fields none of which moves it. A commune that cannot be
    found leaves the position as it was: the save then fails on the commune itself."""
    if update_fields is None or POSITION_FIELDS.intersection(update_fields):
        instance.place_on_the_map(using)


@receiver(post_save, sender=Commune, dispatch_uid="schools.move_schools_with_their_commune")
def move_schools_with_their_commune(sender, instance, created, using, **kwargs):
    """A commune's town hall moved (the gazetteer rebuilt): so do the schools placed at it. A new commune has
    none yet (loading the whole gazetteer, 3,290 of them, stays one query each)."""
    if created:
        return
    School.objects.using(using).filter(commune=instance, latitude__isnull=True).update(
        map_latitude=float(instance.latitude), map_longitude=float(instance.longitude)
    )


class SchoolLinkQuerySet(models.QuerySet):
    """Natural keys of the school link tables: (school slug, linked object's slug)."""

    def get_by_natural_key(self, school_slug, target_slug):
        return self.get(school__slug=school_slug, **{f"{self.model.target_field}__slug": target_slug})


class SchoolLink(models.Model):
    """A row linking a school to one trade, programme or source: named, so the admin can show it plainly."""

    school = models.ForeignKey(School, verbose_name="école", on_delete=models.CASCADE)

    objects = SchoolLinkQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return str(getattr(self, self.target_field))

    def natural_key(self):
        return (self.school.slug, getattr(self, self.target_field).slug)


class SchoolTrade(SchoolLink):
    target_field = "trade"
    trade = models.ForeignKey(Trade, verbose_name="métier", on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "métier de l'école"
        verbose_name_plural = "métiers de l'école"
        ordering = ["school__name", "trade__name"]
        constraints = [models.UniqueConstraint(fields=["school", "trade"], name="school_trade_unique")]
        indexes = [models.Index(fields=["trade", "school"], name="school_trade_by_trade_idx")]


class SchoolProgramme(SchoolLink):
    target_field = "programme"
    programme = models.ForeignKey(Programme, verbose_name="formation", on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "formation de l'école"
        verbose_name_plural = "formations de l'école"
        ordering = ["school__name", "programme__title"]
        constraints = [
            models.UniqueConstraint(fields=["school", "programme"], name="school_programme_unique")
        ]
        indexes = [models.Index(fields=["programme", "school"], name="school_programme_by_prog_idx")]


class SchoolSource(SchoolLink):
    target_field = "source"
    source = models.ForeignKey(Source, verbose_name="source", on_delete=models.PROTECT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "source de la fiche"
        verbose_name_plural = "sources de la fiche"
        ordering = ["school__name", "source__title"]
        constraints = [models.UniqueConstraint(fields=["school", "source"], name="school_source_unique")]


class TestimonialLinkQuerySet(models.QuerySet):
    def get_by_natural_key(self, school_slug, url):
        return self.get(school__slug=school_slug, url=url)


class TestimonialLink(models.Model):
    """An outside page about a school: a press article, a video, a publication."""

    school = models.ForeignKey(
        School, verbose_name="école", on_delete=models.CASCADE, related_name="testimonial_links"
    )
    title = models.CharField("titre", max_length=250)
    url = models.URLField("adresse web", max_length=500)
    kind = models.CharField("type", max_length=20, choices=LinkKind)
    publisher = models.CharField("éditeur", max_length=200, help_text="Journal, chaîne, organisme…")
    published_on = models.DateField("date", null=True, blank=True)

    objects = TestimonialLinkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "témoignage ou article"
        verbose_name_plural = "témoignages et articles"
        ordering = [models.F("published_on").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(fields=["school", "url"], name="testimonial_link_unique_per_school"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.school.natural_key(), self.url)

    natural_key.dependencies = ["schools.school"]


class SchoolFundingQuerySet(models.QuerySet):
    def get_by_natural_key(self, school_slug, funding_source_slug):
        return self.get(school__slug=school_slug, funding_source__slug=funding_source_slug)

    def for_school_page(self):
        return self.select_related("funding_source", "source")

    def for_funding_source_page(self):
        """Called on a funder's `fundings`: the published schools it funds, by name."""
        return (
            self.filter(school__status=Status.PUBLISHED)
            .select_related("school__commune", "source")
            .order_by("school__name")
        )


class SchoolFunding(models.Model):
    """Who funds a school, for which period, with the amount when a source gives it."""

    school = models.ForeignKey(
        School, verbose_name="école", on_delete=models.CASCADE, related_name="fundings"
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name="financeur", on_delete=models.PROTECT, related_name="fundings"
    )
    start_year = models.PositiveSmallIntegerField(
        "depuis (année)", null=True, blank=True, validators=[MinValueValidator(1880), MaxValueValidator(2100)]
    )
    end_year = models.PositiveSmallIntegerField(
        "jusqu'à (année)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1880), MaxValueValidator(2100)],
    )
    amount_eur = models.PositiveIntegerField("montant (€)", null=True, blank=True)
    amount_basis = models.CharField("le montant est", max_length=20, choices=AmountBasis, blank=True)
    details = models.CharField(
        "précisions", max_length=300, blank=True, help_text="Ce que finance cet apport, en une phrase."
    )
    source = models.ForeignKey(
        Source, verbose_name="source", on_delete=models.PROTECT, related_name="school_fundings"
    )

    objects = SchoolFundingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "financement d'une école"
        verbose_name_plural = "financements des écoles"
        ordering = ["school__name", "funding_source__name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "funding_source"], name="school_funding_unique"),
            models.CheckConstraint(
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(start_year__lte=models.F("end_year")),
                name="school_funding_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_eur__isnull=True, amount_basis="")
                | (models.Q(amount_eur__isnull=False) & ~models.Q(amount_basis="")),
                name="school_funding_amount_has_basis",
            ),
        ]
        # A funder's schools counted from this index alone (core.counts.PublishedSchoolCount): the funders'
        # page took 35 ms on SQLite and 20 ms on PostgreSQL at 10,000 schools, reading every funding's row.
        indexes = [models.Index(fields=["funding_source", "school"], name="school_funding_by_funder_idx")]

    def __str__(self):
        return f"{self.funding_source} → {self.school}"

    def natural_key(self):
        return (*self.school.natural_key(), *self.funding_source.natural_key())

    natural_key.dependencies = ["schools.school", "funding.fundingsource"]

    def clean(self):
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": "L'année de fin doit suivre l'année de début."})
        if (self.amount_eur is None) != (not self.amount_basis):
            raise ValidationError(
                {"amount_basis": "Indiquez le montant et ce qu'il représente, ou aucun des deux."}
            )

    @property
    def is_current(self):
        year = timezone.localdate().year
        return (self.start_year or year) <= year <= (self.end_year or year)

    @property
    def period_label(self):
        if self.start_year and self.end_year:
            return (
                str(self.start_year)
                if self.start_year == self.end_year
                else f"{self.start_year}–{self.end_year}"
            )
        if self.start_year:
            return f"depuis {self.start_year}"
        if self.end_year:
            return f"jusqu'en {self.end_year}"
        return ""


class OpenDayQuerySet(models.QuerySet):
    def get_by_natural_key(self, school_slug, date):
        return self.get(school__slug=school_slug, date=date)

    def upcoming(self):
        return self.filter(date__gte=timezone.localdate())

    def past(self):
        return self.filter(date__lt=timezone.localdate())

    def for_calendar(self):
        """Upcoming open days of published schools, each with its school and commune, in date order."""
        return (
            self.upcoming()
            .filter(school__status=Status.PUBLISHED)
            .select_related("school__commune")
            .order_by("date", "start_time", "school__name")
        )


class OpenDay(models.Model):
    """A day when families can visit the school. Past ones disappear from the site by themselves."""

    school = models.ForeignKey(
        School, verbose_name="école", on_delete=models.CASCADE, related_name="open_days"
    )
    date = models.DateField("date")
    start_time = models.TimeField("heure de début", null=True, blank=True)
    end_time = models.TimeField("heure de fin", null=True, blank=True)
    details = models.CharField("précisions", max_length=200, blank=True, help_text="Sur rendez-vous, lieu…")

    objects = OpenDayQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "journée portes ouvertes"
        verbose_name_plural = "journées portes ouvertes"
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="open_day_unique_per_school"),
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True)
                | models.Q(end_time__isnull=True)
                | models.Q(start_time__lt=models.F("end_time")),
                name="open_day_hours_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.school} : {self.date:%d/%m/%Y}"

    def natural_key(self):
        return (self.school.slug, self.date.isoformat())

    def clean(self):
        if self._state.adding and self.date and self.date < timezone.localdate():
            raise ValidationError({"date": "Cette date est passée : indiquez une journée à venir."})
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": "L'heure de fin doit suivre l'heure de début."})
