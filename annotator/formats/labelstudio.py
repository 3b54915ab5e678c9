"""The ``labelstudio`` format: Label Studio's JSON export and its JSON-MIN layout.

JSON export: a JSON array of tasks (not JSON Lines)::

    [{"id", "data": {"text": ...}, "meta": {...},
      "annotations": [{"completed_by", "was_cancelled", "result": [
          {"id", "type": "labels", "from_name", "to_name",
           "value": {"start", "end", "text", "labels": [...]}},
          {"type": "relation", "from_id", "to_id", "labels": [...]}]}],
      "predictions": [{"model_version", "result": [...]}]}]

The text is the one string in ``data`` (``--text-field`` picks it when there are several).
Each annotation's ``completed_by`` becomes an annotator (``labelstudio-<id>``, or the e-mail
of a ``completed_by`` object) unless an annotator is named on import; a submitted annotation
marks the document done for its annotator. A ``relation`` result links the two span results
it names (its one label is the relation type; ``direction: left`` swaps head and child).
Cancelled annotations, relations without exactly one label, other result types and
predictions (unless asked for: then spans of origin ``suggested``, one annotator per model
version) are counted as not read. ``value.text`` must be the text at the offsets. Label
Studio's browser front end counts offsets in UTF-16 units: read files with emoji before spans
with ``--offsets utf16``.

JSON-MIN: ``[{"text", "id", "label": [{"start", "end", "text", "labels"}], "annotator",
"annotation_id", ...}]``, one element per annotation; the span list may be under any name.

The writer makes tasks Label Studio imports with their annotations: one annotation per
annotator (``completed_by`` as the Label Studio user id for ``labelstudio-<id>``, else as
``{"email": name}``, which Label Studio matches to a member's e-mail), suggested spans as
predictions, ``from_name`` ``label`` and ``to_name`` ``text`` as in its NER template. The
reviewed gold layer (``--gold``) is written as a ``ground_truth`` annotation without
``completed_by`` (Label Studio gives it to whoever imports the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import Problem
from annotator.core.labels import normalise_label
from annotator.core.review import GOLD
from annotator.core.spans import Origin
from annotator.formats.jsondoc import (
    ElementLines,
    array_elements,
    is_array,
    is_json_lines,
    parse_document,
    read_bytes,
)
from annotator.formats.jsonl import (
    MAX_DEPTH,
    annotator_problem,
    field,
    filled,
    holds_ranges,
    json_lines,
    label_problem,
    nested_too_deeply,
    offsets_problem,
    unread_annotations,
)
from annotator.formats.offsets import Converter, converted, utf16_converter
from annotator.formats.records import ReadOptions, ReadRelation, ReadSpan, Record, Skipped
from annotator.formats.registry import Tally, register_reader, register_writer
from annotator.formats.spans import document_of
from annotator.store.exporting import ExportItem
from annotator.store.status import Status

Item = Record | Problem | Skipped
TASK_FIELDS = {"data", "meta", "annotations", "completions", "predictions", "drafts"}
MIN_FIELDS = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
CANCELLED = "cancelled Label Studio annotations (spans not read)"
UNLABELLED = "Label Studio relations without exactly one label"
PREDICTIONS = "Label Studio predictions (import them with --predictions)"
DRAFTS = "Label Studio drafts (not submitted)"
USER = re.compile(r"labelstudio-(\d+)")


def _text(data: dict[str, Any], options: ReadOptions, source: str, line: int) -> str | Problem:
    """The string of ``data`` that is the text: the one named, or the only one."""
    strings = sorted(name for name, value in data.items() if isinstance(value, str))
    if options.text_field:
        if isinstance(data.get(options.text_field), str):
            return data[options.text_field]
        return Problem(
            f"--text-field {options.text_field!r} is not a string here (strings: "
            f"{', '.join(strings) or 'none'})",
            source,
            line,
        )
    if len(strings) == 1:
        return data[strings[0]]
    if not strings:
        return Problem("the task's data holds no text", source, line)
    return Problem(
        f"the task's data holds several strings ({', '.join(strings)}); choose the text "
        "with --text-field NAME",
        source,
        line,
    )


def user_name(completed_by: Any) -> str | None:
    """Whose annotation it is: ``labelstudio-<id>`` for a user id, the e-mail (or id) of a
    user object, a name as given; ``None`` when it does not say."""
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        if isinstance(email, str) and email.strip():
            return email
        completed_by = completed_by.get("id")
    if type(completed_by) is int:
        return f"labelstudio-{completed_by}"
    if isinstance(completed_by, str) and completed_by.strip():
        return completed_by
    return None


def _results(
    results: Any,
    text: str,
    convert: Converter | None,
    who: str | None,
    origin: str,
    where: str,
    source: str,
    line: int,
) -> Iterator[ReadSpan | ReadRelation | Skipped | Problem]:
    """The spans of ``labels`` results and the links of ``relation`` results between them;
    other results counted as not read.

    A well-formed span takes one pass of plain tests; the checks that say what is wrong
    run only when something is."""
    if not isinstance(results, list):
        yield Problem(f"{where}: 'result' must be a list", source, line)
        return
    size = len(text)
    names: dict[str, str] = {}
    ids: dict[Any, tuple[int, int, str]] = {}
    relations = []
    for index, result in enumerate(results):
        if type(result) is dict and result.get("type") == "relation":
            relations.append((index, result))
            continue
        value = result.get("value") if type(result) is dict else None
        if type(value) is dict and result.get("type") == "labels":
            start, end, labels = value.get("start"), value.get("end"), value.get("labels")
            quoted = value.get("text")
            if convert is not None:
                start, end = convert(start), convert(end)
            if (
                type(start) is int
                and type(end) is int
                and 0 <= start < end <= size
                and type(labels) is list
                and labels
                and (quoted is None or quoted == text[start:end])
                and all(type(label) is str and label.strip() for label in labels)
            ):
                for label in labels:
                    name = names.get(label)
                    if name is None:
                        name = names[label] = normalise_label(label)
                    yield ReadSpan(start, end, name, who, origin)
                if len(labels) == 1 and "id" in result:
                    ids[result["id"]] = (start, end, names[labels[0]])
                continue
        checked = _checked_result(result, text, convert, f"{where} result {index}", source, line)
        yield checked
        if isinstance(checked, Problem):
            return
    for index, result in relations:
        yield _relation(result, ids, who, f"{where} result {index}", source, line)


def _relation(
    result: dict[str, Any],
    ids: dict[Any, tuple[int, int, str]],
    who: str | None,
    here: str,
    source: str,
    line: int,
) -> ReadRelation | Skipped | Problem:
    """A link between two span results of the annotation; one without exactly one label
    (Label Studio allows none) is counted as not read."""
    labels = result.get("labels")
    if not isinstance(labels, list) or len(labels) != 1 or type(labels[0]) is not str:
        return Skipped(UNLABELLED)
    ends = []
    for name in ("from_id", "to_id"):
        key = ids.get(result.get(name))
        if key is None:
            reason = (
                f"{here}: {name} {result.get(name)!r} is not a one-label span of this annotation"
            )
            return Problem(reason, source, line)
        ends.append(key)
    if result.get("direction") == "left":
        ends.reverse()
    return ReadRelation(ends[0], ends[1], normalise_label(labels[0]), who)


def _checked_result(
    result: Any, text: str, convert: Converter | None, here: str, source: str, line: int
) -> Skipped | Problem:
    """What a result that is not a well-formed ``labels`` span is: a count or a problem."""
    kind = result.get("type") if isinstance(result, dict) else None
    if not isinstance(result, dict):
        return Problem(f"{here} must be an object", source, line)
    if kind != "labels":
        return Skipped(f"Label Studio {kind!r} results (only 'labels' spans are read)")
    value = result.get("value")
    labels = value.get("labels") if isinstance(value, dict) else None
    if not isinstance(value, dict) or not isinstance(labels, list) or not labels:
        return Problem(f"{here}: 'value' must hold start, end and labels", source, line)
    start, end = value.get("start"), value.get("end")
    pair = converted(convert, start, end, here, source, line) if convert else (start, end)
    if isinstance(pair, Problem):
        return pair
    problem = offsets_problem(text, *pair, value.get("text"), here, source, line)
    for label in labels:
        problem = problem or label_problem(label, here, source, line)
    return problem or Problem(f"{here}: not a span", source, line)


def _layers(
    task: dict[str, Any], text: str, options: ReadOptions, source: str, line: int
) -> Iterator[ReadSpan | ReadRelation | Skipped | Problem | tuple[str, str]]:
    """Spans, counts, problems and ``(annotator, status)`` of a task's annotations and
    predictions."""
    convert = utf16_converter(text) if options.utf16_offsets else None
    annotations = [*(task.get("annotations") or []), *(task.get("completions") or [])]
    for index, annotation in enumerate(annotations):
        where = f"annotation {index}"
        if not isinstance(annotation, dict):
            yield Problem(f"{where} must be an object", source, line)
            return
        who = options.annotator or user_name(annotation.get("completed_by"))
        problem = annotator_problem(who, where, source, line)
        if problem:
            yield problem
            return
        if annotation.get("was_cancelled") is True:
            yield Skipped(CANCELLED)
            if who:
                yield who, Status.SKIPPED
            continue
        results = annotation.get("result", [])
        yield from _results(results, text, convert, who, Origin.IMPORTED, where, source, line)
        if who:
            yield who, Status.DONE
    predictions = task.get("predictions") or []
    if not options.predictions:
        count = sum(1 for p in predictions if not isinstance(p, dict) or filled(p.get("result")))
        if count:
            yield Skipped(PREDICTIONS, count)
        return
    for index, prediction in enumerate(predictions):
        where = f"prediction {index}"
        if not isinstance(prediction, dict):
            yield Problem(f"{where} must be an object", source, line)
            return
        model = prediction.get("model_version")
        named = model if isinstance(model, str) and model.strip() else "labelstudio-predictions"
        who = options.annotator or named
        problem = annotator_problem(who, where, source, line)
        if problem:
            yield problem
            return
        results = prediction.get("result", [])
        yield from _results(results, text, convert, who, Origin.SUGGESTED, where, source, line)


def _record(
    obj: dict[str, Any],
    text: str,
    meta: dict,
    layers: Iterator,
    path: Path,
    line: int,
) -> Iterator[Item]:
    spans: set[ReadSpan] = set()
    links: set[ReadRelation] = set()
    statuses: dict[str, str] = {}
    for part in layers:
        if isinstance(part, Problem):
            yield part
            return
        if isinstance(part, Skipped):
            yield part
        elif isinstance(part, ReadSpan):
            spans.add(part)
        elif isinstance(part, ReadRelation):
            links.add(part)
        elif part[1] == Status.DONE or part[0] not in statuses:
            statuses[part[0]] = part[1]
    document = document_of(obj, text, meta, path, line)
    yield Record(
        document=document,
        source=str(path),
        line=line,
        spans=sorted(spans),
        statuses=statuses,
        relations=sorted(links),
    )


def task_items(obj: dict[str, Any], path: Path, line: int, options: ReadOptions) -> Iterator[Item]:
    """The document, spans and statuses one task holds, and what of it is not read."""
    source = str(path)
    if "data" not in obj:
        yield from min_items(obj, path, line, options)
        return
    data = field(obj, "data", dict, source, line)
    text = data if isinstance(data, Problem) else _text(data, options, source, line)
    problem = unread_annotations(obj, TASK_FIELDS, "labelstudio", source, line)
    for name in ("annotations", "completions", "predictions", "drafts"):
        if not isinstance(obj.get(name, []), list):
            problem = problem or Problem(f"field {name!r} must be a list", source, line)
    if problem:
        yield problem
        return
    if isinstance(text, Problem):
        yield text
        return
    meta = obj.get("meta")
    if isinstance(meta, dict) and nested_too_deeply(meta):
        yield Problem(f"field 'meta' is nested more than {MAX_DEPTH} levels deep", source, line)
        return
    if filled(obj.get("drafts")):
        yield Skipped(DRAFTS, len(obj["drafts"]))
    layers = _layers(obj, text, options, source, line)
    yield from _record(obj, text, meta if isinstance(meta, dict) else {}, layers, path, line)


def _min_spans(value: Any) -> bool:
    return holds_ranges(value) and "labels" in value[0]


def min_items(obj: dict[str, Any], path: Path, line: int, options: ReadOptions) -> Iterator[Item]:
    """A JSON-MIN element: the task's data fields, its span lists and its annotator."""
    source = str(path)
    span_fields = [name for name, value in obj.items() if _min_spans(value)]
    data = {
        name: value
        for name, value in obj.items()
        if name not in MIN_FIELDS and name not in span_fields
    }
    text = _text(data, options, source, line)
    read = {*span_fields, *MIN_FIELDS, options.text_field or ""}
    problem = unread_annotations(obj, read, "labelstudio", source, line)
    if problem:
        yield problem
        return
    if isinstance(text, Problem):
        yield text
        return
    who = options.annotator or user_name(obj.get("annotator"))
    problem = annotator_problem(who, "field 'annotator'", source, line)
    if problem:
        yield problem
        return
    convert = utf16_converter(text) if options.utf16_offsets else None

    def layers() -> Iterator:
        for name in span_fields:
            results = [
                {"type": "labels", "value": item} if isinstance(item, dict) else item
                for item in obj[name]
            ]
            yield from _results(
                results, text, convert, who, Origin.IMPORTED, f"field {name!r}", source, line
            )
        if who:
            yield who, Status.DONE

    yield from _record(obj, text, {}, layers(), path, line)


def looks_like_labelstudio(obj: dict[str, Any]) -> bool:
    """A task (``data`` an object) or a JSON-MIN element (a list of labelled ranges)."""
    if isinstance(obj.get("data"), dict):
        return True
    return "annotation_id" in obj or any(_min_spans(value) for value in obj.values())


@register_reader(
    "labelstudio",
    "Label Studio JSON export (an array of tasks) or JSON-MIN",
    (".json", ".jsonl"),
    sniff=looks_like_labelstudio,
)
def read_labelstudio(path: Path, options: ReadOptions) -> Iterator[Item]:
    source = str(path)
    data = read_bytes(path)
    if isinstance(data, Problem):
        yield data
        return
    if is_json_lines(data):
        for line, obj in json_lines(path):
            if isinstance(obj, Problem):
                yield obj
            else:
                yield from task_items(obj, path, line, options)
        return
    if is_array(data):
        lines = ElementLines(data)
        for index, task in enumerate(array_elements(data, source)):
            if isinstance(task, Problem):
                yield task
                return
            line = lines[index] or 1
            if not isinstance(task, dict):
                yield Problem(f"task {index} is not an object", source, line)
            else:
                yield from task_items(task, path, line, options)
        return
    task = parse_document(data, source)
    if isinstance(task, Problem):
        yield task
    elif not isinstance(task, dict):
        yield Problem("expected a JSON array of Label Studio tasks", source, 1)
    else:
        yield from task_items(task, path, 1, options)


def _result(start: int, end: int, label: str, text: str, number: int) -> dict[str, Any]:
    return {
        "id": f"s{number}",
        "type": "labels",
        "from_name": "label",
        "to_name": "text",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
    }


def _link(head: str, child: str, label: str) -> dict[str, Any]:
    return {
        "type": "relation",
        "from_id": head,
        "to_id": child,
        "direction": "right",
        "labels": [label],
    }


def completed_by(name: str) -> int | dict[str, str]:
    """How Label Studio names the annotator: its user id, or a member's e-mail."""
    match = USER.fullmatch(name)
    return int(match.group(1)) if match else {"email": name}


def _start(context: object) -> bytes:
    return b"[\n"


@register_writer(
    "labelstudio",
    "Label Studio: JSON tasks with annotations",
    extension=".json",
    header=_start,
    separator=b",\n",
    footer=b"\n]\n",
)
def encode_labelstudio(item: ExportItem, tally: Tally) -> bytes:
    text = item.document.text
    people = sorted({span[3] for span in item.spans} | item.statuses.keys())
    annotations: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    number = 0
    for who in people:
        made = [s for s in item.spans if s[3] == who and s[4] != Origin.SUGGESTED]
        suggested = [s for s in item.spans if s[3] == who and s[4] == Origin.SUGGESTED]
        results = []
        ids = {}
        for start, end, label, _, _ in made + suggested:
            number += 1
            results.append(_result(start, end, label, text, number))
            ids[(start, end, label)] = results[-1]["id"]
        links = [
            _link(ids[head], ids[child], label)
            for head, child, label, owner in item.links
            if owner == who and head in ids and child in ids
        ]
        tally.wrote(span[2] for span in made + suggested)
        status = item.statuses.get(who)
        if made or status in (Status.DONE, Status.SKIPPED):
            annotation: dict[str, Any] = {} if who == GOLD else {"completed_by": completed_by(who)}
            annotation["was_cancelled"] = not made and status == Status.SKIPPED
            annotation["ground_truth"] = who == GOLD
            annotation["result"] = results[: len(made)] + links
            annotations.append(annotation)
        if suggested:
            predictions.append({"model_version": who, "result": results[len(made) :]})
    task = {
        "id": item.document.id,
        "data": {"text": text},
        "meta": item.document.meta,
        "annotations": annotations,
        "predictions": predictions,
    }
    return orjson.dumps(task)
