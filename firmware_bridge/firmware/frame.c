/* FGB1 frames; see frame.h. */
#include "frame.h"

#include <string.h>

uint16_t fgb1_crc16(const uint8_t *data, size_t length) {
    uint16_t crc = 0xFFFF;
    while (length--) {
        crc ^= (uint16_t)(*data++) << 8;
        for (uint8_t bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

size_t fgb1_cobs_encode(const uint8_t *in, size_t length, uint8_t *out) {
    size_t code_at = 0, written = 1;
    uint8_t code = 1;
    for (size_t i = 0; i < length; i++) {
        if (in[i] == 0) {
            out[code_at] = code;
            code_at = written++;
            code = 1;
        } else {
            out[written++] = in[i];
            if (++code == 0xFF) {
                out[code_at] = code;
                code_at = written++;
                code = 1;
            }
        }
    }
    out[code_at] = code;
    return written;
}

int fgb1_cobs_decode(const uint8_t *in, size_t length, uint8_t *out) {
    size_t read = 0, written = 0;
    while (read < length) {
        uint8_t code = in[read++];
        if (code == 0 || read + code - 1 > length) {
            return -1;
        }
        for (uint8_t i = 1; i < code; i++) {
            if (in[read] == 0) {
                return -1;
            }
            out[written++] = in[read++];
        }
        if (code != 0xFF && read < length) {
            out[written++] = 0;
        }
    }
    return (int)written;
}

size_t fgb1_frame(uint8_t type, uint16_t seq, const uint8_t *payload, size_t length,
                  uint8_t *wire) {
    uint8_t frame[FGB1_MAX_FRAME];
    frame[0] = FGB1_PROTOCOL_MAJOR;
    frame[1] = type;
    frame[2] = (uint8_t)seq;
    frame[3] = (uint8_t)(seq >> 8);
    memcpy(frame + 4, payload, length);
    uint16_t crc = fgb1_crc16(frame, 4 + length);
    frame[4 + length] = (uint8_t)crc;
    frame[5 + length] = (uint8_t)(crc >> 8);
    size_t encoded = fgb1_cobs_encode(frame, 6 + length, wire);
    wire[encoded] = 0;
    return encoded + 1;
}

static void put_u32(uint8_t *at, uint32_t value) {
    for (uint8_t i = 0; i < 4; i++) {
        at[i] = (uint8_t)(value >> (8 * i));
    }
}

size_t fgb1_sample(uint16_t seq, uint32_t t_us, int32_t raw, uint8_t flags, uint8_t *wire) {
    uint8_t payload[9];
    put_u32(payload, t_us);
    put_u32(payload + 4, (uint32_t)raw);
    payload[8] = flags;
    return fgb1_frame(FGB1_SAMPLE, seq, payload, sizeof payload, wire);
}

size_t fgb1_info_frame(uint16_t seq, const fgb1_info *info, uint8_t *wire) {
    uint8_t payload[34];
    uint32_t bits;
    payload[0] = FGB1_PROTOCOL_MAJOR;
    payload[1] = FGB1_PROTOCOL_MINOR;
    payload[2] = info->fw_major;
    payload[3] = info->fw_minor;
    payload[4] = info->fw_patch;
    payload[5] = info->device_type;
    memcpy(payload + 6, info->serial, 12);
    payload[18] = info->adc_type;
    payload[19] = (uint8_t)info->nominal_rate_hz;
    payload[20] = (uint8_t)(info->nominal_rate_hz >> 8);
    memcpy(&bits, &info->full_scale_n, 4); /* IEEE 754 binary32 on AVR and hosts alike */
    put_u32(payload + 21, bits);
    memcpy(&bits, &info->counts_per_n, 4);
    put_u32(payload + 25, bits);
    put_u32(payload + 29, (uint32_t)info->zero_offset);
    payload[33] = info->unit_code;
    return fgb1_frame(FGB1_INFO, seq, payload, sizeof payload, wire);
}

int fgb1_parse_command(const uint8_t *encoded, size_t length, uint8_t *payload,
                       size_t capacity, size_t *payload_length) {
    uint8_t frame[FGB1_MAX_FRAME];
    if (length == 0 || length > FGB1_MAX_FRAME + 1) {
        return -1;
    }
    int decoded = fgb1_cobs_decode(encoded, length, frame);
    if (decoded < 6 || frame[0] != FGB1_PROTOCOL_MAJOR) {
        return -1;
    }
    uint16_t crc = (uint16_t)(frame[decoded - 2] | (frame[decoded - 1] << 8));
    if (fgb1_crc16(frame, (size_t)decoded - 2) != crc) {
        return -1;
    }
    size_t n = (size_t)decoded - 6;
    if (n > capacity) {
        n = capacity;
    }
    memcpy(payload, frame + 4, n);
    *payload_length = n;
    return frame[1];
}
