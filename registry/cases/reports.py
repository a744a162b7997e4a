"""Use cases: public reports, which anyone may file without an account, and their keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from domain.candidacy import Candidacy
from domain.errors import Conflict, NotFound
from domain.report import (
    InvalidReport,
    PersonalData,
    Report,
    TargetKind,
    check_content,
    fingerprint,
    target_key,
)
from domain.values import Actor
from registry.base import Receipt, RegistryBase
from registry.permissions import check_role
from registry.report_vault import MemoryVault, ReportVault, SqlVault, VaultEntry
from registry.sealing import new_key, seal, unseal
from registry.settings import Settings

SECRET_PREFIX = "rs_"
# Defaults of the settings `report_duplicate_window_hours` and `report_retention_days`.
DUPLICATE_WINDOW = timedelta(hours=24)
RETENTION = timedelta(days=365)


class ReportNotFound(NotFound):
    """No report has this receipt, or the secret is not its own (the two look alike)."""


class PersonalDataErased(Conflict):
    """The report's key was destroyed: its personal data can no longer be read by anyone."""


class FiledReport(Receipt):
    """A report's receipt (its id) and its secret, shown once."""

    secret: str


@dataclass(frozen=True)
class ReportView:
    """What a reporter sees with the receipt and secret: the status and a public outcome."""

    receipt: str
    status: str
    outcome: str
    received_at: datetime
    folded_into: str | None  # the first report, whose status and outcome this shows
    complaint_id: str | None = None  # the complaint a regulator opened from it (triage)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def derive_secret(key: bytes) -> str:
    """A report's secret, derived from its key (which never leaves the server), so that a
    retry with the same Idempotency-Key can be answered with it again."""
    digest = hmac.new(key, b"leader-registry report secret", hashlib.sha256).digest()
    return SECRET_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class ReportCases(RegistryBase):
    """Filing a public report, following it, reading and erasing its personal data."""

    report_vault: ReportVault | None = None  # the service sets the SQL vault
    duplicate_window: timedelta = DUPLICATE_WINDOW
    retention: timedelta = RETENTION

    def configure_reports(
        self, vault: ReportVault, *, duplicate_window: timedelta, retention: timedelta
    ) -> None:
        """Use `vault` for report keys, with the service's settings."""
        self.report_vault = vault
        self.duplicate_window = duplicate_window
        self.retention = retention

    def use_vault_on(self, engine: Engine, settings: Settings) -> None:
        """Keep report keys in `report_keys` on the read-model database (`engine`)."""
        self.configure_reports(
            SqlVault(engine),
            duplicate_window=timedelta(hours=settings.report_duplicate_window_hours),
            retention=timedelta(days=settings.report_retention_days),
        )

    @property
    def vault(self) -> ReportVault:
        if self.report_vault is None:
            self.report_vault = MemoryVault()
        return self.report_vault

    def file_report(
        self,
        actor: Actor,
        *,
        target_kind: str,
        target: str,
        grounds: str,
        description: str,
        evidence: Sequence[str],
        personal: PersonalData,
    ) -> FiledReport:
        """Anyone's report. A candidacy must be one the public reads show (any id they
        show); an enterprise any valid credit code, so the answer tells nothing the public
        reads do not. The same text about the same target within the window is folded into
        the first report (rule 16): a receipt of its own that follows the first."""
        check_content(
            target_kind=target_kind,
            target=target,
            grounds=grounds,
            description=description,
            evidence=evidence,
        )
        personal.check()
        candidacy = None
        if target_kind == TargetKind.CANDIDACY:
            try:
                candidacy = self.load(Candidacy, target, "candidacy")
            except NotFound:
                raise InvalidReport(f"no leader {target}", field="candidacy_id") from None
            target = str(candidacy.id)
        now, key = self.now(), new_key()
        secret = derive_secret(key)
        secret_hash, about = hash_secret(secret), target_key(target_kind, target)
        said = fingerprint(description)
        first = self.vault.first_since(about, said, now - self.duplicate_window)
        report = Report.receive(
            target_kind=target_kind,
            target=target,
            candidacy_id=candidacy.id if candidacy else None,
            grounds=grounds,
            description=description,
            evidence=evidence,
            sealed="" if personal.empty else seal(personal, key, bound_to=secret_hash),
            secret_hash=secret_hash,
            fingerprint=said,
            duplicate_of=first,
            actor=actor,
            at=now,
        )
        # The key is stored before the events: a report never exists without its key.
        self.vault.store(VaultEntry(report.id, key, about, said, now))
        recorded = False
        try:
            blocks = candidacy is not None and candidacy.report_filed(
                report=report, actor=actor, at=now
            )
            receipt = self.commit(report, candidacy if blocks else None)
            recorded = True
        finally:
            if not recorded:  # no report: its key must not stand for a first report
                self.vault.discard(report.id)
        return FiledReport(id=receipt["id"], position=receipt["position"], secret=secret)

    def report_secret(self, report_id: str) -> str:
        """The secret of a report just filed, again: for a retry of the same request only
        (the caller checks that). Gone with the key."""
        key = self.vault.key(self.load(Report, report_id, "report", to_change=False).id)
        if key is None:
            raise PersonalDataErased("this report's key is destroyed; its secret is gone too")
        return derive_secret(key)

    def follow_report(self, receipt: str, secret: str) -> ReportView:
        """The report's status for whoever holds its secret (ReportNotFound otherwise)."""
        try:
            report = self.load(Report, receipt, "report", to_change=False)
        except NotFound:
            raise ReportNotFound("no report with this receipt and secret") from None
        if not hmac.compare_digest(report.secret_hash, hash_secret(secret)):
            raise ReportNotFound("no report with this receipt and secret")
        shown = report
        if report.duplicate_of is not None:
            shown = self.load(Report, report.duplicate_of, "report", to_change=False)
        return ReportView(
            receipt=str(report.id),
            status=shown.status,
            outcome=shown.outcome,
            received_at=report.created_on,
            folded_into=str(shown.id) if shown is not report else None,
            complaint_id=str(shown.complaint_id) if shown.complaint_id else None,
        )

    def report_personal_data(self, actor: Actor, report_id: str) -> PersonalData:
        """A regulator reads the report's personal data, while its key exists."""
        check_role(actor, "read_report_personal_data")
        report = self.load(Report, report_id, "report", to_change=False)
        if not report.sealed:
            return PersonalData()
        key = self.vault.key(report.id)
        if key is None:
            raise PersonalDataErased(f"report {report.id}'s personal data has been erased")
        return unseal(report.sealed, key, bound_to=report.secret_hash)

    def erase_report_personal_data(self, actor: Actor, report_id: str, *, reason: str) -> Receipt:
        """Destroy the report's key on request; the log keeps the (now unreadable) seal."""
        check_role(actor, "erase_report_personal_data")
        report = self.load(Report, report_id, "report")
        now = self.now()
        report.personal_data_erased(reason=reason, actor=actor, at=now)
        self.vault.destroy(report.id, now)
        return self.commit(report)

    def erase_expired_personal_data(self) -> int:
        """Destroy the keys of reports received more than the retention period ago."""
        now = self.now()
        erased = self.vault.destroy_received_before(now - self.retention, now)
        for report_id in erased:
            report = self.load(Report, report_id, "report")
            if not report.erased:
                report.personal_data_erased(
                    reason="retention period over", actor=Actor.system("retention"), at=now
                )
                self.commit(report)
        return len(erased)
