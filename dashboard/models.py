"""The dashboard owns a calendar of WITA days with a running count of working days (working days between two
dates are a subtraction), and the precomputed summaries every figure of the coordinators' dashboard is read
from (Summary, kept fresh through StaleDay and SummaryState: see dashboard/summaries.py)."""

from django.db import models


class CalendarDay(models.Model):
    day = models.DateField(primary_key=True)
    # Working days (portal.core.workdays.is_working_day) from the calendar's first day up to and including this
    # day: working days after A up to and including B = index(B) - index(A).
    working_index = models.PositiveIntegerField()

    class Meta:
        verbose_name = "calendar day"

    def __str__(self):
        return f"{self.day} ({self.working_index})"


class Grain(models.TextChoices):
    DAY = "d", "day"
    MONTH = "m", "month"


class Kind(models.TextChoices):
    CASE = "case", "children registered"
    NEED = "need", "needs checked"
    REFERRAL = "ref", "referrals sent"
    ACCEPT = "acc", "working days to accept"
    COMPLETE = "comp", "calendar days to complete"
    DECLINE = "decl", "decline reasons"


class Summary(models.Model):
    """The dashboard's figures precomputed per area node and period (dashboard/summaries.py).

    One row counts the facts of one `kind` registered (cases) or sent (referrals) at or below the area `node` in
    one WITA day (`grain` d, `period` the day) or month (`grain` m, `period` its first day), for one service,
    agency and status. `key` is the histogram bucket (days to accept or to complete) or, for referrals still
    open, the WITA date of the deadline that decides "overdue" (a date ordinal; -1 when that date was already
    past at the last rebuild; 0 when nothing can be overdue). `text` is a decline reason category (issue 20: never the free-text note). Only counts: never a
    child's identity."""

    node = models.CharField(max_length=32)
    parent = models.CharField(max_length=32)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    period = models.DateField()
    kind = models.CharField(max_length=4, choices=Kind.choices)
    service_id = models.IntegerField(null=True)
    agency_id = models.IntegerField(null=True)
    status = models.CharField(max_length=12, default="")
    key = models.IntegerField(default=0)
    text = models.TextField(default="")
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = "dashboard summary"
        indexes = [
            models.Index(fields=["node", "grain", "kind", "period"], name="dashboard_sum_node"),
            models.Index(fields=["parent", "grain", "kind", "period"], name="dashboard_sum_parent"),
            models.Index(fields=["period"], name="dashboard_sum_period"),
        ]

    def __str__(self):
        return f"{self.node} {self.grain}{self.period} {self.kind} {self.n}"


class StaleDay(models.Model):
    """A WITA day whose summaries a write has made stale: written in the writer's own transaction (signals in
    dashboard/summaries.py), consumed by summaries_refresh()."""

    day = models.DateField()

    class Meta:
        verbose_name = "stale dashboard day"

    def __str__(self):
        return str(self.day)


class SummaryState(models.Model):
    """One row: `version` moves whenever the summaries change (it keys the dashboard cache); `cutoff` is the
    latest WITA date a day was rebuilt on (deadline buckets before it were collapsed into "past")."""

    version = models.PositiveIntegerField(default=0)
    cutoff = models.DateField(null=True)
    built_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "dashboard summary state"

    def __str__(self):
        return f"v{self.version}"

    @property
    def cache_token(self) -> str:
        """What keys the dashboard cache: the version and when it was built. The version alone is a counter that
        starts again from 0 if the table is emptied or the database restored from a backup, and then names
        figures cached before (in Redis, which outlives the database's state)."""
        built = self.built_at.timestamp() if self.built_at else 0
        return f"{self.version}.{built:.6f}"
