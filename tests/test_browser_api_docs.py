"""The interactive API docs in Chromium, under the site's Content-Security-Policy."""

import pytest

from tests.browser import PageProblems, browser  # noqa: F401 (fixture)

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def schema_operations(client) -> set[tuple[str, str]]:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    return {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS
    }


@pytest.mark.browser
# serialized_rollback restores the role groups that the flush after the test removes.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_lists_every_operation_of_the_schema_in_the_browser(
    client,
    live_server,
    browser,  # noqa: F811 (set up after the server, so it closes before it)
    tmp_path,
):
    expected = schema_operations(client)
    page = browser.new_page()
    problems = PageProblems(page)

    response = page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    page.screenshot(path=tmp_path / "api-docs.png", full_page=True)

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert (
        "unsafe-inline"
        not in response.headers["content-security-policy"]
        .split("script-src")[1]
        .split(";")[0]
    )
    shown = {
        (
            block.locator(".opblock-summary-method").inner_text().strip(),
            block.locator(".opblock-summary-path").get_attribute("data-path"),
        )
        for block in page.locator(".opblock").all()
    }
    assert len(expected) > 20
    assert shown == expected
    assert problems.errors == []


@pytest.mark.django_db
def test_it_serves_the_docs_start_up_script_as_a_file_without_outside_calls(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/", {"script": ""})

    assert '<script src="/api/docs/?script="></script>' in page.text
    assert "SwaggerUIBundle(" not in page.text
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.text
    assert '"validatorUrl": null' in script.text
