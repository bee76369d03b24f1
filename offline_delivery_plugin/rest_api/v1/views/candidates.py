"""
REST API v1: the candidate page's endpoints (its session, its snapshots, a self-delivered file, the invigilator's
unlock and check-in on the candidate's screen). Thin: check the permission, validate with a serializer, call one ``api``
function, answer.
"""
from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from offline_delivery_plugin import api
from offline_delivery_plugin.http import client_address
from offline_delivery_plugin.rest_api.v1.serializers import (
    CandidateSessionSerializer,
    DeliveryReceiptSerializer,
    SaveAckSerializer,
    SnapshotSerializer,
    UnlockSerializer,
)
from offline_delivery_plugin.rest_api.v1.views.base import AttemptViewMixin


class CandidateSessionView(AttemptViewMixin, APIView):
    """
    **Use case**: the candidate page starts (or restarts after a reload) its offline-capable session.

    **Example request**: ``GET /offline-delivery/api/v1/attempts/{attempt_id}/session/``

    **Response**: the exam's public key and key id, the invigilator password verifier (or null), the deadline,
    the save interval and messages, and the newest snapshot and answers the server holds. 404 for an attempt
    that is not the user's, 409 when it is not in progress or the course has offline delivery off.
    """

    audit_channel = 'session'

    def get(self, request, attempt_id):
        """Start the session."""
        return Response(CandidateSessionSerializer(api.start_candidate_session(request.user, attempt_id)).data)


class SnapshotView(AttemptViewMixin, APIView):
    """
    **Use case**: the candidate page saves a snapshot (every few seconds after a change, and as a heartbeat).

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/snapshots/`` with
    ``{"link": "[7,\"<prev hash>\",1700000000000,\"<answers hash>\",[\"item\"]]", "answers_json": "{...}"}``

    **Response**: 200 ``{"acked_seq", "acked_hash", "stored"}``: the newest snapshot the server holds
    (``stored`` is false when the one sent was not newer). 400 for a malformed or inconsistent snapshot, 409 when
    the attempt is not in progress; nothing is stored then.
    """

    audit_channel = 'autosave'

    def post(self, request, attempt_id):
        """Save the snapshot."""
        snapshot = SnapshotSerializer(data=request.data)
        if not snapshot.is_valid():
            return Response({'detail': _('The snapshot is malformed.'), 'errors': snapshot.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        ack = api.save_snapshot(request.user, attempt_id, snapshot.validated_data['link'],
                                snapshot.validated_data['answers_json'], ip_address=client_address(request))
        return Response(SaveAckSerializer(ack).data)


class SelfDeliveryView(AttemptViewMixin, APIView):
    """
    **Use case**: the candidate's device is back online and holds a saved delivery file: the page delivers it
    (the iPad case, where no USB stick is at hand). The same checks as a staff upload apply.

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/deliveries/`` with the file's
    bytes as the body (``Content-Type: application/octet-stream``).

    **Response**: 200 ``{"receipt", "seq", "blank", "already_delivered"}``; 400 ``{"reason", "detail"}`` when the
    file is refused (nothing changes; 413 when it is larger than ``OFFLINE_DELIVERY_MAX_FILE_BYTES``). Audited
    either way.
    """

    audit_channel = 'self'

    def post(self, request, attempt_id):
        """Deliver the file."""
        # Read at most one byte past the limit, whatever Content-Length claims (Django's own body limit is
        # smaller than a delivery file may be, so the stream is read directly); the domain refuses what is over.
        data = request.read(settings.OFFLINE_DELIVERY_MAX_FILE_BYTES + 1)
        receipt = api.deliver_file(data, attempt_id, request.user, 'self', ip_address=client_address(request))
        return Response(DeliveryReceiptSerializer(receipt).data)


class UnlockView(AttemptViewMixin, APIView):
    """
    **Use case**: on the candidate's screen, the invigilator types the password so a reopened attempt continues.

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/unlock/`` with ``{"password": ...}``

    **Response**: 200 ``{"unlocked": true}``; 400 for a wrong password; 429 after too many (per attempt and per
    client address, 15 minutes). Every try is audited, never the password.
    """

    audit_channel = 'password_gate'

    def post(self, request, attempt_id):
        """Check the password."""
        form = UnlockSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Type the invigilator password.')}, status=status.HTTP_400_BAD_REQUEST)
        api.unlock_attempt(request.user, attempt_id, form.validated_data['password'],
                           ip_address=client_address(request))
        return Response({'unlocked': True})


class CheckInView(AttemptViewMixin, APIView):
    """
    **Use case**: at an exam proctored by on-site invigilation, the invigilator types the password on the
    candidate's screen (the check-in page that *Start System Check* opens): the attempt is ready to start.

    **Example request**: ``POST /offline-delivery/api/v1/attempts/{attempt_id}/check-in/`` with
    ``{"password": ...}``

    **Response**: 200 ``{"status": "ready_to_start"}`` (also when the candidate was checked in already); 400 for a
    wrong password, 429 after too many, 409 when the attempt is past setup; 404 for an attempt that is not the
    user's or not at an on-site exam. Every try is audited, never the password.
    """

    audit_channel = 'check_in'

    def post(self, request, attempt_id):
        """Check the candidate in."""
        form = UnlockSerializer(data=request.data)
        if not form.is_valid():
            return Response({'detail': _('Type the invigilator password.')}, status=status.HTTP_400_BAD_REQUEST)
        return Response({'status': api.check_in_with_password(request.user, attempt_id, form.validated_data['password'],
                                                              ip_address=client_address(request))})
