"""The access policy: who may see or do what, answered in one place.

- :mod:`app.access.policy`: one predicate per (subject, action), e.g.
  ``may_read_dossier(user, application)``, built on one check of conflicts of interest
  (:func:`~app.access.policy.conflicted_dossiers`), and the ``role_required`` gate of
  whole areas.
- :mod:`app.access.scopes`: one query per kind of record, e.g.
  ``visible_applications(user, call)``. Pages, CSV and XLSX exports, the decision
  record, dashboards, e-mails and the personal-data export all list records through a
  scope; none filters on its own.

Anyone who may not see a record gets 404, never 403, so that nobody learns what
exists. A person in conflict with a dossier (juror, chair or staff) never sees its
identity, answers, documents, reviews or ranking line; lists that must keep their count
show it as an anonymous row.
"""
