"""An account manager (the "Account managers" group, not a superuser) in the admin, in
Chromium: logs in, approves a request, rejects one with a reason, downloads an attachment."""

from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests (with CI=true: fails them)
    expect = None


def login(page, server):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", server.data["manager"]["username"])
    page.fill("#id_password", server.data["manager"]["password"])
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def request_page(server, key: str) -> str:
    return f"/admin/connections/connectionrequest/{server.data['manager'][key]}/change/"


def test_the_index_shows_what_an_account_manager_works_with(page, admin_server, screens):
    login(page, admin_server)
    content = page.locator("#content-main")
    expect(content).to_contain_text("Connection requests")
    expect(content).not_to_contain_text("Change requests")  # outreach is not theirs
    expect(page.locator("#content")).not_to_contain_text("permission to view or edit anything")
    screens.shot(page, "index")


def test_approve_reject_and_download(page, admin_server, screens):
    login(page, admin_server)
    page.goto(request_page(admin_server, "to_approve"))
    expect(page.locator("input[name=_save]")).to_have_count(0)
    screens.shot(page, "pending-request")
    link = page.locator(".request-files a", has_text="price-list.csv")
    with page.expect_download() as download_info:
        link.click()
    assert Path(download_info.value.path()).read_text() == admin_server.data["attachment_bytes"]

    page.click("#decision-approve input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("approved; connection")
    screens.shot(page, "approved")

    page.goto(request_page(admin_server, "to_reject"))
    page.fill("#decision-reject textarea[name=reason]", "Not a supplier we work with.")
    page.click("#decision-reject input[type=submit]")
    expect(page.locator(".messagelist")).to_contain_text("rejected.")
    expect(page.locator(".field-rejection_reason")).to_contain_text("Not a supplier we work with.")
    screens.shot(page, "rejected")
