"""Exports: the client's record as a printable page (the browser prints it to PDF), and the caseload as CSV.

Times are in the service's time zone (SERVICE_TIME_ZONE), named in the page and in the file.
"""

from __future__ import annotations

import csv
import io

from aiohttp import web

from bot.gateway import keys
from bot.portal import app_keys
from bot.portal.auth import require_viewer
from bot.portal.client_routes import dashboard_query, load_dashboard, record_of
from bot.portal.dashboard import CaseRow
from bot.portal.pages import render_page
from bot.portal.support import in_database
from bot.portal.times import ServiceClock
from bot.storage.models import utcnow

routes = web.RouteTableDef()
# A spreadsheet runs a cell that starts with one of these as a formula; a label is a practitioner's
# free text, so such a cell is written with a leading apostrophe (shown as text, not run).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = [
    "Client", "Practitioner", "Waiting", "Where they are", "Last active", "Plan steps", "Steps done", "Steps blocked",
    "Steps due", "Next step due", "Next session",
]  # fmt: skip


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def caseload_csv(rows: list[CaseRow], clock: ServiceClock, zone_name: str, with_practitioner: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [c for c in CSV_COLUMNS if with_practitioner or c != "Practitioner"]
    writer.writerow([f"{c} ({zone_name})" if c == "Last active" else c for c in columns])
    for row in rows:
        values = {
            "Client": row.label,
            "Practitioner": row.practitioner,
            "Waiting": "; ".join(item.text for item in row.waiting),
            "Where they are": row.where,
            "Last active": clock.iso(row.last_active_at),
            "Plan steps": row.steps.total,
            "Steps done": row.steps.done,
            "Steps blocked": row.steps.blocked,
            "Steps due": row.steps.due,
            "Next step due": row.steps.next_due.isoformat() if row.steps.next_due else "",
            "Next session": row.next_session.isoformat() if row.next_session else "",  # a day in the service's zone
        }
        writer.writerow([cell(values[column]) for column in columns])
    return out.getvalue()


@routes.get("/portal/caseload.csv", name="portal_caseload_csv")
async def caseload_export(request: web.Request) -> web.Response:
    """Every client the dashboard shows with the same filters (all pages), most urgent first."""
    viewer = await require_viewer(request)
    settings, clock = request.app[keys.SETTINGS], request.app[app_keys.CLOCK]
    build = load_dashboard(request, viewer, dashboard_query(request), page_size=None)
    rows = (await in_database(request, build)).rows
    body = caseload_csv(rows, clock, settings.service_time_zone, viewer.is_admin)
    filename = f"caseload-{clock.today().isoformat()}.csv"
    return web.Response(
        body=body.encode("utf-8-sig"),  # with a BOM, so spreadsheets read the labels' accents right
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@routes.get("/portal/clients/{client_id}/print", name="portal_client_print")
async def client_print(request: web.Request) -> web.Response:
    """The client's record as a print-ready page: everything on the record page, oldest events first."""
    viewer = await require_viewer(request)
    view = await record_of(request, viewer, request.match_info["client_id"])
    context = {"view": view, "zone": request.app[keys.SETTINGS].service_time_zone, "now": utcnow()}
    return await render_page(request, "client_print.html", context, viewer)
