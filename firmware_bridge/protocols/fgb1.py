"""FGB1, the framed binary protocol v1 of our own firmware.

Wire: ``COBS(frame) || 0x00``. Frame (little-endian): ``ver u8, type u8, seq u16, payload,
crc u16`` with CRC-16/CCITT-FALSE over everything before the CRC. docs/protocols.md has the
full layout; the vectors in tests/test_fgb1.py come from the shared reference.

SAMPLE frames dominate the stream and all have the same wire length, so they are encoded and
decoded as numpy blocks (one vectorised pass per byte position, not one Python call per
frame); the rare other frames take the scalar path.
"""

from __future__ import annotations

import binascii
import struct
from dataclasses import dataclass

import numpy as np

from firmware_bridge.protocols.cobs import CobsError, cobs_decode, cobs_encode

PROTOCOL_MAJOR = 1
PROTOCOL_MINOR = 0

# Frame types, device -> host
SAMPLE = 0x01
SAMPLE_BATCH = 0x02
EVENT = 0x10
ACK = 0x11
NAK = 0x12
INFO = 0x90
# host -> device
GET_INFO = 0x80
START = 0x81
STOP = 0x82
TARE = 0x83
SET_CAL = 0x84
PING = 0x85

HEADER = struct.Struct("<BBH")
SAMPLE_PAYLOAD = struct.Struct("<IiB")  # t_us, raw, flags
INFO_PAYLOAD = struct.Struct("<BBBBBB12sBHffiB")
CRC_SIZE = 2

SAMPLE_FRAME_SIZE = HEADER.size + SAMPLE_PAYLOAD.size + CRC_SIZE  # 15
SAMPLE_ENCODED_SIZE = SAMPLE_FRAME_SIZE + 1  # COBS adds one byte to frames under 254 bytes
SAMPLE_WIRE_SIZE = SAMPLE_ENCODED_SIZE + 1  # plus the 0x00 delimiter
#: A decoded SAMPLE frame as a record, in the block decoder's rows (which have two spare
#: bytes at the end): header, payload and CRC as fields.
SAMPLE_RECORD = np.dtype(
    {
        "names": ["version", "type", "seq", "t_us", "raw", "flags", "crc"],
        "formats": ["u1", "u1", "<u2", "<u4", "<i4", "u1", "<u2"],
        "offsets": [0, 1, 2, 4, 8, 12, 13],
        "itemsize": SAMPLE_ENCODED_SIZE + 1,
    }
)

ADC_NAMES = {1: "HX711", 2: "NAU7802", 3: "ADS1232", 4: "ADS1220", 5: "ADS1256"}


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): the standard library computes it in C."""
    return binascii.crc_hqx(data, 0xFFFF)


def encode_frame(frame_type: int, seq: int, payload: bytes = b"") -> bytes:
    """One frame, COBS-stuffed and delimited, ready for the wire."""
    body = HEADER.pack(PROTOCOL_MAJOR, frame_type, seq & 0xFFFF) + payload
    return cobs_encode(body + struct.pack("<H", crc16(body))) + b"\x00"


class FrameError(ValueError):
    """A frame that fails COBS, length, CRC or version checks."""


@dataclass(frozen=True)
class Frame:
    frame_type: int
    seq: int
    payload: bytes


def decode_frame(encoded: bytes) -> Frame:
    """Scalar decode of one COBS-encoded frame (without its delimiter)."""
    try:
        frame = cobs_decode(encoded)
    except CobsError as exc:
        raise FrameError(str(exc)) from exc
    if len(frame) < HEADER.size + CRC_SIZE:
        raise FrameError(f"frame too short ({len(frame)} bytes)")
    body, (crc,) = frame[:-CRC_SIZE], struct.unpack("<H", frame[-CRC_SIZE:])
    if crc16(body) != crc:
        raise FrameError("CRC mismatch")
    version, frame_type, seq = HEADER.unpack_from(body)
    if version != PROTOCOL_MAJOR:
        raise FrameError(f"protocol major version {version}, expected {PROTOCOL_MAJOR}")
    return Frame(frame_type, seq, body[HEADER.size :])


@dataclass(frozen=True)
class InfoPayload:
    proto_major: int
    proto_minor: int
    firmware: str
    device_type: int
    serial: str
    adc: str
    nominal_rate_hz: int
    full_scale_n: float
    counts_per_newton: float
    zero_offset: int
    unit_code: int

    def pack(self) -> bytes:
        fw = tuple(int(part) for part in self.firmware.split("."))
        adc_code = next((code for code, name in ADC_NAMES.items() if name == self.adc), 0)
        return INFO_PAYLOAD.pack(
            self.proto_major,
            self.proto_minor,
            *fw,
            self.device_type,
            self.serial.encode("ascii")[:12],
            adc_code,
            self.nominal_rate_hz,
            self.full_scale_n,
            self.counts_per_newton,
            self.zero_offset,
            self.unit_code,
        )

    @classmethod
    def unpack(cls, payload: bytes) -> InfoPayload:
        if len(payload) < INFO_PAYLOAD.size:
            raise FrameError(f"INFO payload of {len(payload)} bytes, need {INFO_PAYLOAD.size}")
        (
            major,
            minor,
            fw_major,
            fw_minor,
            fw_patch,
            device_type,
            serial,
            adc_code,
            rate,
            full_scale,
            counts_per_n,
            offset,
            unit,
        ) = INFO_PAYLOAD.unpack_from(payload)
        return cls(
            proto_major=major,
            proto_minor=minor,
            firmware=f"{fw_major}.{fw_minor}.{fw_patch}",
            device_type=device_type,
            serial=serial.rstrip(b"\x00").decode("ascii", errors="replace"),
            adc=ADC_NAMES.get(adc_code, f"unknown ({adc_code})"),
            nominal_rate_hz=rate,
            full_scale_n=full_scale,
            counts_per_newton=counts_per_n,
            zero_offset=offset,
            unit_code=unit,
        )


# --- block paths -----------------------------------------------------------------------------


def _crc_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint16)
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table[byte] = crc & 0xFFFF
    return table


_CRC_TABLE = _crc_table()


def _crc_word_table() -> np.ndarray:
    """The register after two more bytes, indexed by register XOR those bytes (big-endian):
    the 16-bit register is shifted out whole, so the pair needs one lookup."""
    crc = np.arange(1 << 16, dtype=np.uint16)
    for _ in range(2):
        crc = (crc << 8) ^ _CRC_TABLE[crc >> 8]
    return crc


_CRC_WORD_TABLE = _crc_word_table()


def crc16_rows(rows: np.ndarray) -> np.ndarray:
    """CRC-16/CCITT-FALSE of every row of a (n, k) uint8 array, one numpy pass per byte pair
    (blocks are small at 1 kHz: the number of numpy calls is the cost)."""
    crc = np.full(rows.shape[0], 0xFFFF, dtype=np.uint16)
    pairs = rows.shape[1] // 2
    if pairs:
        words = np.ascontiguousarray(rows[:, : 2 * pairs]).view(">u2")
        for column in words.T:
            crc = _CRC_WORD_TABLE[crc ^ column]
    if rows.shape[1] % 2:
        crc = (crc << 8) ^ _CRC_TABLE[(crc >> 8) ^ rows[:, -1]]
    return crc


def encode_sample_frames(
    seq: np.ndarray, t_us: np.ndarray, raw: np.ndarray, flags: np.ndarray
) -> bytes:
    """Wire bytes of one SAMPLE frame per element, equal to ``encode_frame`` frame by frame."""
    n = len(seq)
    body = np.zeros((n, SAMPLE_FRAME_SIZE), dtype=np.uint8)
    body[:, 0] = PROTOCOL_MAJOR
    body[:, 1] = SAMPLE
    body[:, 2:4] = np.asarray(seq, dtype="<u2").reshape(n, 1).view(np.uint8)
    body[:, 4:8] = np.asarray(t_us, dtype="<u4").reshape(n, 1).view(np.uint8)
    body[:, 8:12] = np.asarray(raw, dtype="<i4").reshape(n, 1).view(np.uint8)
    body[:, 12] = flags
    body[:, 13:15] = crc16_rows(body[:, :13]).astype("<u2").reshape(n, 1).view(np.uint8)

    # COBS: each zero (and the leading code byte) becomes the distance to the next zero,
    # counting a virtual zero just past the end of the frame.
    wire = np.zeros((n, SAMPLE_WIRE_SIZE), dtype=np.uint8)
    next_zero = np.full(n, SAMPLE_FRAME_SIZE, dtype=np.int64)
    for j in range(SAMPLE_FRAME_SIZE - 1, -1, -1):
        byte = body[:, j]
        is_zero = byte == 0
        wire[:, j + 1] = np.where(is_zero, next_zero - j, byte)
        next_zero = np.where(is_zero, j, next_zero)
    wire[:, 0] = next_zero + 1
    return wire.tobytes()


def decode_sample_rows(encoded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decode (n, 16) COBS-encoded candidate SAMPLE frames.

    Returns the decoded frames as ``SAMPLE_RECORD`` records (a view: the fields without
    copying them out) and a mask of the rows that are valid SAMPLE frames (COBS chain, CRC,
    version and type all correct).
    """
    n, end = encoded.shape[0], SAMPLE_ENCODED_SIZE
    # Follow each frame's chain of code bytes, one hop per zero it encodes (a few per frame).
    # Two spare columns: a chain that reaches the end (``end``) or runs past it (``end + 1``)
    # stays there, reading a zero step and writing into a spare column.
    padded = np.zeros((n, end + 2), dtype=np.intp)
    padded[:, :end] = encoded
    decoded = np.empty((n, end + 1), dtype=np.uint8)
    decoded[:, : end - 1] = encoded[:, 1:]
    rows = np.arange(n)
    code = np.minimum(padded[:, 0], end + 1)  # where the next code byte is
    for _ in range(end):  # a chain cannot be longer; bounded even for zeros in a row
        if not (code < end).any():
            break
        decoded[rows, code - 1] = 0
        code = np.minimum(code + padded[rows, code], end + 1)
    records = decoded.view(SAMPLE_RECORD).ravel()
    valid = (
        (code == end)
        & (crc16_rows(decoded[:, : SAMPLE_FRAME_SIZE - CRC_SIZE]) == records["crc"])
        & (records["version"] == PROTOCOL_MAJOR)
        & (records["type"] == SAMPLE)
    )
    return records, valid
