"""Use cases: schemes are drafted, reviewed, filled with candidates, ranked and awarded."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain import ids
from domain.candidacy import Candidacy, CandidacyStateConflict, Status, check_outcome
from domain.declaration import Declaration
from domain.evaluation_body import EvaluationBody
from domain.ranking import Entry, rank_entries
from domain.scheme import Scheme, SchemeStateConflict, SchemeStatus
from domain.values import Actor, Indicator
from registry.base import AlreadyExists, Receipt, RegistryBase
from registry.permissions import check_role

# How many earlier cycles an award looks back through for titles to supersede.
SUPERSEDE_LOOKBACK = 10


class SchemeCases(RegistryBase):
    """The evaluation body's work, and the administrator's review of schemes."""

    def draft_scheme(
        self,
        actor: Actor,
        *,
        title: str,
        category: str,
        cycle: int,
        level: str,
        region: str,
        indicators: Sequence[Indicator],
        top_n: int | None,
        publicity_days: int,
        validity_days: int,
        top_share: Decimal | None = None,
    ) -> Receipt:
        check_role(actor, "draft_scheme")
        body = self.load(EvaluationBody, actor.subject, "evaluation body")
        scheme = Scheme.draft(
            body=body,
            title=title,
            category=category,
            cycle=cycle,
            level=level,
            region=region,
            indicators=indicators,
            top_n=top_n,
            top_share=top_share,
            publicity_days=publicity_days,
            validity_days=validity_days,
            actor=actor,
            at=self.now(),
        )
        if self.exists(scheme.id):
            raise AlreadyExists("this body already has a scheme for that list and cycle")
        return self.commit(scheme)

    def review_scheme(
        self,
        actor: Actor,
        scheme_id: str,
        *,
        approved: bool,
        reason: str,
        expected_version: int | None = None,
    ) -> Receipt:
        check_role(actor, "review_scheme")
        scheme = self.load(Scheme, scheme_id, "scheme", expected_version)
        scheme.review(approved=approved, reason=reason, actor=actor, at=self.now())
        return self.commit(scheme)

    def _own_scheme(
        self,
        actor: Actor,
        scheme_id: str,
        action: str,
        expected_version: int | None = None,
        *,
        to_change: bool = True,
    ) -> Scheme:
        """The scheme, once the actor is shown to be its own active, accredited body."""
        check_role(actor, action)
        scheme = self.load(Scheme, scheme_id, "scheme", expected_version, to_change=to_change)
        body = self.load(EvaluationBody, scheme.body_id, "evaluation body", to_change=False)
        scheme.check_body(actor, body)
        return scheme

    def enter_candidate(
        self,
        actor: Actor,
        scheme_id: str,
        *,
        declaration_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        scheme = self._own_scheme(actor, scheme_id, "enter_candidate", expected_version)
        declaration = self.load(Declaration, declaration_id, "declaration")
        if self.exists(ids.candidacy_id(scheme.id, declaration.id)):
            raise AlreadyExists("this declaration is already a candidate", field="declaration_id")
        candidacy = Candidacy.enter(
            scheme=scheme, declaration=declaration, actor=actor, at=self.now()
        )
        return self.commit(candidacy, scheme)

    def evaluate(
        self,
        actor: Actor,
        candidacy_id: str,
        *,
        values: dict[str, Decimal] | None,
        exclusion_reason: str | None = None,
        expected_version: int | None = None,
        units: dict[str, str] | None = None,
    ) -> Receipt:
        """Record verified values, or exclude the entry with a reason (exactly one of them)."""
        check_outcome(values, exclusion_reason)  # the request's shape: it reveals nothing
        check_role(actor, "evaluate")  # before loading: a wrong role learns nothing about ids
        candidacy = self.load(Candidacy, candidacy_id, "candidacy", expected_version)
        # The scheme is only read: an evaluation changes the candidacy alone.
        scheme = self._own_scheme(actor, str(candidacy.scheme_id), "evaluate", to_change=False)
        if scheme.status != SchemeStatus.APPROVED:
            raise SchemeStateConflict(f"scheme is {scheme.status}; entries can no longer change")
        if exclusion_reason is not None:
            candidacy.exclude(reason=exclusion_reason, actor=actor, at=self.now())
        else:
            candidacy.evaluate(
                values=values or {},  # not None: `check_outcome` refused that
                units=units,
                indicators=scheme.indicators,
                actor=actor,
                at=self.now(),
            )
        return self.commit(candidacy)

    def publish_ranking(
        self, actor: Actor, scheme_id: str, *, expected_version: int | None = None
    ) -> Receipt:
        scheme = self._own_scheme(actor, scheme_id, "publish_ranking", expected_version)
        now = self.now()
        candidacies = [self.load(Candidacy, c, "candidacy") for c in scheme.candidacy_ids]
        waiting = [c for c in candidacies if c.status == Status.ENTERED]
        if waiting:
            raise CandidacyStateConflict(
                f"{len(waiting)} candidate(s) not yet evaluated or excluded, e.g. {waiting[0].id}"
            )
        evaluated = {str(c.id): c for c in candidacies if c.status == Status.EVALUATED}
        for key, c in list(evaluated.items()):
            declaration = self.load(Declaration, c.declaration_id, "declaration")
            if c.drop_if_withdrawn(declaration=declaration, actor=actor, at=now):
                del evaluated[key]
        result = rank_entries(
            scheme.indicators,
            [Entry(key=k, values=c.values) for k, c in evaluated.items()],
            scheme.quota,
        )
        qualified = [evaluated[p.key].id for p in result.placements if p.qualified]
        ends = scheme.publish_ranking(
            ranked=len(result.placements), qualified_ids=qualified, actor=actor, at=now
        )
        for p in result.placements:
            evaluated[p.key].place(
                rank=p.rank,
                score=p.score,
                qualified=p.qualified,
                breakdown=p.breakdown,
                publicity_ends_at=ends,
                actor=actor,
                at=now,
            )
        for r in result.rejections:
            evaluated[r.key].reject(reason=r.reason, actor=actor, at=now)
        return self.commit(scheme, *candidacies)

    def award(
        self, actor: Actor, scheme_id: str, *, expected_version: int | None = None
    ) -> Receipt:
        """Award the publicised entries and supersede the list's earlier-cycle titles."""
        scheme = self._own_scheme(actor, scheme_id, "award", expected_version)
        now = self.now()
        qualified = [self.load(Candidacy, c, "candidacy") for c in scheme.qualified_ids]
        winners = [c for c in qualified if c.status == Status.PUBLICISED]
        standards: list[Declaration] = []
        for c in list(winners):
            declaration = self.load(Declaration, c.declaration_id, "declaration")
            if c.drop_if_withdrawn(declaration=declaration, actor=actor, at=now):
                winners.remove(c)
            else:
                standards.append(declaration)
        for c in winners:
            if blocker := c.award_blocker():
                raise CandidacyStateConflict(f"{blocker} first: candidacy {c.id}")
        valid_until = scheme.award(awarded_ids=[c.id for c in winners], actor=actor, at=now)
        for c, declaration in zip(winners, standards, strict=True):
            c.award(valid_until=valid_until, actor=actor, at=now)
            # Saved with the award: a withdrawal racing it conflicts instead of missing it.
            declaration.title_awarded(candidacy_id=c.id, actor=actor, at=now)
        superseded = []
        for back in range(1, SUPERSEDE_LOOKBACK + 1):
            earlier_id = scheme.previous_cycle_id(back)
            if not self.exists(earlier_id):
                continue
            earlier = self.load(Scheme, earlier_id, "scheme")
            for cid in earlier.qualified_ids:
                old = self.load(Candidacy, cid, "candidacy")
                if old.is_active_leader(now):
                    old.supersede(by_scheme_id=scheme.id, actor=actor, at=now)
                    superseded.append(old)
        return self.commit(scheme, *qualified, *standards, *superseded)
