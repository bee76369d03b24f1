"""
Exam keys and invigilator passwords: who holds what secret, how it rotates. Reached through ``api``.
"""
import secrets

from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from zxcvbn import zxcvbn

from offline_delivery_plugin.crypto import b64, cosign, keys, verifier
from offline_delivery_plugin.data import ExamKeyData, PasswordVerifier
from offline_delivery_plugin.exceptions import InvalidInvigilatorPassword, OfflineDeliveryError
from offline_delivery_plugin.models import ExamKey, InvigilatorPassword

__all__ = [
    'MAX_PASSWORD_LENGTH',
    'check_invigilator_password',
    'cosign_key_for',
    'exam_of_key',
    'get_active_exam_key',
    'get_password_verifier',
    'list_exam_keys',
    'password_settings',
    'password_strength_problem',
    'private_key_for',
    'rewrap_all_keys',
    'rotate_exam_key',
    'set_invigilator_password',
]

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200



def _exam_slot(course_key, content_id):
    return f'{course_key}|{content_id}'


def _key_data(key):
    return ExamKeyData(
        kid=key.kid, course_id=str(key.course_id), content_id=key.content_id,
        public_key_spki_b64=b64.encode(bytes(key.public_key_spki)), kek_id=key.kek_id,
        created=key.created, retired=key.retired,
    )


def _new_kid():
    return f"{timezone.now():%Y%m%d}-{secrets.token_hex(6)}"


def _create_key(course_key, content_id):
    kid = _new_kid()
    pair = keys.generate_key_pair(kid)
    return ExamKey.objects.create(
        kid=kid, course_id=course_key, content_id=content_id, active_for=_exam_slot(course_key, content_id),
        public_key_spki=pair.public_key_spki, kek_id=pair.kek_id, wrap_nonce=pair.wrap_nonce,
        wrapped_private_key=pair.wrapped_private_key,
    )


def get_active_exam_key(course_key, content_id):
    """
    The exam's active key (its public half), created on first use.

    Two requests creating the first key at once are settled by the unique ``active_for`` index: the loser reads
    the winner's key.
    """
    key = ExamKey.objects.filter(active_for=_exam_slot(course_key, content_id)).first()
    if key is None:
        try:
            with transaction.atomic():
                key = _create_key(course_key, content_id)
        except IntegrityError:
            key = ExamKey.objects.get(active_for=_exam_slot(course_key, content_id))
    return _key_data(key)


@transaction.atomic
def rotate_exam_key(course_key, content_id):
    """
    Retire the exam's active key and make a new one. Files written to the retired key still open; pages that
    start afterwards encrypt to the new key. Returns the new key.
    """
    ExamKey.objects.select_for_update().filter(active_for=_exam_slot(course_key, content_id)).update(
        active_for=None, retired=timezone.now(),
    )
    return _key_data(_create_key(course_key, content_id))


def list_exam_keys(course_key=None):
    """Every key, newest first, optionally of one course (for operators: ids, exams, state, never secrets)."""
    queryset = ExamKey.objects.order_by('-created', '-id')
    if course_key is not None:
        queryset = queryset.filter(course_id=course_key)
    return [_key_data(key) for key in queryset]


def private_key_for(kid):
    """
    The private key of ``kid``, or None when this deployment has no such key (a file from elsewhere).

    Raises ``InvalidTag`` when the stored wrapped key was altered, ImproperlyConfigured when its KEK is missing:
    both are operator problems, not the candidate's, and must not be mistaken for a foreign file.
    """
    key = ExamKey.objects.filter(kid=kid).first()
    if key is None:
        return None
    return keys.unwrap_private_key(key.kid, key.kek_id, bytes(key.wrap_nonce), bytes(key.wrapped_private_key))


def exam_of_key(kid):
    """``(course_id, content_id)`` of the key, or None."""
    key = ExamKey.objects.filter(kid=kid).values_list('course_id', 'content_id').first()
    return (str(key[0]), key[1]) if key else None


def rewrap_all_keys():
    """
    Re-wrap every exam private key and every invigilator password's co-signing key under the active KEK (after
    adding a new KEK). Returns how many were re-wrapped. Keys already under the active KEK are left alone.
    """
    active = keys.active_kek_id()
    count = 0
    for key in ExamKey.objects.exclude(kek_id=active):
        try:
            key.kek_id, nonce, wrapped = keys.rewrap_private_key(
                key.kid, key.kek_id, bytes(key.wrap_nonce), bytes(key.wrapped_private_key))
        except InvalidTag as error:
            raise OfflineDeliveryError(_('The stored key {kid} does not open: it was altered.').format(
                kid=key.kid)) from error
        key.wrap_nonce, key.wrapped_private_key = nonce, wrapped
        key.save(update_fields=['kek_id', 'wrap_nonce', 'wrapped_private_key'])
        count += 1
    for row in InvigilatorPassword.objects.exclude(kek_id=active):
        try:
            secret = keys.unwrap_cosign_key(row.pid, row.kek_id, bytes(row.wrap_nonce), bytes(row.wrapped_cosign_key))
        except InvalidTag as error:
            raise OfflineDeliveryError(_('The stored key {kid} does not open: it was altered.').format(
                kid=row.pid)) from error
        row.kek_id, row.wrap_nonce, row.wrapped_cosign_key = keys.wrap_cosign_key(row.pid, secret)
        row.save(update_fields=['kek_id', 'wrap_nonce', 'wrapped_cosign_key'])
        count += 1
    return count


def _password_slot(course_key, content_id):
    return _exam_slot(course_key, content_id)


def password_strength_problem(password):
    """
    Why ``password`` is too weak to be an invigilator password, or '' when it is strong enough.

    The page receives a slow verifier of the password (it must check it offline), so a candidate can guess it
    offline; the invigilator's co-signature on a delivery file is only as strong as the password. The bar is the
    estimated number of guesses an attacker needs (zxcvbn's estimate, which knows dictionaries, names, dates,
    keyboard patterns and substitutions): at least ``10 ** OFFLINE_DELIVERY_MIN_PASSWORD_GUESSES_LOG10``. The cost
    of that many guesses against 600,000 PBKDF2 iterations is in docs/threat-model.rst.
    """
    if not isinstance(password, str) or len(password.strip()) < MIN_PASSWORD_LENGTH:
        return _('The invigilator password must be at least {count} characters.').format(count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _('The invigilator password must be at most {count} characters.').format(count=MAX_PASSWORD_LENGTH)
    needed = settings.OFFLINE_DELIVERY_MIN_PASSWORD_GUESSES_LOG10
    if zxcvbn(password)['guesses_log10'] < needed:
        return _('This password is too easy to guess (a word, a name, a date or a common pattern). Use the '
                 'suggested passphrase, or four or more unrelated words with digits between them.')
    return ''


@transaction.atomic
def set_invigilator_password(course_key, content_id, password, set_by=None):
    """
    Set (or replace) the exam's invigilator password. Stores a Django password hash for online checks, a PBKDF2
    verifier for the offline check and the password's co-signing key wrapped under the active KEK; never the
    password. The password before it is retired, not deleted: files it co-signed still verify.

    Raises:
        InvalidInvigilatorPassword: too short, too long or too easy to guess (``password_strength_problem``).
    """
    problem = password_strength_problem(password)
    if problem:
        raise InvalidInvigilatorPassword(problem)
    salt, iterations, digest = verifier.make_verifier(password)
    cosign_salt = cosign.new_salt()
    pid = _new_kid()
    kek_id, nonce, wrapped = keys.wrap_cosign_key(pid, cosign.derive_cosign_key(password, cosign_salt, iterations))
    slot = _password_slot(course_key, content_id)
    InvigilatorPassword.objects.select_for_update().filter(active_for=slot).update(
        active_for=None, retired=timezone.now())
    InvigilatorPassword.objects.create(
        pid=pid, course_id=course_key, content_id=content_id, active_for=slot, password_hash=make_password(password),
        verifier_salt=salt, verifier_iterations=iterations, verifier_hash=digest, cosign_salt=cosign_salt,
        cosign_iterations=iterations, kek_id=kek_id, wrap_nonce=nonce, wrapped_cosign_key=wrapped, set_by=set_by,
    )


def _active_password(course_key, content_id):
    return InvigilatorPassword.objects.filter(active_for=_password_slot(course_key, content_id)).first()


def get_password_verifier(course_key, content_id):
    """
    The offline verifier and co-signing parameters of the exam's invigilator password, or None when no password
    is set.
    """
    row = _active_password(course_key, content_id)
    if row is None:
        return None
    return PasswordVerifier(salt=row.verifier_salt, iterations=row.verifier_iterations, hash=row.verifier_hash,
                            pid=row.pid, cosign_salt=row.cosign_salt, cosign_iterations=row.cosign_iterations)


def check_invigilator_password(course_key, content_id, password):
    """True when ``password`` is the exam's invigilator password (online check; callers rate-limit and audit)."""
    row = _active_password(course_key, content_id)
    return bool(row and isinstance(password, str) and check_password(password, row.password_hash))


def cosign_key_for(pid):
    """
    ``(course_id, content_id, key)`` of the invigilator password ``pid`` (active or retired), or None when this
    deployment has no such password. Raises ``InvalidTag`` when the stored wrapped key was altered.
    """
    row = InvigilatorPassword.objects.filter(pid=pid).values(
        'course_id', 'content_id', 'kek_id', 'wrap_nonce', 'wrapped_cosign_key').first()
    if row is None:
        return None
    key = keys.unwrap_cosign_key(pid, row['kek_id'], bytes(row['wrap_nonce']), bytes(row['wrapped_cosign_key']))
    return str(row['course_id']), row['content_id'], key


def password_settings(course_key):
    """``{content_id: (set_at, set_by username)}`` of the course's active invigilator passwords."""
    return {row.content_id: (row.set_at, row.set_by.username if row.set_by else '')
            for row in InvigilatorPassword.objects.filter(course_id=course_key, active_for__isnull=False)
            .select_related('set_by')}
