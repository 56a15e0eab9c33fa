"""Roles and what each may do: the one permission table of Cordée.

A capability is a short string checked by services (writes) and by views/endpoints
that expose them. Reading a workspace's shared data needs only membership; the
table lists what goes beyond reading.
"""

from __future__ import annotations

from cordee.tenancy.roles import Role

_EVERY_OPERATOR: set[Role] = {
    Role.MARKETER,
    Role.MARKETING_MANAGER,
    Role.SDR,
    Role.SALES_REP,
    Role.SALES_MANAGER,
    Role.REVOPS_ADMIN,
}
_MARKETING: set[Role] = {Role.MARKETER, Role.MARKETING_MANAGER, Role.REVOPS_ADMIN}
_SALES: set[Role] = {Role.SDR, Role.SALES_REP, Role.SALES_MANAGER, Role.REVOPS_ADMIN}
_MANAGERS: set[Role] = {Role.MARKETING_MANAGER, Role.SALES_MANAGER, Role.REVOPS_ADMIN}

# capability -> roles that hold it. Executives read everything and write nothing but comments.
CAPABILITIES: dict[str, set[Role]] = {
    "account.write": _EVERY_OPERATOR,
    "contact.write": _EVERY_OPERATOR,
    "lead.write": _EVERY_OPERATOR,
    "touchpoint.write": _EVERY_OPERATOR,
    "activity.write": _EVERY_OPERATOR,  # log calls, e-mails, meetings, notes; plan tasks
    "campaign.write": _MARKETING,
    # the campaign brief (codesign): marketing writes it; sales and executives read it
    "brief.write": _MARKETING,
    # both sides talk on a field of the brief; sales (the pod's reviewer, or a sales manager)
    # approves or asks for changes; managers name each pod's default reviewer
    "brief.comment": _MARKETING | _SALES,
    "brief.review": _SALES,
    "brief.reviewers": _MANAGERS,
    # launching is marketing's, once every target pod approved; without it, only a marketing
    # manager launches, writing why (kept, shown on the campaign and in the committee agenda)
    "campaign.launch": _MARKETING,
    "campaign.launch.override": {Role.MARKETING_MANAGER},
    # the readiness kit: marketing writes it, each rep of the target pods acknowledges it
    "kit.write": _MARKETING,
    "kit.acknowledge": _SALES,
    # the debrief: sales rates the leads received, each side writes its lessons learned
    "debrief.rate": _SALES,
    "debrief.lessons.marketing": _MARKETING,
    "debrief.lessons.sales": _SALES,
    # a completed debrief is opened again by a manager of either side (or RevOps)
    "debrief.reopen": _MANAGERS,
    # rituals (issue 19): managers of both sides (and RevOps) set up committees and their
    # members; a committee's meetings are run (attendance, minutes, decisions, action items,
    # the agenda's edits) by its members or by a holder of committee.write
    # (rituals.selectors.meeting_runnable applies it); an action item's owner marks it done
    "committee.write": _MANAGERS,
    # vis-ma-vie programmes: managers open them and decide the pairs; anyone of either side
    # signs up, states learning goals and writes a debrief
    "programme.write": _MANAGERS,
    "programme.join": _EVERY_OPERATOR - {Role.REVOPS_ADMIN},  # a side to pair on
    # celebrating together (issue 20): everyone, executives included, reacts to a win and sends
    # kudos; RevOps sets the wall's threshold (and routes chat posts per pod on the webhooks)
    "win.react": _EVERY_OPERATOR | {Role.EXECUTIVE},
    "wall.configure": {Role.REVOPS_ADMIN},
    # the alignment diagnostic: RevOps opens and closes a wave; every member answers it once
    "diagnostic.manage": {Role.REVOPS_ADMIN},
    "diagnostic.answer": _EVERY_OPERATOR | {Role.EXECUTIVE},
    # the alignment index's weights (the defaults are documented); everyone reads the index
    "index.configure": {Role.REVOPS_ADMIN},
    # a pod's value log: written by the pod's members (alignment.pods applies it) and by these
    "value_log.write.any": _MANAGERS,
    "opportunity.write": _SALES,
    # split a deal's credit between several people (variable pay reads it): the sales managers
    # and RevOps; comp admins will hold it too
    "credit.split": {Role.SALES_MANAGER, Role.REVOPS_ADMIN},
    "pod.write": _MANAGERS,
    "team.write": {Role.REVOPS_ADMIN},
    "member.write": {Role.REVOPS_ADMIN},
    "workspace.write": {Role.REVOPS_ADMIN},
    "admin.site": {Role.REVOPS_ADMIN},
    # the messages a development instance wrote instead of sending them (the Outbox page)
    "mail.outbox": {Role.REVOPS_ADMIN},
    "lead.decide": _SALES,
    "funnel.configure": {Role.REVOPS_ADMIN},
    "sla.write": _MANAGERS,
    "goal.write": _MANAGERS,  # set goals (targets, owners, roll-up); executives read
    "sla.sign.marketing": {Role.MARKETING_MANAGER},
    "sla.sign.sales": {Role.SALES_MANAGER},
    "record.delete": {Role.REVOPS_ADMIN, Role.MARKETING_MANAGER, Role.SALES_MANAGER},
    # change the owner (or pod, or stage) of records someone else owns; without it, only one's
    # own records and unowned ones (core.records.records_changeable applies it)
    "record.reassign.any": _MANAGERS,
    # merge two duplicate contacts or accounts into one (the loser is deleted): as delete
    "record.merge": {Role.REVOPS_ADMIN, Role.MARKETING_MANAGER, Role.SALES_MANAGER},
    "data.import": _MANAGERS,  # CSV/XLSX imports (HubSpot, Salesforce, plain)
    # the whole workspace in one file, for the data team (executives read everything already)
    "data.export": {Role.REVOPS_ADMIN, Role.EXECUTIVE},
    # field feedback: anyone but executives raises and +1s; marketing triages and answers
    "feedback.submit": _EVERY_OPERATOR,
    "feedback.vote": _EVERY_OPERATOR,
    "feedback.triage": _MARKETING,
    "feedback.configure": {Role.MARKETING_MANAGER, Role.REVOPS_ADMIN},
    "competitor.write": _EVERY_OPERATOR,
    # talk on the record: whoever reads a record comments on it; only the author edits; the
    # author or a manager deletes (and reads a deleted comment's history)
    "comment.write": _EVERY_OPERATOR | {Role.EXECUTIVE},
    "comment.moderate": _MANAGERS,
    # saved views of the lists: anyone saves their own and shares them with their pods or the
    # workspace; a manager also changes or deletes a view someone else shares, and shares with
    # any pod
    "saved_view.moderate": _MANAGERS,
    # the audit log (who changed what, before and after): RevOps, who answers for the
    # configuration; not executives — it names each person's every change, a matter for the
    # admins (they ask RevOps, or export it through them)
    "audit.read": {Role.REVOPS_ADMIN},
    # variable pay is private: RevOps names the comp admins, who read and approve everyone's
    # pay (comp.selectors applies who reads whose); RevOps itself reads no one's by role
    "comp.grant": {Role.REVOPS_ADMIN},
}


def role_can(role: str | None, capability: str) -> bool:
    """True when ``role`` holds ``capability`` (unknown capabilities are refused)."""
    if role is None:
        return False
    return role in {str(r) for r in CAPABILITIES.get(capability, set())}
