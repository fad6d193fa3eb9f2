"""The UI in a real browser: search → document → downstream to the ward → evidence →
graph explorer → SPARQL editor; hostile text runs nothing; pages send a CSP."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot, wait_js

pytestmark = pytest.mark.browser


def test_from_search_down_the_chain_to_the_ward_and_its_evidence(server, page):
    page.goto(server + "/")
    shot(page, "01-home")
    page.fill("#home-q", "97/2019/QH14")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    shot(page, "02-search")
    first = page.locator("a.hitlink").first
    assert "97/2019/QH14" in first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/id/doc/"))
    assert "97/2019/QH14" in page.locator("h1").inner_text()
    shot(page, "03-document-97")
    # follow the downstream tree: city plan → district circular → the ward's documents
    page.locator("#downstream a.doc", has_text="171-KH/TU").first.click()
    page.wait_for_url(re.compile(r"/id/doc/"))
    assert "171-KH/TU" in page.locator("h1").inner_text()
    page.locator("#downstream a.doc", has_text="03-TT/QU").first.click()
    page.wait_for_url(re.compile(r"/id/doc/"))
    assert "03-TT/QU" in page.locator("h1").inner_text()
    shot(page, "04-document-03")
    ward = page.locator("#downstream a.doc", has_text=re.compile(r"Đức Giang.*04 văn bản"))
    assert ward.count() >= 1
    ward.first.click()
    page.wait_for_url(re.compile(r"/id/docset/"))
    assert "04 văn bản" in page.locator("h1").inner_text()
    shot(page, "05-ward-documents")
    # open the evidence of the link: the source page with the sentence highlighted
    page.locator("#evidence a.evlink").first.click()
    page.wait_for_url(re.compile(r"/id/source/.*hl="))
    mark = page.locator("mark.hl")
    assert mark.count() >= 1 and mark.first.is_visible()
    assert "04 văn bản" in " ".join(mark.all_inner_texts())
    shot(page, "06-evidence")
    assert page.errors == []


def test_graph_explorer_expands_a_node_on_click(server, page):
    page.goto(server + "/explore?q=97/2019/QH14")
    wait_js(page, "window.__explorer && window.__explorer.cy.nodes().length >= 2")
    before = page.evaluate("window.__explorer.cy.nodes().length")
    plan = page.evaluate("window.__explorer.cy.nodes().filter(n => "
                         "n.data('label').includes('171-KH/TU'))[0].id()")
    assert not page.evaluate(f"window.__explorer.cy.getElementById({plan!r}).hasClass('expanded')")
    page.wait_for_timeout(400)   # the layout animation
    box = page.evaluate(f"""(() => {{
        const n = window.__explorer.cy.getElementById({plan!r});
        const p = n.renderedPosition();
        const r = document.getElementById('cy').getBoundingClientRect();
        return {{x: r.left + p.x, y: r.top + p.y}};
    }})()""")
    page.mouse.click(box["x"], box["y"])     # a real click on the drawn node
    wait_js(page, f"window.__explorer.cy.getElementById({plan!r}).hasClass('expanded')")
    after = page.evaluate("window.__explorer.cy.nodes().length")
    assert after > before                    # its issuer and its own links came in
    assert "171-KH/TU" in page.locator("#ex-info").inner_text()
    # the timeline layout, a relation filter and the path between two documents
    page.check("input[name=layout][value=time]")
    root = page.evaluate("window.__explorer.cy.nodes().filter(n => "
                         "n.data('label').includes('97/2019/QH14'))[0].id()")
    page.select_option("#ex-from", value=root)
    page.select_option("#ex-to", value=plan)
    page.click("#ex-path")
    assert page.evaluate("window.__explorer.cy.$('.path').nodes().length") >= 2
    page.uncheck("#ex-rels input[value=passed_by]")
    assert page.evaluate("window.__explorer.cy.edges('.hidden').length") >= 1
    graphml = page.evaluate("window.__explorer.graphml()")
    assert graphml.count("<node ") == after
    shot(page, "07-explorer", full=False)
    assert page.errors == []


def test_sparql_editor_runs_an_example_and_shows_rows(server, page):
    page.goto(server + "/query")
    wait_js(page, "window.__yasgui !== undefined")
    page.locator("button.example").first.click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=15000)
    assert rows.count() >= 1
    assert "No data available" not in rows.first.inner_text()
    shot(page, "08-sparql", full=False)
    assert page.errors == []


def test_hostile_text_runs_nothing(server, page):
    urls = ["/", "/search?q=onerror", "/search?q=97/2019/QH14"]
    page.goto(server + "/search?q=onerror")
    hrefs = page.eval_on_selector_all("a.hitlink", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs, "the hostile sources were not found"
    urls += hrefs
    page.goto(server + "/search?q=97/2019/QH14")
    urls.append(page.locator("a.hitlink").first.get_attribute("href"))
    for url in urls:
        resp = page.goto(server + url)
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        page.wait_for_timeout(150)
        assert page.evaluate("window.__xss === undefined"), url
        for a in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            assert not a.lower().startswith("javascript:"), (url, a)
    # the payload is visible as text on the source page, not executed
    page.goto(server + hrefs[0])
    assert "onerror" in page.locator("main").inner_text()
    shot(page, "09-hostile-source")
    assert page.dialogs == []
    assert page.evaluate("window.__xss === undefined")


def test_phone_sized_screen(server, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    pg = ctx.new_page()
    pg.goto(server + "/search?q=97/2019/QH14")
    pg.locator("a.hitlink").first.click()
    pg.wait_for_url(re.compile(r"/id/doc/"))
    width = pg.evaluate("document.documentElement.scrollWidth")
    shot(pg, "10-phone-document")
    ctx.close()
    assert width <= 390 + 2


def test_keyboard_reaches_search_and_the_skip_link(server, page):
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
