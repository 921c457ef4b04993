"""Published schools counted per trade and per programme (home, lists, admin): one query, drafts left out."""

from programs.models import Programme, Trade
from tests.factories import make_programme, make_school, make_trade


def test_each_trade_and_programme_counts_its_published_schools_only(db, django_assert_num_queries):
    welding, cooking, unused = make_trade(), make_trade(), make_trade()
    cap = make_programme(trades=[welding])
    make_school(trades=[welding, cooking], programmes=[cap])
    make_school(trades=[welding], programmes=[cap])
    make_school(trades=[welding, cooking], programmes=[cap], status="draft")
    with django_assert_num_queries(1):
        counts = {trade.pk: trade.school_count for trade in Trade.objects.with_school_count()}
    assert counts == {welding.pk: 2, cooking.pk: 1, unused.pk: 0}
    assert [(p.pk, p.school_count) for p in Programme.objects.with_school_count()] == [(cap.pk, 2)]


def test_the_counts_keep_the_models_order(db):
    for name in ["Vente", "Boulangerie", "Mécanique"]:
        make_trade(name=name)
    assert [trade.name for trade in Trade.objects.with_school_count()] == sorted(
        trade.name for trade in Trade.objects.all()
    )
