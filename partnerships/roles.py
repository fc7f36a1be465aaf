"""Writes of who decided a grant and whose money it is: its GrantParticipant rows (the
one representation of both; reference.RoleHolder reads them). A grant takes its round's
grant-maker and source of money, or where the round names none, the organisation that
runs its programme and the one that funds it."""

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partnerships.models import GrantParticipant
from reference.models import ProgrammeParticipant, Role

BATCH = 1000


def round_roles(grant_round):
    """{role: organisation id or None} that a grant of `grant_round` takes (two queries)."""
    own = dict(grant_round.roles.values_list("role", "organisation_id"))
    programme = dict(
        ProgrammeParticipant.objects.filter(programme_id=grant_round.programme_id).values_list(
            "role", "organisation_id"
        )
    )
    return {
        Role.EXTENDING: own.get(Role.EXTENDING) or programme.get(Role.ACCOUNTABLE),
        Role.FUNDING: own.get(Role.FUNDING) or programme.get(Role.FUNDING),
    }


def set_grant_roles(grants, roles, *, user=None):
    """Gives every grant of the queryset `grants` the organisations `roles` ({role:
    organisation id or None}), in a constant number of queries whatever their number:
    rows are added, changed in place or (for None) removed, each with its history."""
    existing = {
        (row.grant_id, row.role): row
        for row in GrantParticipant.objects.filter(grant__in=grants.values("pk"), role__in=roles)
    }
    new, changed, gone = [], [], []
    for pk in grants.values_list("pk", flat=True):
        for role, organisation_id in roles.items():
            row = existing.get((pk, role))
            if organisation_id is None:
                if row is not None:
                    gone.append(row.pk)
            elif row is None:
                new.append(
                    GrantParticipant(grant_id=pk, role=role, organisation_id=organisation_id)
                )
            elif row.organisation_id != organisation_id:
                row.organisation_id = organisation_id
                changed.append(row)
    bulk_create_with_history(new, GrantParticipant, batch_size=BATCH, default_user=user)
    bulk_update_with_history(
        changed, GrantParticipant, ["organisation"], batch_size=BATCH, default_user=user
    )
    if gone:
        GrantParticipant.objects.filter(pk__in=gone).delete()


def give_round_roles(grants, *, user=None):
    """Gives the grants of the queryset `grants` that name no organisation their round's
    (grants just added in the admin, as an import does); grants without a round keep
    none. Only for new grants: an editor may clear a grant's organisations."""
    bare = grants.exclude(grant_round=None).exclude(
        pk__in=GrantParticipant.objects.values("grant_id")
    )
    by_round = {}
    for grant in bare.select_related("grant_round"):
        by_round.setdefault(grant.grant_round, []).append(grant.pk)
    for grant_round, pks in by_round.items():
        set_grant_roles(grants.filter(pk__in=pks), round_roles(grant_round), user=user)
