"""The vendored Swagger UI renders the OpenAPI description in a real browser under the Content-Security-Policy
(no inline script, nothing fetched from another site)."""
from __future__ import annotations


def test_the_api_docs_render_without_breaking_the_csp(live, browser):
    page = browser.new_page()
    violations, foreign = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live) else None)
    page.goto(f"{live}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    assert "/api/cases" in page.inner_text("#swagger-ui")
    assert "留痕" in page.content()
    assert violations == [] and foreign == []
    page.close()
