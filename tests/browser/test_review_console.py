"""A site Administrator works in the review console (/review/), in Chromium: logs in, applies a
change request and reads the connection's history, rejects one with a message (the submitter's
mail is written), bulk-reassigns two connections, follows a workload figure, exports the list
as CSV. Each step leaves a screenshot."""

import csv
import io
import re
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (with CI=true: fails them)
    expect = None


def login(page, server):
    page.goto("/review/login/?next=/review/")
    page.fill("#id_username", server.data["site_admin"]["username"])
    page.fill("#id_password", server.data["site_admin"]["password"])
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def test_a_user_who_administers_no_site_is_refused(page, admin_server, screens):
    page.goto("/review/login/?next=/review/")
    page.fill("#id_username", admin_server.data["manager"]["username"])
    page.fill("#id_password", admin_server.data["manager"]["password"])
    page.click("input[type=submit]")
    expect(page.locator(".errornote")).to_contain_text("site Administrator")
    screens.shot(page, "refused")


def test_apply_and_read_the_history(page, admin_server, screens):
    data = admin_server.data["site_admin"]
    login(page, admin_server)
    expect(page.locator("#site-name")).to_contain_text("Outreach review")
    screens.shot(page, "index")
    page.click("#queue-link")
    row = page.locator(
        "#result_list tbody tr", has=page.locator(f"a[href$='/{data['to_apply']}/change/']")
    )
    expect(row.locator("table.change-table tr", has_text="Due date")).to_contain_text("08/02/2015")
    screens.shot(page, "queue")
    page.goto(f"/review/outreach/changerequest/{data['to_apply']}/change/")
    page.click("#decision-apply input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("applied.")
    screens.shot(page, "applied")

    page.goto(f"/review/outreach/connection/{data['to_apply_connection']}/change/")
    history = page.locator(".field-history_shown .history-entry")
    expect(history).to_have_count(1)
    due = history.locator("tr", has_text="Due date")
    expect(due.locator("td").nth(0)).to_have_text("06/02/2015")
    expect(due.locator("td").nth(1)).to_have_text("08/02/2015")
    screens.shot(page, "connection-history")


def test_reject_with_a_message_and_the_submitters_mail(page, admin_server, screens):
    data = admin_server.data["site_admin"]
    login(page, admin_server)
    page.goto(f"/review/outreach/changerequest/{data['to_reject']}/change/")
    page.fill("#decision-reject textarea[name=message]", "Please visit before changing it.")
    screens.shot(page, "message-given")
    page.click("#decision-reject input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("rejected.")
    expect(page.locator(".field-review_message")).to_contain_text("Please visit before")
    screens.shot(page, "rejected")

    outbox = Path(admin_server.env["EMAIL_FILE_PATH"])
    mails = [path.read_text() for path in sorted(outbox.glob("*.log"))]
    mine = [text for text in mails if "To: submitter@example.org" in text]
    assert any("Please visit before changing it." in text for text in mine), mails


def test_bulk_reassign_two_connections(page, admin_server, screens):
    data = admin_server.data["site_admin"]
    login(page, admin_server)
    page.goto("/review/outreach/connection/")
    for pk in data["to_reassign"]:
        page.check(f"input[name=_selected_action][value='{pk}']")
    page.select_option("select[name=action]", "reassign_selected")
    screens.shot(page, "selected")
    page.click("button[name=index]")
    expect(page.locator("#reassigned li")).to_have_count(2)
    page.select_option("#id_team", str(data["team"]))
    screens.shot(page, "reassign-form")
    page.click("#reassign-form input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("2 connection(s) reassigned.")
    screens.shot(page, "reassigned")
    for pk in data["to_reassign"]:
        page.goto(f"/review/outreach/connection/{pk}/change/")
        expect(page.locator(".field-history_shown .history-entry")).to_contain_text("Reassign")


def test_workload_figures_lead_to_the_list(page, admin_server, screens):
    login(page, admin_server)
    page.click("#workload-link")
    row = page.locator("#workload-callers tr", has_text="Carla Caller (90)")
    figure = row.locator("td.open a")
    count = int(figure.inner_text())
    assert count >= 1
    screens.shot(page, "workload")
    figure.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(count)
    screens.shot(page, "followed")


def test_export_csv_matches_the_list(page, admin_server, screens):
    login(page, admin_server)
    page.goto("/review/outreach/connection/?completed__exact=0")
    listed = [
        text.strip()
        for text in page.locator("#result_list tbody th.field-number").all_inner_texts()
    ]
    screens.shot(page, "list")
    with page.expect_download() as download_info:
        page.click("#export-csv")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text())))
    assert rows[0][0] == "ConnectionId"
    assert [row[0] for row in rows[1:]] == listed
    assert re.fullmatch(r"connections\.csv", download_info.value.suggested_filename)
