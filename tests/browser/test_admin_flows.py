"""Staff work in the admin, in Chromium: log in, approve a request, reject one with a reason,
ask for changes of one (its schedule's warning in view), download its attachment, apply an
outreach change request and read the connection's history.
Assertions are on what the page shows; each step leaves a screenshot."""

import re
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (with CI=true: fails them)
    expect = None


def login(page, server):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", server.data["username"])
    page.fill("#id_password", server.data["password"])
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def request_page(server, key: str) -> str:
    return f"/admin/connections/connectionrequest/{server.data[key]}/change/"


def test_login(page, admin_server, screens):
    page.goto("/admin/")
    expect(page.locator("#id_username")).to_be_visible()
    screens.shot(page, "login-form")
    login(page, admin_server)
    expect(page.locator("#content")).to_contain_text("Connection requests")
    screens.shot(page, "admin-index")


def test_approve(page, admin_server, screens):
    login(page, admin_server)
    page.goto(request_page(admin_server, "to_approve"))
    expect(page.locator(".request-files")).to_contain_text("price-list.csv")
    integration = page.locator(".inline-related").first
    expect(integration).to_contain_text("Orders placed after 18:00 ship the next business day.")
    expect(integration.locator(".next-runs li")).to_have_count(3)
    screens.shot(page, "pending-request")

    page.click("#decision-approve input[type=submit]")

    expect(page.locator(".messagelist")).to_contain_text("approved; connection")
    expect(page.locator("#connection-link")).to_contain_text("Acme Retail <-> Brightline Supply")
    expect(page.locator("#decisions")).to_have_count(0)
    expect(page.locator("input[name=_save]")).to_have_count(0)  # read-only now
    expect(page.locator("#id_counterpart_name")).to_have_count(0)
    screens.shot(page, "approved")
    page.click("#connection-link")
    expect(page).to_have_url(re.compile(r"/admin/connections/connection/\d+/change/$"))
    screens.shot(page, "its-connection")


def test_reject_with_a_reason(page, admin_server, screens):
    login(page, admin_server)
    page.goto(request_page(admin_server, "to_reject"))
    page.fill("#decision-reject textarea[name=reason]", "No such supplier in our network.")
    screens.shot(page, "reason-given")

    page.click("#decision-reject input[type=submit]")

    expect(page.locator(".messagelist")).to_contain_text("rejected.")
    expect(page.locator(".field-status")).to_contain_text("Rejected")
    expect(page.locator(".field-rejection_reason")).to_contain_text(
        "No such supplier in our network."
    )
    expect(page.locator("input[name=_save]")).to_have_count(0)
    screens.shot(page, "rejected")


def test_ask_for_changes_then_read_the_history(page, admin_server, screens):
    login(page, admin_server)
    page.goto(request_page(admin_server, "to_ask"))
    integration = page.locator(".inline-related").first
    expect(integration.locator(".schedule-warnings li")).to_contain_text(
        "It fires 60 times a minute"
    )
    page.fill(
        "#decision-request-changes textarea[name=message]", "Fire once: 0 20 12 3 8,9 *, please."
    )
    screens.shot(page, "changes-asked-for")

    page.click("#decision-request-changes input[type=submit]")

    expect(page.locator(".messagelist")).to_contain_text("changes requested.")
    expect(page.locator(".field-status")).to_contain_text("Changes requested")
    expect(page.locator(".review-history")).to_contain_text("Fire once: 0 20 12 3 8,9 *, please.")
    expect(page.locator("#decision-approve")).to_have_count(1)  # still undecided
    screens.shot(page, "changes-requested")


def test_download_an_attachment(page, admin_server, screens):
    login(page, admin_server)
    page.goto(request_page(admin_server, "to_approve"))
    link = page.locator(".request-files a", has_text="price-list.csv")
    assert "/media/" not in link.get_attribute("href")
    screens.shot(page, "files")

    with page.expect_download() as download_info:
        link.click()

    download = download_info.value
    assert download.suggested_filename == "price-list.csv"
    assert Path(download.path()).read_text() == admin_server.data["attachment_bytes"]


def test_apply_a_change_request_and_read_the_history(page, admin_server, screens):
    login(page, admin_server)
    page.goto(f"/admin/outreach/changerequest/{admin_server.data['change_request']}/change/")
    table = page.locator(".field-proposed_change table.change-table")
    expect(table.locator("tr", has_text="Due date")).to_contain_text("06/01/2015")
    expect(table.locator("tr", has_text="Due date")).to_contain_text("07/01/2015")
    expect(table.locator("tr", has_text="Responses")).to_contain_text("(11)")
    expect(table.locator("tr", has_text="Comment")).to_contain_text("Called, will visit")
    screens.shot(page, "proposed-change")

    page.click("#decision-apply input[type=submit]")

    expect(page.locator(".messagelist")).to_contain_text("applied.")
    expect(page.locator(".field-status")).to_contain_text("Applied")
    expect(page.locator("#decisions")).to_have_count(0)
    screens.shot(page, "applied")

    page.goto(f"/admin/outreach/connection/{admin_server.data['connection']}/change/")
    history = page.locator(".field-history_shown .history-entry")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Modify")
    due = history.locator("tr", has_text="Due date")
    expect(due.locator("td").nth(0)).to_have_text("06/01/2015")
    expect(due.locator("td").nth(1)).to_have_text("07/01/2015")
    expect(history.locator("tr", has_text="Comment")).to_contain_text("Called, will visit")
    screens.shot(page, "connection-history")
