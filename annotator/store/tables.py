"""The database tables (SQLModel). Rows never leave the store: queries map them to core types."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class MetaRow(SQLModel, table=True):
    """Key/value facts about the database itself (schema version, seeding)."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", max_length=256)


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(default="", max_length=512)
    text: str = Field(sa_column=Column(Text, nullable=False))
    length: int = Field(description="len(text) in code points")
    sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    source: str = Field(default="", max_length=1024)
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created: datetime = Field(default_factory=utcnow)


class AnnotatorRow(SQLModel, table=True):
    __tablename__ = "annotator"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, sa_column_kwargs={"unique": True})
    created: datetime = Field(default_factory=utcnow)
    role: str = Field(
        default="annotator",
        max_length=16,
        sa_column_kwargs={"server_default": "annotator"},
        description="annotator, reviewer or admin (see store/permissions.py)",
    )


class LabelRow(SQLModel, table=True):
    __tablename__ = "label"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    color: str = Field(max_length=7)
    hotkey: str = Field(default="", max_length=1)
    guideline: str = Field(default="", max_length=1024)
    position: int = Field(default=0)


class SpanRow(SQLModel, table=True):
    __tablename__ = "span"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id", "label_id", "start", "end"),
        Index("ix_span_document_annotator", "document_id", "annotator_id", "start"),
        Index("ix_span_label", "label_id"),
        CheckConstraint('start >= 0 AND "end" > start', name="ck_span_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id")
    label_id: int = Field(foreign_key="label.id")
    start: int
    end: int
    origin: str = Field(default="manual", max_length=16)
    created: datetime = Field(default_factory=utcnow)
    updated: datetime = Field(default_factory=utcnow)


class StatusRow(SQLModel, table=True):
    """An annotator's progress on one document."""

    __tablename__ = "document_status"
    __table_args__ = (Index("ix_status_annotator", "annotator_id", "status"),)
    document_id: int = Field(foreign_key="document.id", primary_key=True, ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", primary_key=True)
    status: str = Field(default="new", max_length=16)
    updated: datetime = Field(default_factory=utcnow)


class NoteRow(SQLModel, table=True):
    """A short comment by an annotator or reviewer on a document, or on one span of it."""

    __tablename__ = "note"
    __table_args__ = (Index("ix_note_document", "document_id", "span_id"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    span_id: int | None = Field(default=None, foreign_key="span.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created: datetime = Field(default_factory=utcnow)
    updated: datetime = Field(default_factory=utcnow)


class SpanSourceRow(SQLModel, table=True):
    """Provenance of a gold span: one row for each annotator who had exactly that span."""

    __tablename__ = "span_source"
    span_id: int = Field(foreign_key="span.id", primary_key=True, ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", primary_key=True)


class RelationTypeRow(SQLModel, table=True):
    """A relation type of the label schema: the labels its links start from and go to."""

    __tablename__ = "relation_type"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    heads: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    children: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    guideline: str = Field(default="", max_length=1024)
    position: int = Field(default=0)


class RelationRow(SQLModel, table=True):
    """A link between two spans of one document and one annotator (a quote to its speaker).
    Deleting either span deletes the link."""

    __tablename__ = "relation"
    __table_args__ = (
        UniqueConstraint("head_id", "child_id", "type_id"),
        Index("ix_relation_document_annotator", "document_id", "annotator_id"),
        Index("ix_relation_child", "child_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id")
    type_id: int = Field(foreign_key="relation_type.id")
    head_id: int = Field(foreign_key="span.id", ondelete="CASCADE")
    child_id: int = Field(foreign_key="span.id", ondelete="CASCADE")
    created: datetime = Field(default_factory=utcnow)


class RejectedSuggestionRow(SQLModel, table=True):
    """A suggestion an annotator turned down on a document: it is not offered there again."""

    __tablename__ = "rejected_suggestion"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id", "label_id", "start", "end"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id")
    label_id: int = Field(foreign_key="label.id", ondelete="CASCADE")
    start: int
    end: int
    created: datetime = Field(default_factory=utcnow)


class RelationSourceRow(SQLModel, table=True):
    """Provenance of a gold link: one row for each annotator who had that link."""

    __tablename__ = "relation_source"
    relation_id: int = Field(foreign_key="relation.id", primary_key=True, ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id", primary_key=True)


class AssignmentRow(SQLModel, table=True):
    """One place for an annotator on a document. ``annotator_id`` is empty for a place any
    annotator may claim; ``state`` is queued (assigned, not yet claimed), open (anyone's to
    claim), claimed or done."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id"),
        Index("ix_assignment_annotator_state", "annotator_id", "state"),
        Index("ix_assignment_state", "state", "document_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int | None = Field(default=None, foreign_key="annotator.id")
    pooled: bool = Field(default=False, description="given to whoever claims it first")
    state: str = Field(default="queued", max_length=16)
    assigned_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = Field(default=None)


class ReviewDecisionRow(SQLModel, table=True):
    """A disagreement the reviewer decided on a document: a span group by its range
    (``label_id`` empty, ``relation`` ""), or a quote's links by the quote (its range and
    label) and the relation type. Kept so that a disagreement decided with no gold left there
    (every version rejected) still reads as rejected when the review is opened again. Owned
    by the gold layer, so a team's rules treat it as gold."""

    __tablename__ = "review_decision"
    __table_args__ = (Index("ix_review_decision_document", "document_id"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    annotator_id: int = Field(foreign_key="annotator.id")
    start: int
    end: int
    label_id: int | None = Field(default=None, foreign_key="label.id", ondelete="CASCADE")
    relation: str = Field(default="", max_length=32)
    created: datetime = Field(default_factory=utcnow)


def _table(row: type[SQLModel]) -> Table:
    """The Core table of a ``table=True`` model, which SQLModel creates but does not declare."""
    return row.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass


META = _table(MetaRow)
DOCUMENT = _table(DocumentRow)
ANNOTATOR = _table(AnnotatorRow)
LABEL = _table(LabelRow)
SPAN = _table(SpanRow)
STATUS = _table(StatusRow)
NOTE = _table(NoteRow)
SPAN_SOURCE = _table(SpanSourceRow)
RELATION_TYPE = _table(RelationTypeRow)
RELATION = _table(RelationRow)
REJECTED_SUGGESTION = _table(RejectedSuggestionRow)
RELATION_SOURCE = _table(RelationSourceRow)
ASSIGNMENT = _table(AssignmentRow)
REVIEW_DECISION = _table(ReviewDecisionRow)
