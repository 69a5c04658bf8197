"""Fixes the name moto 5.2.5 gives AWS Config's service-linked role.

moto's ``IAMBackend.create_service_linked_role`` derives the role name from the service principal, capitalizing
only the services in its ``SERVICE_NAME_CONVERSION`` table: for ``config.amazonaws.com`` it creates
``AWSServiceRoleForconfig``, while AWS creates ``AWSServiceRoleForConfig``
(https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html), the name the operator
reads back and AWS Config's recorder ARN uses. :func:`apply` adds the documented spelling to that table; every
other service keeps moto's behaviour. Nothing here runs until ``apply()`` is called (``server.py`` does).
"""

from __future__ import annotations

from moto.iam import models as iam_models

import extlib

ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
SUMMARY = "CreateServiceLinkedRole names AWS Config's role AWSServiceRoleForConfig"

# Principal prefix -> the name part AWS uses in AWSServiceRoleFor<Name>.
DOCUMENTED_NAMES = {"config": "Config"}


@extlib.once
def apply() -> None:
    """Add the documented names to moto's service-name table."""
    iam_models.SERVICE_NAME_CONVERSION.update(DOCUMENTED_NAMES)
    FIXED_OPERATIONS[:] = ["CreateServiceLinkedRole"]
