"""The export and import dialogs, driven as a person would: pick, click, watch, cancel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from annotator.core.spans import Span
from annotator.store.review import add_gold, mark_reviewed
from annotator.store.spans import document_spans
from annotator.store.stats import corpus_stats
from annotator.ui.dialogs.export_dialog import CHOOSE, EACH, GOLD, ExportDialog
from annotator.ui.dialogs.import_dialog import ImportDialog
from tests.benchmarks.corpus import generate_corpus
from tests.formats.test_importing import dump


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def cancel_button(dialog):
    return dialog.runner.progress.findChild(QPushButton)


@pytest.fixture
def corpus(engine):
    generate_corpus(engine, 300, 6, annotators=2)
    return engine


def export_dialog(qtbot, engine, target: Path) -> ExportDialog:
    dialog = ExportDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.output.clear()
    qtbot.keyClicks(dialog.output, str(target))
    return dialog


def test_export_writes_the_chosen_format_and_shows_the_summary(qtbot, corpus, tmp_path) -> None:
    dialog = export_dialog(qtbot, corpus, tmp_path / "out.jsonl")
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    choose(dialog, "annotator-2")
    dialog.labels.item(0).setCheckState(Qt.CheckState.Unchecked)
    with qtbot.waitSignal(dialog.exported, timeout=20_000) as done:
        click(qtbot, dialog.export_button)
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").open(encoding="utf-8")]
    assert len(rows) == 300 and set(rows[0]) == {"id", "text", "label", "meta"}
    assert all(label != "actor" for row in rows for _, _, label in row["label"])
    text = dialog.summary.toPlainText()
    assert "format: doccano" in text and "documents: 300" in text
    assert "actor" not in text.split("spans:")[1].split("wrote")[0]
    assert done.args[0].files == [tmp_path / "out.jsonl"]
    assert dialog.export_button.isEnabled()


def choose(dialog: ExportDialog, text: str) -> None:
    dialog.annotator.setCurrentIndex(dialog.annotator.findText(text))


def test_export_offers_the_command_lines_choices_and_never_merges(qtbot, corpus, tmp_path):
    target = tmp_path / "out.jsonl"
    dialog = export_dialog(qtbot, corpus, target)
    choices = [dialog.annotator.itemText(i) for i in range(dialog.annotator.count())]
    assert choices == [CHOOSE, "annotator-1", "annotator-2", EACH, GOLD]
    assert dialog.annotator.currentText() == CHOOSE
    statuses = [dialog.status.itemText(i) for i in range(dialog.status.count())]
    assert statuses == ["Any", "new", "in progress", "done", "skipped", "flagged"]
    assert dialog.labels.count() == 5 and dialog.split.isEnabled()
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=20_000)
    refused = dialog.summary.toPlainText()
    assert "annotator-1, annotator-2" in refused and "never merges their layers" in refused
    assert list(tmp_path.glob("*.jsonl")) == []
    choose(dialog, GOLD)
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=20_000)
    assert "no document has been reviewed yet" in dialog.summary.toPlainText()
    assert list(tmp_path.glob("*.jsonl")) == []
    choose(dialog, EACH)
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        click(qtbot, dialog.export_button)
    rows = [json.loads(line) for line in target.open(encoding="utf-8")]
    assert len(rows) == 600
    assert [row["annotator"] for row in rows[:4]] == ["annotator-1", "annotator-2"] * 2
    for row in rows[:20]:
        theirs = document_spans(corpus, row["id"], row["annotator"])
        assert [(s["start"], s["end"], s["label"]) for s in row["spans"]] == [s.key for s in theirs]
    assert "records: 600, one per document and annotator" in dialog.summary.toPlainText()


def test_export_of_the_reviewed_gold_layer(qtbot, corpus, tmp_path) -> None:
    add_gold(corpus, 7, Span(0, 1, "figure"))
    mark_reviewed(corpus, 7)
    dialog = export_dialog(qtbot, corpus, tmp_path / "gold.jsonl")
    choose(dialog, GOLD)
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        click(qtbot, dialog.export_button)
    [row] = [json.loads(line) for line in (tmp_path / "gold.jsonl").open(encoding="utf-8")]
    assert (row["id"], row["label"]) == (7, [[0, 1, "figure"]])
    assert "documents left out: 299 (not reviewed)" in dialog.summary.toPlainText()


def test_the_only_annotator_is_chosen_already(qtbot, engine, tmp_path) -> None:
    generate_corpus(engine, 20, 4, annotators=1)
    dialog = export_dialog(qtbot, engine, tmp_path / "one.jsonl")
    assert dialog.annotator.currentText() == "annotator-1"
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        click(qtbot, dialog.export_button)
    assert "documents: 20" in dialog.summary.toPlainText()


def test_export_with_a_split_writes_three_files(qtbot, corpus, tmp_path) -> None:
    dialog = export_dialog(qtbot, corpus, tmp_path / "ds.jsonl")
    choose(dialog, "annotator-1")
    click(qtbot, dialog.split)
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        click(qtbot, dialog.export_button)
    assert sorted(p.name for p in tmp_path.glob("ds.*")) == [
        "ds.dev.jsonl",
        "ds.test.jsonl",
        "ds.train.jsonl",
    ]


def test_a_bad_split_is_explained_in_the_summary(qtbot, corpus, tmp_path) -> None:
    dialog = export_dialog(qtbot, corpus, tmp_path / "ds.jsonl")
    choose(dialog, "annotator-2")
    click(qtbot, dialog.split)
    dialog.split_parts.clear()
    qtbot.keyClicks(dialog.split_parts, "90/20")
    click(qtbot, dialog.export_button)
    assert "adding up to 100" in dialog.summary.toPlainText()
    assert list(tmp_path.glob("ds*")) == []


def test_cancelling_an_export_leaves_no_file(qtbot, engine, tmp_path) -> None:
    generate_corpus(engine, 2000, 4, annotators=1)
    folder = tmp_path / "exports"
    dialog = export_dialog(qtbot, engine, folder / "big.jsonl")
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: dialog.runner.progress.value() > 0, timeout=20_000)
    with qtbot.waitSignal(dialog.runner.cancelled):
        click(qtbot, cancel_button(dialog))
    assert list(folder.iterdir()) == []
    assert dialog.summary.toPlainText() == "Export cancelled; no file was written."
    assert dialog.export_button.isEnabled()


def write_doccano(path: Path, count: int, bad: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            line = {"text": f"Report {i}: ICE came to Paramount.", "label": [[0, 6, "actor"]]}
            handle.write(json.dumps(line) + "\n")
        if bad:
            handle.write(json.dumps({"text": "short", "label": [[0, 60, "actor"]]}) + "\n")
    return path


def import_dialog(qtbot, engine, *paths: Path) -> ImportDialog:
    dialog = ImportDialog(engine, "ana")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_paths([str(p) for p in paths])
    return dialog


def test_import_adds_documents_and_reports_the_change(qtbot, engine, tmp_path) -> None:
    dialog = import_dialog(qtbot, engine, write_doccano(tmp_path / "d.jsonl", 3))
    dialog.annotator.clear()
    qtbot.keyClicks(dialog.annotator, "model-7")
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as done:
        click(qtbot, dialog.import_button)
    assert len(done.args[0].documents) == 3 and done.args[0].document_list
    assert corpus_stats(engine)["annotators"] == {"model-7": 3}
    assert "documents: 3 added" in dialog.summary.toPlainText()


def test_brat_relations_of_an_unknown_type_are_refused_until_labels_are_added(
    qtbot, engine, db_path, tmp_path
) -> None:
    (tmp_path / "a.txt").write_text("ICE in Köln.\n", encoding="utf-8")
    ann = tmp_path / "a.ann"
    ann.write_text("T1\tAgency 0 3\tICE\nT2\tLocation 7 11\tKöln\nR1\tIn Arg1:T1 Arg2:T2\n")
    before = dump(db_path)
    dialog = import_dialog(qtbot, engine, ann)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=20_000)
    assert f"{ann}: unknown relation 'in'" in dialog.summary.toPlainText()
    assert dump(db_path) == before
    click(qtbot, dialog.add_labels)
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        click(qtbot, dialog.import_button)
    assert "links: 1 added" in dialog.summary.toPlainText()
    assert corpus_stats(engine)["spans"] == 2


def test_a_bad_line_imports_nothing_and_names_file_and_line(
    qtbot, engine, db_path, tmp_path
) -> None:
    path = write_doccano(tmp_path / "bad.jsonl", 5, bad=True)
    before = dump(db_path)
    dialog = import_dialog(qtbot, engine, path)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=20_000)
    text = dialog.summary.toPlainText()
    assert text.startswith("Nothing was imported.") and f"{path}:6: label 0" in text
    assert dump(db_path) == before


def test_cancelling_an_import_leaves_the_database_as_it_was(
    qtbot, engine, db_path, tmp_path
) -> None:
    path = write_doccano(tmp_path / "many.jsonl", 3000)
    before = dump(db_path)
    dialog = import_dialog(qtbot, engine, path)
    click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: dialog.runner.progress.value() > 600, timeout=30_000)
    with qtbot.waitSignal(dialog.runner.cancelled):
        click(qtbot, cancel_button(dialog))
    assert dump(db_path) == before
    assert dialog.summary.toPlainText() == "Import cancelled; nothing was imported."


def file_action(window, text: str):
    return next(a for a in window.file_menu.actions() if a.text() == text)


def test_file_menu_import_refreshes_the_document_list(qtbot, make_window, tmp_path) -> None:
    window = make_window("alice")
    import_action = file_action(window, "&Import…")
    assert import_action.isEnabled() and file_action(window, "&Export…").isEnabled()
    import_action.trigger()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.annotator.text() == "alice"
    dialog.add_paths([str(write_doccano(tmp_path / "d.jsonl", 2))])
    with qtbot.waitSignal(window.workspace.events.changed, timeout=20_000):
        click(qtbot, dialog.import_button)
    qtbot.waitUntil(lambda: window.browser.model.rowCount() == 2)
    file_action(window, "&Export…").trigger()
    assert window.findChild(ExportDialog).isVisible()


def test_native_needs_no_choice_of_annotator(qtbot, corpus, tmp_path) -> None:
    dialog = export_dialog(qtbot, corpus, tmp_path / "backup.jsonl")
    dialog.format.setCurrentIndex(dialog.format.findData("native"))
    assert dialog.annotator.currentText() == CHOOSE
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        click(qtbot, dialog.export_button)
    header, *documents = (tmp_path / "backup.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(header)["annotators"] == ["annotator-1", "annotator-2"]
    assert len(documents) == 300


def label_studio_export(path: Path) -> Path:
    text = "ICE arrested 44 people in Paramount. 🚨"
    result = [
        {
            "id": "r1",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 0, "end": 3, "text": "ICE", "labels": ["ORG"]},
        },
        {
            "id": "r2",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {"start": 26, "end": 35, "text": "Paramount", "labels": ["MISC"]},
        },
    ]
    tasks = [
        {"id": 1, "data": {"text": text}, "annotations": [{"completed_by": 4, "result": result}]}
    ]
    path.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    return path


def test_the_label_map_renames_and_leaves_out_and_file_annotators_stay_apart(
    qtbot, engine, tmp_path
) -> None:
    dialog = import_dialog(qtbot, engine, label_studio_export(tmp_path / "ls.json"))
    qtbot.keyClicks(dialog.label_map, "ORG=agency,MISC=")
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        click(qtbot, dialog.import_button)
    assert corpus_stats(engine)["annotators"] == {"labelstudio-4": 1}
    assert corpus_stats(engine)["labels"]["agency"] == 1
    assert "not read: 1 misc spans (mapped to nothing)" in dialog.summary.toPlainText()


def test_one_named_annotator_and_a_malformed_map(qtbot, engine, db_path, tmp_path) -> None:
    dialog = import_dialog(qtbot, engine, label_studio_export(tmp_path / "ls.json"))
    before = dump(db_path)
    qtbot.keyClicks(dialog.label_map, "ORG:agency")
    click(qtbot, dialog.import_button)
    assert dialog.summary.toPlainText().startswith("Label map: 'ORG:agency' is not SRC=DST")
    assert dump(db_path) == before
    dialog.label_map.clear()
    qtbot.keyClicks(dialog.label_map, "ORG=agency,MISC=location")
    click(qtbot, dialog.file_annotators)
    assert not dialog.file_annotators.isChecked()
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        click(qtbot, dialog.import_button)
    assert corpus_stats(engine)["annotators"] == {"ana": 2}
