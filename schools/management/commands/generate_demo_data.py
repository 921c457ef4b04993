"""Fake schools for demonstrations and benchmarks: `manage.py generate_demo_data --schools 10000`.

Every generated school is marked as fake three times: its name starts with "[Démo] ", its slug with "demo-",
and it cites the dedicated source "Données de démonstration, fictives". The schools sit in real communes of
the gazetteer and use the real trades, programmes and funders of the directory (loaded first if absent).

Rows are written with bulk_create, many per query: 10,000 schools take seconds, not minutes.
Nothing is written to the default database unless the person says so (--database or --yes-default-database).
"""

import datetime
import random
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.cache import bump_content_version
from core.enums import Status
from funding.enums import FundingKind
from funding.models import FundingSource
from places.models import Commune
from programs.models import Programme, Trade
from schools.enums import AmountBasis, CoordinatesPrecision, Cost, LinkKind, YesNoUnknown
from schools.management.commands.load_directory import CONTENT_FIXTURES, GAZETTEER_FIXTURES
from schools.models import (
    OpenDay,
    School,
    SchoolFunding,
    SchoolProgramme,
    SchoolSource,
    SchoolTrade,
    TestimonialLink,
)
from sources.models import Source

DEMO_NAME_PREFIX = "[Démo] "
DEMO_SLUG_PREFIX = "demo-"
DEMO_SOURCE = {
    "slug": "demo-donnees-fictives",
    "title": "Données de démonstration, fictives",
    "publisher": "Générateur de données de démonstration de l'annuaire",
    "note": "Ces fiches sont inventées pour essayer le site : aucune de ces écoles n'existe.",
}
BATCH_SIZE = 2000  # rows per INSERT at most; Django lowers it to what the database accepts

NAME_PATTERNS = [
    "École de production {of_commune}",
    "Atelier-école {of_commune}",
    "École de production {trade} – {commune}",
    "L'Établi {of_commune}",
]
STREETS = [
    "rue des Ateliers",
    "rue de l'Industrie",
    "avenue de la République",
    "chemin du Moulin",
    "rue Pasteur",
    "zone artisanale des Forges",
    "rue du Port",
    "boulevard de la Liberté",
]
PEDAGOGIES = [
    "Les élèves apprennent en fabriquant, à l'atelier, pour de vrais clients. Un maître professionnel "
    "suit chaque groupe de huit élèves.",
    "Deux tiers du temps se passent à l'atelier, sur des commandes réelles ; le reste du temps, les "
    "cours généraux partent de ce qui a été fait à l'atelier.",
    "On apprend le geste en le refaisant, avec un professionnel du métier, jusqu'à livrer une pièce "
    "que le client accepte.",
]
WORKSHOP_SHARES = ["deux tiers du temps (24 h par semaine)", "environ 2 000 heures de pratique", ""]
MEALS = ["Cantine sur place", "Repas pris à l'atelier, à prix réduit", ""]
LODGINGS = ["Places en foyer de jeunes travailleurs", "Aide pour trouver une famille d'accueil", ""]
TRANSPORTS = ["Gare à 10 minutes à pied", "Arrêt de bus devant l'école", "Aide au transport possible", ""]
FUNDING_DETAILS = {
    FundingKind.REGION: "La Région finance une partie de la formation de chaque élève.",
    FundingKind.EU: "Ce fonds européen paie la formation au CAP : elle est gratuite pour les élèves.",
    FundingKind.STATE: "L'État soutient l'école au titre de la formation professionnelle.",
    FundingKind.COMPANY: "Cette entreprise aide l'école à équiper son atelier.",
    FundingKind.SALES: "Les élèves vendent ce qu'ils fabriquent à de vrais clients.",
    FundingKind.OTHER: "Une part de la taxe d'apprentissage est versée à l'école.",
}


def of_place(name):
    """ "de Caen", "d'Évreux", "du Havre", "des Andelys": the French way to say "of" before a commune."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name[0] in "AEIOUYÉÈÊÎÔ":
        return f"d'{name}"
    return f"de {name}"


def in_place(name):
    """ "à Caen", "au Havre", "aux Andelys": "in" before a commune."""
    if name.startswith("Le "):
        return f"au {name[3:]}"
    if name.startswith("Les "):
        return f"aux {name[4:]}"
    return f"à {name}"


class Command(BaseCommand):
    help = (
        "Remplit une base avec des écoles fictives (nom « [Démo] … », identifiant « demo-… ») dans les "
        "vraies communes, avec les vrais métiers, formations et financeurs. À lancer sur une base jetable : "
        "DATABASE_URL=… manage.py generate_demo_data --schools 1000 --yes-default-database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=100, help="Nombre d'écoles fictives à créer.")
        parser.add_argument("--seed", type=int, help="Graine du hasard : même graine, mêmes écoles.")
        parser.add_argument(
            "--replace", action="store_true", help="Supprimer d'abord les écoles fictives déjà présentes."
        )
        parser.add_argument(
            "--database", help="Connexion où écrire (nom d'une entrée de DATABASES, par exemple « default »)."
        )
        parser.add_argument(
            "--yes-default-database",
            action="store_true",
            help="Écrire dans la base par défaut (celle de DATABASE_URL) : à réserver à une base jetable.",
        )

    def handle(self, *args, schools, seed, replace, database, yes_default_database, **options):
        using = self.chosen_database(database, yes_default_database)
        if schools < 0:
            raise CommandError("Le nombre d'écoles ne peut pas être négatif.")
        verbosity = options["verbosity"]
        self.ensure_reference_data(using, verbosity)
        started = timezone.now()
        with transaction.atomic(using=using):
            if replace:
                removed = self.remove_demo_schools(using)
                if verbosity:
                    self.stdout.write(f"{removed} école(s) fictive(s) supprimée(s).")
            created = DemoDirectory(using, random.Random(seed)).create(schools)
            bump_content_version(sender=School, using=using)
        # Fresh planner statistics: without them PostgreSQL guessed a few rows and the filtered list took
        # 0.9 s at 10,000 schools instead of 0.05 s, until autovacuum got round to the tables. On PostgreSQL,
        # outside a transaction, a VACUUM too, as autovacuum does on a live database: until then each
        # index-only scan also reads the table's rows (the home page's build: 36 instead of 25 ms).
        connection = connections[using]
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        if verbosity:
            seconds = (timezone.now() - started).total_seconds()
            self.stdout.write(
                self.style.SUCCESS(
                    f"{created} école(s) fictive(s) créée(s) en {seconds:.1f} s dans « {using} »."
                )
            )

    def chosen_database(self, database, yes_default_database):
        """The connection to write to; refuses the default one unless the person named it explicitly."""
        if database is None and not yes_default_database:
            settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
            raise CommandError(
                "Refusé : cette commande ajoute des écoles fictives et n'écrit pas dans la base par défaut "
                f"({settings_dict['ENGINE'].rsplit('.', 1)[-1]} « {settings_dict['NAME']} ») sans accord "
                "explicite.\nLa bonne façon : pointer DATABASE_URL vers une base jetable, puis relancer avec "
                "--yes-default-database (ou --database <connexion> pour une autre entrée de DATABASES)."
            )
        using = database or DEFAULT_DB_ALIAS
        if using not in connections:
            raise CommandError(f"La connexion « {using} » n'existe pas dans DATABASES.")
        return using

    def ensure_reference_data(self, using, verbosity):
        """The gazetteer and the real directory, loaded once if the database has none yet."""
        if not Commune.objects.using(using).exists():
            call_command("loaddata", *GAZETTEER_FIXTURES, database=using, verbosity=verbosity)
        if not Trade.objects.using(using).exists():
            call_command("loaddata", *CONTENT_FIXTURES, database=using, verbosity=verbosity)

    def remove_demo_schools(self, using):
        demo = School.objects.using(using).filter(
            slug__startswith=DEMO_SLUG_PREFIX, name__startswith=DEMO_NAME_PREFIX
        )
        count = demo.count()
        # One plain DELETE per table: the rows that cascade from a school first, then the schools.
        # QuerySet.delete() would send a signal per row (the page cache bumps its version on each): minutes
        # for 10,000 schools. The version is bumped once, at the end, instead.
        for relation in School._meta.related_objects:
            if relation.one_to_many and relation.on_delete is models.CASCADE:
                rows = relation.related_model.objects.using(using)
                rows.filter(**{f"{relation.field.name}__in": demo})._raw_delete(using)
        demo._raw_delete(using)
        return count


class DemoDirectory:
    """Builds the fake schools and their rows with one random generator: same seed, same schools."""

    def __init__(self, using, rng):
        self.using = using
        self.rng = rng
        self.today = timezone.localdate()
        self.source, _ = Source.objects.using(using).get_or_create(
            slug=DEMO_SOURCE["slug"], defaults=DEMO_SOURCE
        )
        # Ordered lists, so that the same seed picks the same objects on every run.
        self.communes = list(Commune.objects.using(using).current().order_by("insee_code"))
        if not self.communes:
            raise CommandError(
                "Aucune commune dans la base : chargez d'abord le répertoire (loaddata communes)."
            )
        # Big towns get more schools, small villages a few: weight by the square root of the population.
        self.commune_weights = [(commune.population or 100) ** 0.5 for commune in self.communes]
        self.trades = list(Trade.objects.using(using).order_by("slug"))
        if not self.trades:
            raise CommandError("Aucun métier dans la base : chargez d'abord l'annuaire (load_directory).")
        self.programmes_by_trade = {trade.pk: [] for trade in self.trades}
        for programme in Programme.objects.using(using).order_by("slug").prefetch_related("trades"):
            for trade in programme.trades.all():
                self.programmes_by_trade[trade.pk].append(programme)
        funders = list(FundingSource.objects.using(using).order_by("slug"))
        self.funders_by_kind = {kind: [f for f in funders if f.kind == kind] for kind in FundingKind}
        self.eu_funders = [f for f in funders if f.shows_eu_emblem]

    def create(self, count):
        schools = self.make_schools(count)
        School.objects.using(self.using).bulk_create(schools, batch_size=BATCH_SIZE)
        # Read the new ids back by slug: works whether or not the database returns ids from bulk inserts.
        ids = dict(
            School.objects.using(self.using)
            .filter(slug__startswith=DEMO_SLUG_PREFIX)
            .values_list("slug", "pk")
        )
        rows = {model: [] for model in (SchoolTrade, SchoolProgramme, SchoolSource, SchoolFunding)}
        rows |= {TestimonialLink: [], OpenDay: []}
        for school in schools:
            school.pk = ids[school.slug]
            self.add_links(school, rows)
        for model, objects in rows.items():
            model.objects.using(self.using).bulk_create(objects, batch_size=BATCH_SIZE)
        return len(schools)

    def make_schools(self, count):
        rng = self.rng
        first_number = self.next_number()
        communes = rng.choices(self.communes, weights=self.commune_weights, k=count)
        schools = []
        for number, commune in enumerate(communes, start=first_number):
            trades = rng.sample(self.trades, k=2 if rng.random() < 0.25 else 1)
            pattern = rng.choice(NAME_PATTERNS)
            name = pattern.format(
                commune=commune.name, of_commune=of_place(commune.name), trade=trades[0].name
            )
            slug = f"{DEMO_SLUG_PREFIX}{number:05}-{slugify(commune.name)}"[:120]
            school = School(
                name=f"{DEMO_NAME_PREFIX}{name} n° {number}",
                slug=slug,
                managing_body=f"Association fictive « Les ateliers de {commune.name} »",
                status=Status.PUBLISHED if rng.random() < 0.95 else Status.DRAFT,
                commune=commune,
                postcode=commune.postcodes.split()[0] if commune.postcodes else "",
                street_address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                opened_year=rng.randint(1995, 2025),
                description=self.description(commune, trades),
                pedagogy=rng.choice(PEDAGOGIES),
                workshop_share=rng.choice(WORKSHOP_SHARES),
                class_size=rng.choice([None, 8, 10, 12, 12, 16]),
                age_min=15,
                age_max=rng.choice([18, 18, 18, 25]),
                weekly_hours=rng.choice([None, 32, 35, 35]),
                meals=rng.choice(MEALS),
                boarding=rng.choice(YesNoUnknown.values),
                lodging=rng.choice(LODGINGS),
                transport=rng.choice(TRANSPORTS),
                intake_places=rng.choice([None, 4, 6, 8, 12]),
                joins_during_year=rng.choice(YesNoUnknown.values),
                intake_confirmed_on=rng.choice([None, datetime.date(2025, rng.randint(1, 12), 15)]),
                website=f"https://example.org/demo/{slug}/",
                email=f"contact-{number}@example.org",
                # 02 61 91 xx xx: numbers set aside by the ARCEP for works of fiction, never assigned.
                phone=f"+3326191{number // 100 % 100:02}{number % 100:02}",
            )
            self.set_cost(school)
            self.set_position(school, commune)
            school.place_on_the_map()  # bulk_create() sends no pre_save signal
            school.demo_trades = trades  # read back by add_links()
            schools.append(school)
        return schools

    def next_number(self):
        """Numbers continue after the demo schools already there, so a second run adds without clashing."""
        slugs = School.objects.using(self.using).filter(slug__startswith=DEMO_SLUG_PREFIX)
        numbers = [
            int(slug.split("-")[1])
            for slug in slugs.values_list("slug", flat=True)
            if slug.split("-")[1].isdigit()
        ]
        return max(numbers, default=0) + 1

    def description(self, commune, trades):
        trade_names = " et ".join(trade.name.lower() for trade in trades)
        where = in_place(commune.name)
        return (
            "Fiche de démonstration : cette école n'existe pas, toutes ses informations sont inventées.\n\n"
            f"{where[0].upper()}{where[1:]}, des jeunes de 15 à 18 ans apprennent un métier ({trade_names}) "
            "en fabriquant de vraies pièces pour de vrais clients. Ils préparent un CAP en deux ans."
        )

    def set_cost(self, school):
        draw = self.rng.random()
        if draw < 0.8:
            school.cost = Cost.FREE
        elif draw < 0.9:
            school.cost = Cost.FEE
            school.annual_fee_eur = self.rng.choice([50, 100, 150, 300])
            school.cost_details = "Frais de dossier et tenue de travail."
        else:
            school.cost = Cost.UNKNOWN

    def set_position(self, school, commune):
        """Half of the schools have their own position near the town hall; the others are placed at it."""
        if self.rng.random() < 0.5:
            offset = Decimal("0.00001")
            school.latitude = (commune.latitude + Decimal(self.rng.uniform(-0.008, 0.008))).quantize(offset)
            school.longitude = (commune.longitude + Decimal(self.rng.uniform(-0.008, 0.008))).quantize(offset)
            school.coordinates_precision = CoordinatesPrecision.BUILDING

    def add_links(self, school, rows):
        rng = self.rng
        school_id = school.pk
        trades = school.demo_trades
        for trade in trades:
            rows[SchoolTrade].append(SchoolTrade(school_id=school_id, trade_id=trade.pk))
        programmes = {p.pk: p for trade in trades for p in self.programmes_by_trade[trade.pk]}
        if programmes and rng.random() < 0.9:  # a few schools whose programme is not confirmed yet
            chosen = rng.sample(sorted(programmes), k=min(len(programmes), rng.choice([1, 1, 2])))
            rows[SchoolProgramme] += [SchoolProgramme(school_id=school_id, programme_id=pk) for pk in chosen]
        rows[SchoolSource].append(SchoolSource(school_id=school_id, source_id=self.source.pk))
        rows[SchoolFunding] += self.fundings(school_id)
        for k in range(rng.randint(1, 3)):
            rows[TestimonialLink].append(
                TestimonialLink(
                    school_id=school_id,
                    title=f"{DEMO_NAME_PREFIX}Reportage dans l'atelier de {school.commune.name}",
                    url=f"https://example.org/demo/{school.slug}/temoignage-{k + 1}",
                    kind=rng.choice(LinkKind.values),
                    publisher="Journal fictif",
                    published_on=rng.choice([None, datetime.date(rng.randint(2020, 2025), 6, 1)]),
                )
            )
        if rng.random() < 0.4:
            rows[OpenDay].append(
                OpenDay(
                    school_id=school_id,
                    date=self.today + datetime.timedelta(days=rng.randint(7, 150)),
                    start_time=datetime.time(9),
                    end_time=datetime.time(rng.choice([12, 17])),
                    details=rng.choice(["", "Sur rendez-vous", "Visite de l'atelier"]),
                )
            )

    def fundings(self, school_id):
        """One row per funder: the Région nearly always, then EU funds, sales, a company, the tax."""
        rng = self.rng
        chances = [
            (self.funders_by_kind[FundingKind.REGION], 0.9),
            (self.eu_funders, 0.6),
            (self.funders_by_kind[FundingKind.SALES], 0.5),
            (self.funders_by_kind[FundingKind.COMPANY], 0.4),
            (self.funders_by_kind[FundingKind.OTHER], 0.3),
            (self.funders_by_kind[FundingKind.STATE], 0.2),
        ]
        rows = []
        for funders, chance in chances:
            if not funders or rng.random() >= chance:
                continue
            funder = rng.choice(funders)
            funding = SchoolFunding(
                school_id=school_id,
                funding_source_id=funder.pk,
                details=FUNDING_DETAILS[funder.kind],
                source_id=self.source.pk,
            )
            if funder.kind != FundingKind.SALES:
                funding.start_year = rng.randint(2019, 2025)
                funding.end_year = rng.choice([None, 2026, 2027])
            if funder.kind == FundingKind.REGION and rng.random() < 0.3:
                funding.amount_eur = rng.choice([3000, 4000, 5000])
                funding.amount_basis = AmountBasis.PER_PUPIL_PER_YEAR
            rows.append(funding)
        return rows
