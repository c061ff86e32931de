"""The load generator's commitments (bench/loadgen): lines for every chosen village and year, policies, and a
top-up for a database generated before commitments existed. The roll-up and pages read them."""

from django.db.models import Count
from django.test import Client

from bench.loadgen.generate import generate
from commitments.models import BudgetLine, Policy
from tests.conftest import AREAS_DIR


def test_small_scale_generates_commitments_and_tops_up_an_older_run(areas):
    run = generate(scale="small", areas_dir=AREAS_DIR, log=lambda line: None)
    villages = BudgetLine.objects.filter(area__level="village").values("area_code").distinct().count()
    years = set(BudgetLine.objects.values_list("year", flat=True))
    assert villages == 24 and len(years) == 3
    assert run.counts["budget_lines"] == BudgetLine.objects.count() >= 24 * 3
    assert BudgetLine.objects.filter(area_code="52").exists()  # the province's own lines
    assert Policy.objects.filter(number="400/10/BP3AKB", area_code="52").exists()
    assert set(
        BudgetLine.services.through.objects.values("budgetline")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    ) == {1}
    page = Client().get("/commitments/a/52/")
    assert page.status_code == 200 and "Rp" in page.content.decode()
    # An older run (no commitments in its counts): generate adds them once, then returns at once.
    BudgetLine.objects.all().delete()
    Policy.objects.all().delete()
    run.counts = {k: v for k, v in run.counts.items() if k not in ("budget_lines", "policies")}
    run.save()
    again = generate(scale="small", areas_dir=AREAS_DIR, log=lambda line: None)
    assert again.pk == run.pk and again.counts["budget_lines"] == BudgetLine.objects.count() > 0
    count = BudgetLine.objects.count()
    generate(scale="small", areas_dir=AREAS_DIR, log=lambda line: None)
    assert BudgetLine.objects.count() == count
    # Sequences moved past the explicit ids.
    BudgetLine.objects.create(area_id=BudgetLine.objects.first().area_id, area_code="52", year=2026, source="apbn",
                              activity="x", planned_idr=1)  # fmt: skip
