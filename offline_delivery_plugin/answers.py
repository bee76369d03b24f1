"""
A candidate's answers as the plugin holds them, item by item: written from an autosave or a delivery file, only
where they changed, and grouped by item for the applier that hands them to the course's problems.
"""
from offline_delivery_plugin.models import AttemptRecord, ItemAnswer

__all__ = [
    'answers_by_item',
    'store_answers',
]


def store_answers(attempt_id, answers, seq, source, now):
    """
    Write the answers that differ from the stored ones into the attempt's record (which the caller has locked):
    one read of what is held, one bulk insert of new items, and one update (a single changed answer, the usual
    autosave, is one plain UPDATE rather than a bulk CASE). A file's answers keep the last autosaved text
    (``online_value``) as it was.

    An autosave also writes an answer it brings unchanged when the server holds it but not as saved online: an
    answer carried over from a reopened attempt into the attempt that continues it, as a delivery file brought it
    there (``attempts.sync_attempt_record``). From then on it is the continuation's last online save, and *View answers*
    no longer shows it as written offline.

    Returns:
        The ids of the items whose answer was new or changed, sorted.
    """
    online = source == ItemAnswer.SOURCE_AUTOSAVE
    fields = ['value', 'seq', 'source', 'changed_at'] + (['online_value'] if online else [])
    held = {item_id: (pk, value, record_id, online_value) for pk, item_id, value, record_id, online_value in
            ItemAnswer.objects.filter(record__attempt_id=attempt_id).values_list(
                'id', 'item_id', 'value', 'record_id', 'online_value')}
    created = [item_id for item_id in answers if item_id not in held]
    changed = [item_id for item_id in answers if item_id in held and held[item_id][1] != answers[item_id]]
    confirmed = [item_id for item_id in answers if online and item_id in held
                 and held[item_id][1] == answers[item_id] != held[item_id][3]]
    if created:
        record_id = next(iter(held.values()))[2] if held else AttemptRecord.objects.filter(
            attempt_id=attempt_id).values_list('id', flat=True).get()
        ItemAnswer.objects.bulk_create(
            ItemAnswer(record_id=record_id, item_id=item_id, value=answers[item_id], seq=seq, source=source,
                       changed_at=now, online_value=answers[item_id] if online else '')
            for item_id in created)
    updated = [ItemAnswer(id=held[item_id][0], value=answers[item_id], seq=seq, source=source, changed_at=now,
                          online_value=answers[item_id]) for item_id in changed + confirmed]
    if len(updated) == 1:
        ItemAnswer.objects.filter(id=updated[0].id).update(**{field: getattr(updated[0], field) for field in fields})
    elif updated:
        ItemAnswer.objects.bulk_update(updated, fields)
    return tuple(sorted(created + changed))


def answers_by_item(answers):
    """
    Group a snapshot's answers by item for the applier: ``{usage_id: {field_name: value}}``. The page names an
    answer by its item when the item has one field (field name '') and ``item#name`` otherwise.
    """
    grouped = {}
    for key, value in answers.items():
        usage_id, _sep, name = key.partition('#')
        grouped.setdefault(usage_id, {})[name] = value
    return grouped
