"""Periodic work of the alignment app (found by ``core.scheduler``, which discovers every app's
``jobs`` module): the monthly executive report, sent through the outgoing webhooks from the
first business day of each month (``report_sending.py`` says when and to whom). It runs every
hour so that the report goes out soon after that day's working hours begin; it is idempotent
(one ``ReportSending`` per report and month), so the run after a restart does no harm."""

from __future__ import annotations

import datetime as dt

from cordee.alignment.report_sending import monthly_reports_send_all
from cordee.core.scheduler import periodic


@periodic(every=dt.timedelta(hours=1))
def send_monthly_reports() -> None:
    """The previous month's executive reports, on the first business day of the month."""
    monthly_reports_send_all()
