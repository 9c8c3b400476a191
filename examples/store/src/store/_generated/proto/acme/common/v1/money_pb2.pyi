# fmt: off
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Currency(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CURRENCY_UNSPECIFIED: _ClassVar[Currency]
    CURRENCY_EUR: _ClassVar[Currency]
    CURRENCY_USD: _ClassVar[Currency]
    CURRENCY_GBP: _ClassVar[Currency]
CURRENCY_UNSPECIFIED: Currency
CURRENCY_EUR: Currency
CURRENCY_USD: Currency
CURRENCY_GBP: Currency

class Money(_message.Message):
    __slots__ = ("currency", "units", "nanos")
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    NANOS_FIELD_NUMBER: _ClassVar[int]
    currency: Currency
    units: int
    nanos: int
    def __init__(self, currency: _Optional[_Union[Currency, str]] = ..., units: _Optional[int] = ..., nanos: _Optional[int] = ...) -> None: ...
