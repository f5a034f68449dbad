"""The 法律依据矩阵 of an agency (``/oversight/law``, :func:`webapp.engine.law_matrix.of_agency`): kept per process,
the same while nothing it is made of changes, built again when the profile's files change."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.app import profiled
from webapp.db import db
from webapp.engine import law_matrix
from webapp.models import Agency

REGULATION = 'regulation = "奈曼旗文化市场综合执法全过程记录规范"'


def test_law_matrix_kept_until_the_profile_changes(app, tmp_path: Path, monkeypatch) -> None:
    agency = profiled(app, "naiman-culture")
    shutil.copytree(app.config["LIUHEN_WORKFLOWS_DIR"], tmp_path / "workflows")
    monkeypatch.setitem(app.config, "LIUHEN_WORKFLOWS_DIR", str(tmp_path / "workflows"))
    with app.app_context():
        row = db.session.get(Agency, agency.id)
        first = law_matrix.of_agency(row)
        assert first.laws()[0].title == "奈曼旗文化市场综合执法全过程记录规范"
        assert law_matrix.of_agency(row) is first

        toml = tmp_path / "workflows" / "profiles" / "naiman-culture" / "profile.toml"
        assert REGULATION in toml.read_text(encoding="utf-8")
        toml.write_text(toml.read_text(encoding="utf-8").replace(REGULATION, REGULATION[:-1] + '（2026年修订）"'),
                        encoding="utf-8")
        second = law_matrix.of_agency(row)
        assert second is not first
        assert second.laws()[0].title == "奈曼旗文化市场综合执法全过程记录规范（2026年修订）"
        assert [(r.article, r.tasks) for r in second.rows] == [(r.article, r.tasks) for r in first.rows]
        db.session.remove()
