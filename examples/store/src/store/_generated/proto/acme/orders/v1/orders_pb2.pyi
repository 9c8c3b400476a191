# fmt: off
import datetime

from store._generated.proto.acme.catalog.v1 import catalog_pb2 as _catalog_pb2
from store._generated.proto.acme.common.v1 import money_pb2 as _money_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Order(_message.Message):
    __slots__ = ("id", "lines", "total", "placed_at", "state")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Order.State]
        STATE_OPEN: _ClassVar[Order.State]
        STATE_PAID: _ClassVar[Order.State]
        STATE_SHIPPED: _ClassVar[Order.State]
    STATE_UNSPECIFIED: Order.State
    STATE_OPEN: Order.State
    STATE_PAID: Order.State
    STATE_SHIPPED: Order.State
    class Line(_message.Message):
        __slots__ = ("product", "quantity")
        PRODUCT_FIELD_NUMBER: _ClassVar[int]
        QUANTITY_FIELD_NUMBER: _ClassVar[int]
        product: _catalog_pb2.Product
        quantity: int
        def __init__(self, product: _Optional[_Union[_catalog_pb2.Product, _Mapping]] = ..., quantity: _Optional[int] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    PLACED_AT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    id: str
    lines: _containers.RepeatedCompositeFieldContainer[Order.Line]
    total: _money_pb2.Money
    placed_at: _timestamp_pb2.Timestamp
    state: Order.State
    def __init__(self, id: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[Order.Line, _Mapping]]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., placed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., state: _Optional[_Union[Order.State, str]] = ...) -> None: ...

class PlaceOrderRequest(_message.Message):
    __slots__ = ("lines", "request_id")
    LINES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[Order.Line]
    request_id: str
    def __init__(self, lines: _Optional[_Iterable[_Union[Order.Line, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...
