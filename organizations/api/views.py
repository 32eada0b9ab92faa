from connect_api.authentication import SUPPLIER_AUTHENTICATION
from connect_api.parsers import LimitedJSONParser

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class SupplierApiMixin:
    """What every supplier-API view shares (organizations, connections and uploads)."""

    authentication_classes = SUPPLIER_AUTHENTICATION
    parser_classes = [LimitedJSONParser]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
