# fmt: off
import datetime

from store._generated.proto.acme.common.v1 import money_pb2 as _money_pb2
from google.protobuf import any_pb2 as _any_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import wrappers_pb2 as _wrappers_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Product(_message.Message):
    __slots__ = ("id", "name", "price", "tags", "attributes", "variants_by_size", "created_at", "shipping_time", "metadata", "subtitle", "stock", "barcode", "status", "in_stock", "restock_at", "discontinued_reason", "thumbnail", "rating", "reviews")
    class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATUS_UNSPECIFIED: _ClassVar[Product.Status]
        STATUS_DRAFT: _ClassVar[Product.Status]
        STATUS_PUBLISHED: _ClassVar[Product.Status]
    STATUS_UNSPECIFIED: Product.Status
    STATUS_DRAFT: Product.Status
    STATUS_PUBLISHED: Product.Status
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class VariantsBySizeEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: Product.Variant
        def __init__(self, key: _Optional[int] = ..., value: _Optional[_Union[Product.Variant, _Mapping]] = ...) -> None: ...
    class Variant(_message.Message):
        __slots__ = ("sku", "label")
        SKU_FIELD_NUMBER: _ClassVar[int]
        LABEL_FIELD_NUMBER: _ClassVar[int]
        sku: str
        label: str
        def __init__(self, sku: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    VARIANTS_BY_SIZE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_TIME_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    STOCK_FIELD_NUMBER: _ClassVar[int]
    BARCODE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    IN_STOCK_FIELD_NUMBER: _ClassVar[int]
    RESTOCK_AT_FIELD_NUMBER: _ClassVar[int]
    DISCONTINUED_REASON_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    price: _money_pb2.Money
    tags: _containers.RepeatedScalarFieldContainer[str]
    attributes: _containers.ScalarMap[str, str]
    variants_by_size: _containers.MessageMap[int, Product.Variant]
    created_at: _timestamp_pb2.Timestamp
    shipping_time: _duration_pb2.Duration
    metadata: _struct_pb2.Struct
    subtitle: _wrappers_pb2.StringValue
    stock: _wrappers_pb2.Int64Value
    barcode: str
    status: Product.Status
    in_stock: bool
    restock_at: _timestamp_pb2.Timestamp
    discontinued_reason: str
    thumbnail: bytes
    rating: float
    reviews: _containers.RepeatedCompositeFieldContainer[Review]
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., tags: _Optional[_Iterable[str]] = ..., attributes: _Optional[_Mapping[str, str]] = ..., variants_by_size: _Optional[_Mapping[int, Product.Variant]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., shipping_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., subtitle: _Optional[_Union[_wrappers_pb2.StringValue, _Mapping]] = ..., stock: _Optional[_Union[_wrappers_pb2.Int64Value, _Mapping]] = ..., barcode: _Optional[str] = ..., status: _Optional[_Union[Product.Status, str]] = ..., in_stock: _Optional[bool] = ..., restock_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., discontinued_reason: _Optional[str] = ..., thumbnail: _Optional[bytes] = ..., rating: _Optional[float] = ..., reviews: _Optional[_Iterable[_Union[Review, _Mapping]]] = ...) -> None: ...

class Review(_message.Message):
    __slots__ = ("stars", "text", "details")
    STARS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    stars: int
    text: str
    details: _any_pb2.Any
    def __init__(self, stars: _Optional[int] = ..., text: _Optional[str] = ..., details: _Optional[_Union[_any_pb2.Any, _Mapping]] = ...) -> None: ...

class GetProductRequest(_message.Message):
    __slots__ = ("id", "read_mask")
    ID_FIELD_NUMBER: _ClassVar[int]
    READ_MASK_FIELD_NUMBER: _ClassVar[int]
    id: str
    read_mask: _field_mask_pb2.FieldMask
    def __init__(self, id: _Optional[str] = ..., read_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class ListProductsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class UploadImageChunk(_message.Message):
    __slots__ = ("product_id", "data")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    data: bytes
    def __init__(self, product_id: _Optional[str] = ..., data: _Optional[bytes] = ...) -> None: ...

class UploadImageResponse(_message.Message):
    __slots__ = ("image_id", "size_bytes")
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    image_id: str
    size_bytes: int
    def __init__(self, image_id: _Optional[str] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class PriceQuery(_message.Message):
    __slots__ = ("product_id", "currency")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    currency: _money_pb2.Currency
    def __init__(self, product_id: _Optional[str] = ..., currency: _Optional[_Union[_money_pb2.Currency, str]] = ...) -> None: ...

class PriceQuote(_message.Message):
    __slots__ = ("product_id", "price", "valid_until")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    VALID_UNTIL_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    price: _money_pb2.Money
    valid_until: _timestamp_pb2.Timestamp
    def __init__(self, product_id: _Optional[str] = ..., price: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., valid_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
