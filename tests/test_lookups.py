"""`<key>__among=[ids]` (core.lookups): the same rows as `__in`, with the list bound as one
parameter, on both databases."""

import pytest
from django.db import connection

from partnerships.models import Grant
from tests.conftest import make_partnership


@pytest.mark.django_db
def test_among_reads_the_rows_of_the_ids_with_one_parameter():
    for n in range(3):
        make_partnership(f"p{n}", grants=[(2016 + y, 1_000 * (n + 1), 1) for y in range(3)])
    ids = sorted(Grant.objects.values_list("pk", flat=True))[1:8]
    assert sorted(Grant.objects.filter(pk__among=ids).values_list("pk", flat=True)) == ids
    partnership_ids = list(Grant.objects.filter(pk__in=ids[:2]).values_list("partnership_id"))
    chosen = [pid for (pid,) in partnership_ids]
    assert set(Grant.objects.filter(partnership_id__among=chosen)) == set(
        Grant.objects.filter(partnership_id__in=chosen)
    )
    assert set(Grant.objects.filter(partnership__among=chosen)) == set(
        Grant.objects.filter(partnership_id__in=chosen)
    )
    assert not Grant.objects.filter(pk__among=[]).exists()
    many = list(range(1, 5_001))  # a chunk of the open formats' size
    bound = []

    def params(execute, sql, values, many_, context):
        bound.append(len(values))
        return execute(sql, values, many_, context)

    total = Grant.objects.count()
    with connection.execute_wrapper(params):
        assert Grant.objects.filter(pk__among=many).count() == total
    assert bound == [1]  # not one parameter an id
