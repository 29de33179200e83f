/* FGB1 frames: the wire format our firmware speaks (docs/protocols.md, "FGB1").
 *
 * Pure C with no AVR dependency, so the same encoder is compiled for the host and checked
 * byte for byte against the Python decoder (tests/test_firmware.py).
 */
#ifndef FGB1_FRAME_H
#define FGB1_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FGB1_PROTOCOL_MAJOR 1
#define FGB1_PROTOCOL_MINOR 0

enum fgb1_type {
    FGB1_SAMPLE = 0x01,
    FGB1_ACK = 0x11,
    FGB1_NAK = 0x12,
    FGB1_INFO = 0x90,
    FGB1_GET_INFO = 0x80,
    FGB1_START = 0x81,
    FGB1_STOP = 0x82,
    FGB1_TARE = 0x83,
    FGB1_PING = 0x85,
};

enum fgb1_flags {
    FGB1_FLAG_SATURATED = 1 << 0,
    FGB1_FLAG_TARE_IN_PROGRESS = 1 << 1,
    FGB1_FLAG_ADC_OVERRUN = 1 << 2,
    FGB1_FLAG_CALIBRATION_INVALID = 1 << 3,
};

/* Header (4) + the largest payload (INFO, 34) + CRC (2). */
#define FGB1_MAX_FRAME 40
/* COBS adds one byte per 254, plus the 0x00 delimiter. */
#define FGB1_MAX_WIRE (FGB1_MAX_FRAME + 2)
#define FGB1_SAMPLE_WIRE 17

typedef struct {
    uint8_t fw_major, fw_minor, fw_patch;
    uint8_t device_type; /* 1: DIY algometer */
    char serial[12];     /* ASCII, NUL-padded */
    uint8_t adc_type;    /* 1 HX711, 2 NAU7802 */
    uint16_t nominal_rate_hz;
    float full_scale_n;
    float counts_per_n; /* 0: not calibrated on the device */
    int32_t zero_offset;
    uint8_t unit_code; /* 1: N */
} fgb1_info;

/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): check value 0x29B1 for "123456789". */
uint16_t fgb1_crc16(const uint8_t *data, size_t length);

/* COBS-encode ``length`` bytes into ``out`` (no delimiter); returns the encoded length. */
size_t fgb1_cobs_encode(const uint8_t *in, size_t length, uint8_t *out);

/* Decode one COBS frame (without its delimiter) into ``out``; returns the decoded length,
 * or -1 when the encoding is damaged. ``out`` may hold ``length`` bytes. */
int fgb1_cobs_decode(const uint8_t *in, size_t length, uint8_t *out);

/* A whole frame on the wire: COBS(ver, type, seq, payload, crc) then 0x00. Returns its
 * length; ``wire`` holds FGB1_MAX_WIRE bytes. */
size_t fgb1_frame(uint8_t type, uint16_t seq, const uint8_t *payload, size_t length,
                  uint8_t *wire);

size_t fgb1_sample(uint16_t seq, uint32_t t_us, int32_t raw, uint8_t flags, uint8_t *wire);

size_t fgb1_info_frame(uint16_t seq, const fgb1_info *info, uint8_t *wire);

/* A host command, checked: its type, or -1 when damaged or of another major version. The
 * payload (if any) is copied to ``payload`` (up to ``capacity`` bytes), its length to
 * ``*length``. */
int fgb1_parse_command(const uint8_t *encoded, size_t length, uint8_t *payload,
                       size_t capacity, size_t *payload_length);

#endif
