"""The dashboard owns one table: a calendar of WITA days with a running count of working days, so that the
working days between two dates are a subtraction inside an aggregate query (a join), never a loop."""

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
