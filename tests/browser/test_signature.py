"""Signatures in the field: the party signs on the screen (signature_pad), the image is stored by its hash and the
record version binds that hash; a refusal stays its own path with the officer's note (lishui-city 第十三条)."""
from __future__ import annotations

from sqlalchemy import select

from tests.support.app import make_agency
from tests.support.browser import SHOTS, sign_in
from tests.support.walker import Walker
from webapp import store
from webapp.db import db
from webapp.models import Record


def test_a_signature_drawn_on_the_screen_is_stored_by_hash_and_bound_to_the_record(app, live, browser, client):
    agency = make_agency(app)
    w = Walker(client, agency.tokens)
    case = w.create_case()
    w.do(case["id"], "t_filing", {"case_filing": None})
    reviewer = sign_in(browser, live, agency.usernames["reviewer1"])
    reviewer.goto(f"{live}/approvals")
    reviewer.click("a:has-text('承办机构审核立案')")
    row = reviewer.locator('[data-rows="f.unit_opinion.signatures"] .row-item').first
    canvas = row.locator(".sign-pad canvas")
    box = canvas.bounding_box()
    reviewer.mouse.move(box["x"] + 20, box["y"] + 60)
    reviewer.mouse.down()
    for x in range(30, 300, 15):
        reviewer.mouse.move(box["x"] + x, box["y"] + 60 + (x % 40) - 20)
    reviewer.mouse.up()
    row.locator(".pad-save").click()
    image = row.locator('input[name$=".image"]')
    reviewer.wait_for_function("el => el.value.length === 64", arg=image.element_handle())
    sha = image.input_value()
    assert row.locator('select[name$=".signed"]').input_value() == "true"  # signing marks the row signed
    row.locator('input[name$=".signer"]').fill("王芳")
    row.locator('select[name$=".capacity"]').select_option("reviewer")
    reviewer.fill('[name="f.unit_opinion.opinion"]', "同意立案。")
    reviewer.select_option('[name="f.unit_opinion.decision"]', "agree")
    reviewer.screenshot(path=SHOTS.format("signature"), full_page=True)
    reviewer.click("button:has-text('保存记录')")
    reviewer.wait_for_selector(".flash")
    with app.app_context():
        assert store.current().exists(sha)
        record = db.session.scalars(select(Record).where(Record.case_id == case["id"], Record.kind == "unit_opinion")
                                    ).one()
        assert record.payload["signatures"][0]["image"] == sha and record.payload["signatures"][0]["signed"] is True
    forged = {**record.payload, "signatures": [{**record.payload["signatures"][0], "image": "0" * 64}]}
    res = w.add(case["id"], next(t for t in w.ready(case["id"]) if t["name"] == "t_unit_opinion"), "unit_opinion", forged)
    assert res.status_code == 422 and "signatures.0.image" in res.get_json()["fields"]  # no image, no signature
