"""Recordings in the field: the task page hands a recording over through the resumable chunked API, survives a
dropped connection and a page reload (it resumes where the server says it stopped), and lists the recording by
name, time, officer and duration (issue 18 point 4)."""
from __future__ import annotations

import datetime as dt
import hashlib
import random

from playwright.sync_api import Route
from sqlalchemy import select

from handlers import clock
from tests.support.app import make_agency
from tests.support.browser import SHOTS, sign_in
from tests.support.media import MP4_HEAD
from tests.support.walker import Walker
from webapp.db import db
from webapp.loadgen.flows import file_case
from webapp.models import MediaItem, Record, StoredFile

CHUNK = 64 * 1024
#: a 1×1 PNG, what a tablet's camera hands the page (any image the store accepts)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _to_inspection(app, client) -> tuple[object, int, str]:
    agency = make_agency(app)
    w = Walker(client, agency.tokens)
    cid = file_case(w)
    w.do(cid, "t_plan", {"investigation_plan": None})
    w.do(cid, "t_inquiry", {"inquiry_record": None})
    return agency, cid, w.task(cid, "t_inspection")["id"]


def _fill_handover_facts(page) -> None:
    page.check('input[name="av_choice"][value="recording"]')
    ended = clock.local(clock.now() - dt.timedelta(hours=1))
    started = ended - dt.timedelta(minutes=25)
    page.fill('[name="f.av_recording.recorded_by"]', "张明")
    page.fill('[name="f.av_recording.device_id"]', "DSJ-2026-0007")
    page.fill('[name="f.av_recording.started_at"]', started.strftime("%Y-%m-%dT%H:%M"))
    page.fill('[name="f.av_recording.ended_at"]', ended.strftime("%Y-%m-%dT%H:%M"))
    page.fill('[name="f.av_recording.place"]', "抚顺县石文镇人民路 18 号星光网吧")
    page.eval_on_selector(".upload[data-media]", f"el => el.dataset.chunk = '{CHUNK}'")


def test_a_recording_resumes_after_a_dropped_connection_and_a_reload(app, live, browser, client, tmp_path):
    agency, cid, task_id = _to_inspection(app, client)
    body = MP4_HEAD + random.Random(18).randbytes(10 * CHUNK + 999)
    clip = tmp_path / "现场检查.mp4"
    clip.write_bytes(body)
    page = sign_in(browser, live, agency.usernames["officer1"])
    page.goto(f"{live}/cases/{cid}/tasks/{task_id}")
    _fill_handover_facts(page)
    offsets: list[int] = []

    def flaky(route: Route) -> None:
        """The third chunk's connection drops once; from the sixth chunk on the network is gone."""
        offset = int(route.request.url.rsplit("offset=", 1)[1])
        offsets.append(offset)
        if offset == 2 * CHUNK and offsets.count(offset) == 1 or offset >= 5 * CHUNK:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/media/uploads/*?offset=*", flaky)
    page.set_input_files(".upload[data-media] .upload-input", str(clip))
    page.wait_for_function("() => document.querySelector('.upload[data-media] .upload-status').textContent"
                           ".includes('网络中断') && document.querySelector('.upload[data-media] progress').value >= 45")
    assert offsets.count(2 * CHUNK) == 2  # the dropped chunk was sent again and accepted
    page.unroute("**/api/media/uploads/*?offset=*")
    page.reload()  # the officer gives up waiting and reloads: what arrived stays on the server
    _fill_handover_facts(page)
    resumed: list[int] = []
    page.on("request", lambda r: resumed.append(int(r.url.rsplit("offset=", 1)[1])) if "offset=" in r.url else None)
    page.set_input_files(".upload[data-media] .upload-input", str(clip))
    page.wait_for_function("() => document.querySelector('.upload[data-media] .upload-status').textContent"
                           ".startsWith('已移交')")
    sha = hashlib.sha256(body).hexdigest()
    assert resumed and resumed[0] == 5 * CHUNK  # resumed where the server stopped, not from the start
    assert page.input_value('[name="f.av_recording.files"]') == sha
    listed = page.locator(".upload-list li").inner_text()
    assert "现场检查.mp4" in listed and "记录人 张明" in listed and "时长" in listed
    page.screenshot(path=SHOTS.format("recording-upload"), full_page=True)
    with app.app_context():
        item = db.session.scalars(select(MediaItem).where(MediaItem.case_id == cid)).one()
        assert (item.sha256, item.size, item.recorded_by, item.device_id, item.task_id) == (
            sha, len(body), "张明", "DSJ-2026-0007", task_id)
        db.session.remove()
    page.click("button:has-text('保存记录')")
    page.wait_for_selector(".flash")
    assert "张明" in page.locator("ul.recordings").inner_text()
    with app.app_context():
        record = db.session.scalars(select(Record).where(Record.case_id == cid, Record.kind == "av_recording")).one()
        assert record.payload["files"] == [sha] and record.payload["device_id"] == "DSJ-2026-0007"


def test_a_photo_taken_with_the_device_camera_is_stored_by_hash_into_the_record(app, live, browser, client, tmp_path):
    """Issue 18 point 4: beside the file picker, a 拍照上传 input opens the camera of a phone or tablet
    (``capture``); the photo goes to the file store by its SHA-256, which the record's field then holds."""
    agency, cid, task_id = _to_inspection(app, client)
    page = sign_in(browser, live, agency.usernames["officer1"])
    page.goto(f"{live}/cases/{cid}/tasks/{task_id}")
    page.check('input[name="av_choice"][value="recording"]')
    camera = page.locator('.upload[data-target]:not([data-media]) input[capture="environment"]').first
    assert camera.get_attribute("accept") == "image/*"
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    camera.set_input_files(str(photo))
    box = page.locator(".upload[data-target]:not([data-media])").first
    target = box.get_attribute("data-target")
    page.wait_for_function("t => document.getElementById(t).value.length === 64", arg=target)
    sha = hashlib.sha256(PNG).hexdigest()
    assert page.input_value(f'[id="{target}"]') == sha
    assert "已上传 现场照片.png" in box.locator(".upload-status").inner_text()
    with app.app_context():
        stored = db.session.scalars(select(StoredFile).where(StoredFile.sha256 == sha)).one()
        assert (stored.size, stored.agency_id) == (len(PNG), agency.id)
        db.session.remove()
