"""
Course staff give and take the hall roles (issue 19): from the course page's REST endpoint and the operator's
command, through the platform's course access roles, each change and refusal audited; the role then opens (or
closes) the Monitor.
"""
import json

import pytest
import rules as rules_lib
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.models import AuditEvent


def url(demo):
    return reverse('offline_delivery_plugin:v1:hall-roles', kwargs={'course_id': str(demo.course_key)})


def change(client, demo, **body):
    client.force_login(demo.course_staff)
    return client.post(url(demo), data=json.dumps(body), content_type='application/json')


def holders(demo):
    return [(holder.role, holder.username) for holder in api.list_hall_roles(demo.course_key)]


def test_the_demo_course_lists_its_invigilators(client, demo):
    client.force_login(demo.course_staff)
    body = client.get(url(demo)).json()
    assert [(row['role'], row['username']) for row in body['holders']] == [
        ('invigilator', 'invigilator'), ('chief_invigilator', 'chief_invigilator')]
    assert body['holders'][0]['role_label'] == 'Invigilator'


def test_staff_give_the_role_by_email_and_it_opens_the_monitor(client, demo):
    learner = demo.verified_learner2
    assert not rules_lib.has_perm(rules.VIEW_MONITOR, learner, demo.course_key)
    response = change(client, demo, user=learner.email.upper(), role='invigilator')
    assert response.status_code == 200
    assert ('invigilator', learner.username) in [(r['role'], r['username']) for r in response.json()['holders']]
    assert rules_lib.has_perm(rules.VIEW_MONITOR, get_user_model().objects.get(pk=learner.pk), demo.course_key)
    event = AuditEvent.objects.get(kind='hall_role')
    assert (event.outcome, event.actor, event.subject_id) == ('ok', demo.course_staff, learner.id)
    assert event.detail == {'action': 'grant', 'role': 'invigilator', 'changed': True, 'channel': 'course_page'}


def test_giving_a_role_twice_changes_nothing_the_second_time(client, demo):
    for _ in range(2):
        assert change(client, demo, user='verified_learner2', role='chief_invigilator').status_code == 200
    assert holders(demo).count(('chief_invigilator', 'verified_learner2')) == 1
    assert [event.detail['changed'] for event in AuditEvent.objects.filter(kind='hall_role').order_by('id')] == [
        True, False]


def test_revoking_takes_only_that_role(client, demo):
    change(client, demo, user='verified_learner2', role='invigilator')
    change(client, demo, user='verified_learner2', role='chief_invigilator')
    response = change(client, demo, user='verified_learner2', role='invigilator', action='revoke')
    assert response.status_code == 200
    assert ('invigilator', 'verified_learner2') not in holders(demo)
    assert ('chief_invigilator', 'verified_learner2') in holders(demo)


@pytest.mark.parametrize('body,reason,message', [
    ({'user': 'nobody-here', 'role': 'invigilator'}, 'no_user', 'There is no account nobody-here.'),
    ({'user': 'verified_learner2', 'role': 'staff'}, 'role', 'Choose the invigilator or the chief invigilator role.'),
])
def test_a_refusal_says_why_changes_nothing_and_is_audited(client, demo, body, reason, message):
    before = holders(demo)
    response = change(client, demo, **body)
    assert response.status_code == 400
    assert response.json()['detail'] == message
    assert holders(demo) == before
    event = AuditEvent.objects.get(kind='hall_role')
    assert (event.outcome, event.detail['reason']) == ('refused', reason)


def test_an_account_not_activated_cannot_be_given_a_role(client, demo):
    learner = demo.verified_learner2
    learner.is_active = False
    learner.save()
    response = change(client, demo, user=learner.username, role='invigilator')
    assert response.status_code == 400
    assert 'not activated' in response.json()['detail']
    assert ('invigilator', learner.username) not in holders(demo)


@pytest.mark.parametrize('body', [{}, {'user': 'x'}, {'user': '   ', 'role': 'invigilator'},
                                  {'user': 'x' * 300, 'role': 'invigilator'},
                                  {'user': 'x', 'role': 'invigilator', 'action': 'promote'}])
def test_a_malformed_body_is_refused(client, demo, body):
    assert change(client, demo, **body).status_code == 400
    assert holders(demo) == [('invigilator', 'invigilator'), ('chief_invigilator', 'chief_invigilator')]


def test_the_course_page_shows_the_section_to_course_staff_only(client, demo):
    page = reverse('offline_delivery_plugin:course-dashboard', kwargs={'course_id': str(demo.course_key)})
    client.force_login(demo.course_staff)
    html = client.get(page).content.decode()
    assert 'class="hall-roles"' in html
    assert 'Remove invigilator as Invigilator' in html
    client.force_login(demo.chief_invigilator)
    assert 'class="hall-roles"' not in client.get(page).content.decode()


def test_the_command_grants_from_a_csv_and_reports_each_bad_line(demo, tmp_path, capsys):
    listing = tmp_path / 'invigilators.csv'
    listing.write_text('user\nverified_learner2\nnobody-here\n\naudit_learner\n', encoding='utf-8')
    with pytest.raises(CommandError) as caught:
        call_command('offline_delivery_roles', 'grant', '--course', str(demo.course_key), '--role', 'invigilator',
                     '--csv', str(listing))
    assert '1 account(s) not changed' in str(caught.value)
    out, err = capsys.readouterr()
    assert 'invigilator: given 2 account(s).' in out
    assert 'nobody-here: There is no account nobody-here.' in err
    assert {('invigilator', 'verified_learner2'), ('invigilator', 'audit_learner')} <= set(holders(demo))
    channels = set(AuditEvent.objects.filter(kind='hall_role').values_list('detail__channel', flat=True))
    assert channels == {'command'}


def test_the_command_lists_and_revokes(demo, capsys):
    call_command('offline_delivery_roles', 'revoke', '--course', str(demo.course_key), '--role', 'chief_invigilator',
                 'chief_invigilator')
    call_command('offline_delivery_roles', 'list', '--course', str(demo.course_key))
    out = capsys.readouterr().out
    assert 'chief_invigilator: taken from 1 account(s).' in out
    assert 'invigilator        invigilator' in out
    assert 'chief_invigilator  chief_invigilator' not in out


@pytest.mark.parametrize('args,message', [
    (['list', '--course', 'not-a-course'], 'Not a course id'),
    (['list', '--course', 'course-v1:No+Such+Course'], 'There is no course'),
    (['grant', '--course', 'course-v1:SandboxU+EXAM101+2026', '--role', 'invigilator'], 'Name the accounts'),
])
def test_the_command_refuses_clearly(demo, args, message):
    with pytest.raises(CommandError, match=message):
        call_command('offline_delivery_roles', *args)


def test_the_command_reads_a_csvs_header_as_its_header_beside_named_accounts(demo, tmp_path, capsys):
    listing = tmp_path / 'chiefs.csv'
    listing.write_text('user\naudit_learner\n', encoding='utf-8')
    call_command('offline_delivery_roles', 'grant', '--course', str(demo.course_key), '--role', 'chief_invigilator',
                 '--csv', str(listing), 'verified_learner2')
    assert 'chief_invigilator: given 2 account(s).' in capsys.readouterr().out
    assert {('chief_invigilator', 'verified_learner2'), ('chief_invigilator', 'audit_learner')} <= set(holders(demo))
