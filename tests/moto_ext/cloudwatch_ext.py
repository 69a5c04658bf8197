"""Serves CloudWatch over Smithy RPC v2 CBOR, the protocol ``aws-sdk-cloudwatch`` 1.100 and later speak, on top of
moto's own CloudWatch implementation (moto 5.2.5 speaks only the query and JSON protocols: getmoto/moto#9195).

Nothing here adds or changes a CloudWatch operation: every operation moto implements (``moto.cloudwatch.responses.
CloudWatchResponse``: PutMetricAlarm, DescribeAlarms, DeleteAlarms, Get/Put/List/DeleteDashboards, tags, metric
data, ...) is served by moto's own handler and backend ``cloudwatch_backends[account_id][region]``, whichever
protocol the request uses, so state is shared between protocols, scoped per account and Region, and cleared by
``POST /moto-api/reset``. Query (``Action=...`` form bodies, aws-sdk-cloudwatch 1.99 and older) and JSON
(boto3) requests keep going through moto untouched. Nothing runs until :func:`apply` is called; ``server.py``
calls it before starting moto's server.

The protocol (https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html, as the Rust SDK's generated
code reads and writes it; CloudWatch's model is also ``awsQueryCompatible``):

- Request: ``POST /service/GraniteServiceVersion20100801/operation/<Operation>``, header
  ``smithy-protocol: rpc-v2-cbor``, ``Content-Type: application/cbor``, body a CBOR map of the input structure
  (member names as in the model; an empty body is the empty input). Region and account come from the SigV4
  ``Authorization`` header as for every moto request (no signature check).
- Response: ``smithy-protocol: rpc-v2-cbor``; a CBOR map of the output structure with
  ``Content-Type: application/cbor``, or an empty body without ``Content-Type`` for an operation without output
  (PutMetricAlarm, DeleteAlarms, ...). Lists are CBOR arrays, maps CBOR maps, timestamps tag 1 with epoch seconds
  as a float (millisecond precision), blobs byte strings, doubles 64-bit floats, integers CBOR integers.
- Error: the model's HTTP status for the error shape (``ResourceNotFound`` 404, ``InvalidParameterValue`` 400,
  ...); body ``{"__type": "com.amazonaws.cloudwatch#<ShapeName>", "message": ...}`` (the shape's own message
  member name); header ``x-amzn-query-error: <query error code>;Sender`` (awsQueryCompatible: the SDK takes the
  error code from it, e.g. ``ResourceNotFound`` for both ``ResourceNotFound`` and ``DashboardNotFoundError``).
  Protocol-level failures: a request without the ``smithy-protocol`` header or with a body that isn't a CBOR map
  is HTTP 400 ``SerializationException``; an operation the model doesn't have is HTTP 404
  ``UnknownOperationException``. An operation of the model that moto doesn't implement answers HTTP 500, as
  through moto's other protocols.

How it hooks in: moto's server picks the service from the SigV4 credential scope (``monitoring``), then dispatches
only paths listed in ``moto.cloudwatch.urls.url_paths`` (read when moto creates the service's app, at its first
CloudWatch request). :func:`apply` adds the RPC v2 path there, and sets on ``CloudWatchResponse``: ``_dispatch``
(protocol checks, raw body), ``_get_action`` (the operation from the path) and ``parse_parameters`` (the CBOR body
parsed against botocore's CloudWatch model into the same parameters moto's query/JSON parsers produce); and
registers the CBOR response serializer for CloudWatch in ``moto.core.serialize.SERVICE_SPECIFIC_SERIALIZERS``, so
the ``ActionResult`` of moto's handler, or its ``ServiceException``, is serialized against the output or error shape
of botocore's model.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timezone
from typing import Any

import cbor2
from botocore.utils import parse_to_aware_datetime
from moto.cloudwatch import responses as cw_responses
from moto.cloudwatch import urls as cw_urls
from moto.cloudwatch.exceptions import CloudWatchException, InvalidParameterValue
from moto.core import parse as moto_parse
from moto.core import serialize as moto_serialize
from moto.core.responses import ActionResult, BaseResponse
from moto.core.utils import get_service_model

import extlib

Response = cw_responses.CloudWatchResponse

SERVICE = "cloudwatch"
SERVICE_SHAPE = "GraniteServiceVersion20100801"  # the Smithy service shape name: the path's {ServiceName}
NAMESPACE = "com.amazonaws.cloudwatch"  # Smithy namespace of the error shape IDs in ``__type``
PROTOCOL = "smithy-rpc-v2-cbor"  # botocore's (and moto's) name of the protocol
PROTOCOL_HEADER = "smithy-protocol"
PROTOCOL_HEADER_VALUE = "rpc-v2-cbor"
CONTENT_TYPE = "application/cbor"

URL_PATH = "{0}/service/" + SERVICE_SHAPE + "/operation/(?P<Operation>[A-Za-z0-9]+)$"
_PATH = re.compile(r"^/service/" + SERVICE_SHAPE + r"/operation/([A-Za-z0-9]+)$")

# What server.py prints for this extension (it adds and replaces no operation).
SUMMARY = "Smithy RPC v2 CBOR for every CloudWatch operation moto implements"
ADDED_OPERATIONS: list[str] = []
# DescribeAlarms: MaxRecords / NextToken pagination (moto returns every alarm in one page).
FIXED_OPERATIONS: list[str] = ["DescribeAlarms"]


def operation_of(path: str) -> str | None:
    """The operation an RPC v2 request path names (``/service/GraniteServiceVersion20100801/operation/X`` -> X),
    None for any other path."""
    match = _PATH.match(path or "")
    return match.group(1) if match else None


def _naive_utc(value: datetime) -> datetime:
    """moto keeps timestamps as naive UTC datetimes (``moto.core.utils.utcnow``)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


class CborRequestError(ValueError):
    """A request body that isn't a CBOR map."""


def decode_body(body: bytes | str | None) -> dict[str, Any]:
    """A request body as the CBOR map it must be; empty is ``{}``. Raises :class:`CborRequestError`."""
    if isinstance(body, str):
        body = body.encode("latin-1")
    if not body:
        return {}
    try:
        doc = cbor2.loads(body)
    except Exception as e:  # cbor2.CBORDecodeError and the ValueErrors of malformed items
        raise CborRequestError(f"The request body is not valid CBOR: {e}") from e
    if not isinstance(doc, dict):
        raise CborRequestError("The request body must be a CBOR map.")
    return doc


# --------------------------------------------------------------------------------------------------------------
# Request: CBOR map -> the parameters moto's handlers read (same shape as moto's JSON/query parsers produce)
# --------------------------------------------------------------------------------------------------------------


class CborRequestParser(moto_parse.BaseJSONParser):
    """Parses an RPC v2 CBOR body against the operation's input shape. Structures, lists and maps come from
    ``BaseJSONParser`` (CBOR decodes to the same dicts and lists as JSON); only the scalars CBOR encodes natively
    differ: timestamps (tag 1, decoded by cbor2 to an aware datetime) and blobs (byte strings)."""

    def _do_parse(self, request_dict: Any, shape: Any) -> Any:
        return self._parse_shape(shape, decode_body(request_dict["body"]))

    def _parse_timestamp(self, shape: Any, value: Any) -> Any:
        if isinstance(value, datetime):
            return _naive_utc(value)
        if isinstance(value, cbor2.CBORTag) and value.tag == 1:
            value = value.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, timezone.utc).replace(tzinfo=None)
        return self._timestamp_parser(value)

    def _parse_blob(self, shape: Any, value: Any) -> Any:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        return base64.b64decode(value)

    def _parse_boolean(self, shape: Any, value: Any) -> Any:
        return bool(value)


# --------------------------------------------------------------------------------------------------------------
# Response: moto's ActionResult / ServiceException -> CBOR
# --------------------------------------------------------------------------------------------------------------


class CborSerializer(moto_serialize.BaseJSONSerializer):
    """moto's JSON serializer walk (value pickers, aliases, member names of botocore's model), written as CBOR."""

    CONTENT_TYPE = CONTENT_TYPE

    def _get_protocol_specific_content_type(self) -> str:
        return CONTENT_TYPE

    def _serialize_body(self, body: Any) -> bytes:  # type: ignore[override]
        return bytes(cbor2.dumps(body))

    def _serialized_result_to_response(self, resp: Any, result: Any, shape: Any, serialized_result: Any) -> Any:
        resp["headers"][PROTOCOL_HEADER] = PROTOCOL_HEADER_VALUE
        if shape is None:
            # Operation without output (smithy.api#Unit): empty body, no Content-Type.
            resp["body"] = b""
            return resp
        resp["body"] = self._serialize_body(serialized_result)
        resp["headers"]["Content-Type"] = CONTENT_TYPE
        return resp

    def _serialized_error_to_response(self, resp: Any, error: Any, shape: Any, serialized_error: Any) -> Any:
        resp = super()._serialized_error_to_response(resp, error, shape, serialized_error)
        resp["headers"][PROTOCOL_HEADER] = PROTOCOL_HEADER_VALUE
        return resp

    def _get_protocol_specific_error_code(self, error: Any) -> str:
        return f"{NAMESPACE}#{error.name}"

    def _serialize_error_metadata(self, serialized: Any, error: Any, shape: Any) -> None:
        serialized["__type"] = self._get_protocol_specific_error_code(shape)
        if shape is not None:
            self._serialize(serialized, error, shape, "")
        message = getattr(error, "message", None) or str(error)
        members = getattr(shape, "members", {}) or {}
        key = "Message" if "Message" in members and "message" not in members else "message"
        if message:
            serialized[key] = message

    # Scalars as CBOR types (the JSON serializer writes timestamps as numbers and blobs as base64 text).

    def _serialize_type_timestamp(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        aware = parse_to_aware_datetime(value)
        seconds = moto_serialize.TimestampSerializer._timestamp_unixtimestamp(aware)
        self._default_serialize(serialized, cbor2.CBORTag(1, float(seconds)), shape, key)

    def _serialize_type_blob(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        blob = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        self._default_serialize(serialized, blob, shape, key)

    def _serialize_type_boolean(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if isinstance(value, str):
            value = value.strip().lower() == "true"
        self._default_serialize(serialized, bool(value), shape, key)

    def _serialize_type_integer(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        self._default_serialize(serialized, int(value), shape, key)

    _serialize_type_long = _serialize_type_integer
    _serialize_type_short = _serialize_type_integer
    _serialize_type_byte = _serialize_type_integer

    def _serialize_type_float(self, serialized: Any, value: Any, shape: Any, key: str) -> None:
        # Always a CBOR float: the SDK's decoder refuses an integer where the model has a double.
        self._default_serialize(serialized, float(value), shape, key)

    _serialize_type_double = _serialize_type_float


def _protocol_error(status: int, shape_name: str, message: str) -> tuple[int, dict[str, str], bytes]:
    """An error outside any operation (no model error shape): CBOR ``__type`` + ``message``."""
    body = cbor2.dumps({"__type": f"{NAMESPACE}#{shape_name}", "message": message})
    return status, {"Content-Type": CONTENT_TYPE, PROTOCOL_HEADER: PROTOCOL_HEADER_VALUE}, bytes(body)


# --------------------------------------------------------------------------------------------------------------
# CloudWatchResponse methods
# --------------------------------------------------------------------------------------------------------------


class ResponseExtension:
    def _dispatch(self: Any, request: Any, full_url: Any = None, headers: Any = None) -> Any:
        operation = operation_of(request.path)
        if operation is None:
            return BaseResponse._dispatch(self, request, full_url, headers)
        if request.headers.get(PROTOCOL_HEADER) != PROTOCOL_HEADER_VALUE:
            return _protocol_error(
                400, "SerializationException", f"An RPC v2 request needs the header {PROTOCOL_HEADER}: {PROTOCOL_HEADER_VALUE}."
            )
        if operation not in get_service_model(SERVICE).operation_names:
            return _protocol_error(404, "UnknownOperationException", f"Unknown operation {operation}.")
        try:
            # Raw body: BaseResponse would decode it as UTF-8 and try it as a query string.
            self.setup_class(request, full_url, headers, use_raw_body=True)
        except CborRequestError as e:
            return _protocol_error(400, "SerializationException", str(e))
        return self.call_action()

    def _get_action(self: Any) -> str:
        request = getattr(self, "normalized_request", None)
        operation = operation_of(request.path) if request is not None else None
        return operation or BaseResponse._get_action(self)

    def parse_parameters(self: Any, request: Any) -> None:
        if operation_of(request.path) is None:
            return BaseResponse.parse_parameters(self, request)
        operation_model = get_service_model(SERVICE).operation_model(self._get_action())
        parser = CborRequestParser(operation_model, map_type=self.PROTOCOL_PARSER_MAP_TYPE)
        self.params = parser.parse(
            {
                "method": request.method,
                "values": request.values,
                "headers": request.headers,
                "body": request.get_data(),
                "url_path": request.path,
                "url_params": self.uri_match,
            }
        )


    def describe_alarms(self: Any) -> Any:
        """moto's DescribeAlarms, paginated the way CloudWatch pages it: alarms in name order, at most ``MaxRecords``
        (1-100, the range in the API reference and botocore's model) per page, the rest behind an opaque
        ``NextToken`` (API reference, DescribeAlarms: "MaxRecords — The maximum number of alarm descriptions to
        retrieve"; "NextToken — The token returned by a previous call to indicate that there is more data
        available"; error ``InvalidNextToken``). moto 5.2.5 ignores both and returns every alarm at once, so a
        client's page count (what a scale measurement reads off the call counter) would be wrong. Metric and
        composite alarms share one page budget. Without ``MaxRecords`` and ``NextToken`` every alarm is returned, as
        moto does (the reference gives no default page size to follow)."""
        result = _ORIGINAL["Response.describe_alarms"](self)
        limit = self._get_param("MaxRecords")
        token = self._get_param("NextToken")
        if limit is None and token is None:
            return result
        limit = int(limit) if limit is not None else 100
        if not 1 <= limit <= 100:
            raise InvalidParameterValue(f"The value {limit} for parameter MaxRecords is not in the range 1-100.")
        after = ""
        if token is not None:
            try:
                after = base64.urlsafe_b64decode(token.encode()).decode()
            except (ValueError, UnicodeDecodeError):
                raise InvalidNextTokenError() from None
        found = result.result
        alarms = sorted(
            [("MetricAlarms", a) for a in found["MetricAlarms"]]
            + [("CompositeAlarms", a) for a in found["CompositeAlarms"]],
            key=lambda kind_alarm: kind_alarm[1].name,
        )
        rest = [(kind, a) for kind, a in alarms if a.name > after]
        page = rest[:limit]
        out: dict[str, Any] = {
            "MetricAlarms": [a for kind, a in page if kind == "MetricAlarms"],
            "CompositeAlarms": [a for kind, a in page if kind == "CompositeAlarms"],
        }
        if len(rest) > limit:
            out["NextToken"] = base64.urlsafe_b64encode(page[-1][1].name.encode()).decode()
        return ActionResult(out)


class InvalidNextTokenError(CloudWatchException):
    """DescribeAlarms' ``InvalidNextToken`` error (HTTP 400)."""

    def __init__(self) -> None:
        super().__init__("InvalidNextToken", "The service returned an invalid next token.")


_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Route RPC v2 CBOR requests to moto's CloudWatch handlers. Idempotent; call before the server serves its first
    CloudWatch request (the URL map is read when moto creates the service's app)."""
    cw_urls.url_paths.setdefault(URL_PATH, Response.dispatch)
    moto_serialize.SERVICE_SPECIFIC_SERIALIZERS.setdefault(SERVICE, {})[PROTOCOL] = CborSerializer
    extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
