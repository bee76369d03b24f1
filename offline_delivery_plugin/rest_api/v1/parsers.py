"""
Parsers of REST API v1: DRF's, with the bodies they would let through to a 500 answered as a 400 instead.
"""
import io
import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class PluginJSONParser(JSONParser):
    """
    DRF's JSON parser, answering with a 400 the two bodies it would let through to a 500: nesting deeper than
    Python's parser can recurse (``[[[[...``), and escaped lone surrogates (``"\\ud800"``), which are valid JSON but
    no Unicode text that a database, a hash or the response could hold.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        """The body as Python data; raises ParseError (a 400) for the two bodies above, as for any bad JSON."""
        request = (parser_context or {}).get('request')
        if request is not None:
            # Through Django's ``request.body``, which refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE
            # (RequestDataTooBig: a 413): DRF 3.17.2 and later read JSON that way themselves, 3.16 read the raw
            # stream and parsed a body of any size.
            stream = io.BytesIO(request.body)
        try:
            data = super().parse(stream, media_type, parser_context)
            json.dumps(data, ensure_ascii=False).encode('utf-8')
        except RecursionError as error:
            raise ParseError(_('JSON parse error - the body is nested too deeply.')) from error
        except UnicodeEncodeError as error:
            raise ParseError(_('JSON parse error - a text holds a lone surrogate (U+D800 to U+DFFF): it is not '
                               'Unicode text.')) from error
        return data
