"""Activity: the signed timeline of everything received, shared and signed, under a
banner that says whether the log's signatures and links check out; filters by kind and
date above it, and the selected entry's details in a pane below it."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.activity_text import detail_rows, entry_footer
from app.dialogs.common import note
from app.formatting import log_kind
from app.models.activity import (
    DATE_FILTERS,
    KIND_FILTERS,
    ActivityColumn,
    ActivityTableModel,
    earliest,
)
from app.session import WalletSession
from app.views.bars import buddy_label, control_bar
from app.views.empty_state import EmptyState
from app.views.message import InlineMessage, Tone
from app.views.page import Page, select_row, selected_row
from app.views.phrase import monospace_font
from app.views.typography import scaled_font
from app.views.wrapped_text import WrappedText
from app.workers import TaskHandle
from core.encoding import parse_json_object
from core.errors import InvalidInput, LedgerBroken, TesseraError
from core.ledger import LOG_KIND, Entry, LedgerReport

log = logging.getLogger(__name__)

CHECKING = "Checking the activity log…"
NO_MATCH = "No entries match these filters. Choose “All” and “Any time” to see every entry."


def verified_text(report: LedgerReport) -> str:
    count = report.count
    noun = "entry is" if count == 1 else f"{count} entries are"
    every = "The" if count == 1 else "All"
    return (f"The log checks out. {every} {noun} signed by this wallet, "
            "and none was changed or removed.")


def broken_text(exc: BaseException) -> tuple[str, str]:
    """(sentence, details) for a log that did not verify."""
    if isinstance(exc, LedgerBroken):
        return (
            "This log was changed outside Tessera: an entry was altered or removed. "
            "Don't trust the history below.",
            f"Error code: {exc.code}. First bad entry: number {exc.seq}. {exc.message}",
        )
    if isinstance(exc, TesseraError):
        return (
            "Part of this log was changed on disk and can't be read. "
            "Don't trust the history below.",
            f"Error code: {exc.code}. {exc.message}",
        )
    return ("Tessera couldn't check this log.", f"Error code: internal. {type(exc).__name__}")


class EntryDetail(QFrame):
    """One log entry in full: what happened, its summary, every detail it holds as a
    label and a value (hashes and ids in monospace, all selectable), its number and time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityDetail")
        self.setAccessibleName("Entry details")
        self.entry: Entry | None = None
        self.rows: list[tuple[QLabel, WrappedText]] = []
        self._mono = monospace_font(self.font(), 0.92)

        self.heading = QLabel(self)
        self.heading.setFont(scaled_font(self.font(), 1.1, QFont.Weight.DemiBold))
        self.summary = WrappedText("", self, accessible_name="Summary")
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 4, 0, 0)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(1, 1)
        self.footer = note("", self, small=True)
        self.footer.setWordWrap(False)
        self.footer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.heading, 1)
        top.addWidget(self.footer)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addLayout(self.grid)
        layout.addStretch(1)

    def show_entry(self, entry: Entry) -> None:
        self.entry = entry
        self.heading.setText(log_kind(entry.kind))
        self.summary.setPlainText(entry.summary)
        for label, value in self.rows:
            for widget in (label, value):
                self.grid.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
        self.rows = []
        for index, row in enumerate(detail_rows(entry, self.locale())):
            label = note(row.label, self)
            value = WrappedText(row.value, self, font=self._mono if row.mono else None,
                                accessible_name=row.label)
            label.setBuddy(value)
            self.grid.addWidget(label, index, 0, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(value, index, 1)
            self.rows.append((label, value))
        self.footer.setText(entry_footer(entry, self.locale()))

    def values(self) -> dict[str, str]:
        """Each detail shown, label → value."""
        return {label.text(): value.text() for label, value in self.rows}


class ActivityPage(Page):
    """The activity log, newest first, filtered by kind and date, with the selected
    entry's details below; empty until the wallet does something."""

    page_name = "activity"
    title = "Activity"
    icon_name = "activity"

    def __init__(self, session: WalletSession | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = ActivityTableModel(parent=self)
        self._task: TaskHandle | None = None

        self.banner = InlineMessage(self, banner=True)

        self.kind_filter = QComboBox(self)
        self.kind_filter.setAccessibleName("Show entries of kind")
        self.kind_filter.addItems(list(KIND_FILTERS))
        self.date_filter = QComboBox(self)
        self.date_filter.setAccessibleName("Show entries from")
        self.date_filter.addItems([label for label, _days in DATE_FILTERS])
        for combo in (self.kind_filter, self.date_filter):
            combo.currentIndexChanged.connect(lambda _index: self.apply_filter())
        self.filter_bar = control_bar(
            self, buddy_label("&Show", self.kind_filter, self), self.kind_filter, 16,
            buddy_label("&When", self.date_filter, self), self.date_filter,
        )

        self.table = self.row_table(
            self.model, "activityTable", "Activity",
            elide=Qt.TextElideMode.ElideRight, row_padding=18,
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ActivityColumn.TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ActivityColumn.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ActivityColumn.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        self.table.activated.connect(self._activated)  # Enter, double-click
        collapse = QAction("Close details", self.table)
        collapse.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        collapse.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        collapse.triggered.connect(self.table.clearSelection)
        self.table.addAction(collapse)

        self.detail = EntryDetail(self)
        self.detail_area = QScrollArea(self)
        self.detail_area.setObjectName("activityDetailArea")
        self.detail_area.setWidget(self.detail)
        self.detail_area.setWidgetResizable(True)
        self.detail_area.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.detail_area.hide()
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail_area)
        self.splitter.setStretchFactor(0, 1)  # a taller window gives the table more rows
        self.splitter.setStretchFactor(1, 0)

        self.no_rows = note(NO_MATCH, self)
        self.no_rows.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.body.addWidget(self.banner)
        self.body.addWidget(self.filter_bar)
        self.body.addWidget(self.splitter, 1)
        self.body.addWidget(self.no_rows, 1)
        self.set_empty_state(
            EmptyState(
                "Nothing here yet",
                "Everything you receive, share or sign will be listed here, "
                "signed so no one can change it.",
                icon_name=self.icon_name,
            )
        )
        self.follow(session)

    @property
    def checking(self) -> bool:
        return self._task is not None

    def refresh(self) -> None:
        """Reload the entries and check the whole log again on a worker."""
        if self.session is None or self.session.is_locked:
            self.clear()
            return
        self.model.set_entries(self._readable_entries())
        self.apply_filter()
        self._verify()

    def clear(self) -> None:
        """Drop everything shown (the wallet was locked)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.model.clear()
        self.banner.clear()
        self._layout(locked=self.session is not None)

    def showEvent(self, event: QShowEvent) -> None:
        """"Today" and "Last 7 days" move with the clock: filter again on every showing."""
        super().showEvent(event)
        if self.model.total and self.date_filter.currentIndex() > 0:
            self.apply_filter()

    # --- filters and the detail pane ----------------------------------------------------

    def set_filter(self, kind: str | None = None, when: str | None = None) -> None:
        """Choose a kind (one of :data:`KIND_FILTERS`) and/or a date filter by label."""
        if kind is not None:
            self.kind_filter.setCurrentIndex(KIND_FILTERS.index(kind))
        if when is not None:
            self.date_filter.setCurrentIndex([label for label, _d in DATE_FILTERS].index(when))

    def apply_filter(self) -> None:
        """Show the entries the two filters let through, as of the wallet's clock,
        keeping the selected entry selected while it is still shown."""
        selected = self.selected()
        days = DATE_FILTERS[max(self.date_filter.currentIndex(), 0)][1]
        since = None if self.session is None else earliest(days, self.session.wallet.clock.now())
        self.model.set_filter(self.kind_filter.currentText(), since)
        if selected is not None:
            select_row(self.table, self.model.row_of(selected.seq))
        self._layout()

    def _layout(self, *, locked: bool = False) -> None:
        has_any = self.model.total > 0
        has_rows = self.model.rowCount() > 0
        self.filter_bar.setVisible(has_any)
        self.splitter.setVisible(has_rows)
        self.no_rows.setVisible(has_any and not has_rows)
        self.empty_state.setVisible(not has_any and not locked)
        self._show_selected()

    def selected(self) -> Entry | None:
        """The entry selected in the table, if any."""
        row = selected_row(self.table)
        try:
            return None if row is None else self.model.entry(row)
        except IndexError:
            return None

    def select(self, seq: int) -> None:
        """Select (and so show the details of) the entry numbered ``seq``, if shown."""
        select_row(self.table, self.model.row_of(seq))

    def _activated(self, index: QModelIndex) -> None:
        if selected_row(self.table) != index.row():
            select_row(self.table, index.row())
        self._show_selected()

    def _show_selected(self, *_args: object) -> None:
        entry = self.selected()
        if entry is None:
            self.detail_area.hide()
            return
        if self.detail.entry != entry:
            self.detail.show_entry(entry)
        if self.detail_area.isHidden():
            self.detail_area.show()
            self._size_detail()
        self.detail_area.ensureVisible(0, 0)

    def _size_detail(self) -> None:
        """Give the newly shown pane what its entry needs, up to three fifths of the
        height (the person may drag the divider; the next entry keeps the sizes)."""
        self.layout().activate()  # the splitter may just have been shown again
        total = self.splitter.height() - self.splitter.handleWidth()
        if not self.splitter.isVisible() or total <= 0:
            return  # not laid out yet: the stretch factors decide
        # Lay the pane out at its real width first, so the texts wrap as they will.
        self.detail.resize(self.splitter.width(), max(self.detail.height(), 1))
        for _pass in range(2):  # the texts' new heights change the layout once more
            self.detail.layout().activate()
        wanted = self.detail.sizeHint().height()
        shown = min(wanted, total * 3 // 5)
        self.splitter.setSizes([total - shown, shown])

    def _readable_entries(self) -> list[Entry]:
        """Every entry that can be read, even when some cannot (a damaged log still shows
        what is left; the banner says it cannot be trusted)."""
        assert self.session is not None
        wallet = self.session.wallet
        try:
            return wallet.ledger.entries()
        except TesseraError:
            log.info("the activity log has unreadable entries", exc_info=True)
        records, _damaged = wallet.vault.list_records(LOG_KIND)
        entries = []
        for record in records:
            try:
                entries.append(Entry.from_json(parse_json_object(record.data)))
            except InvalidInput:
                continue
        return entries

    def _verify(self) -> None:
        assert self.session is not None
        if self._task is not None:
            self._task.cancel()
        self.banner.show_message(CHECKING, Tone.INFO)
        try:
            ledger = self.session.wallet.ledger
        except TesseraError as exc:
            self._failed(exc)
            return
        task: TaskHandle | None = None

        def done() -> None:
            if self._task is task:
                self._task = None

        task = self.session.run(
            ledger.verify, on_result=self._verified, on_error=self._failed, on_finished=done
        )
        self._task = task

    def _verified(self, report: LedgerReport) -> None:
        self.banner.show_message(verified_text(report), Tone.SUCCESS)

    def _failed(self, exc: BaseException) -> None:
        sentence, details = broken_text(exc)
        self.banner.show_message(sentence, Tone.ERROR, details)
