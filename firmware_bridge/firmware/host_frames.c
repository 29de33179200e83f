/* The frame encoder on the host: one request per stdin line, the wire bytes in hex per
 * stdout line. tests/test_firmware.py checks them against the Python decoder.
 *
 *   sample SEQ T_US RAW FLAGS   -> a SAMPLE frame
 *   info SEQ SERIAL RATE FS CPN OFFSET -> an INFO frame (firmware 0.3.1, HX711)
 *   command HEX                 -> TYPE PAYLOAD_HEX of a host command, or -1
 *   crc TEXT                    -> the CRC-16 of TEXT, in hex
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

static void print_hex(const uint8_t *bytes, size_t length) {
    for (size_t i = 0; i < length; i++) {
        printf("%02x", bytes[i]);
    }
    printf("\n");
}

int main(void) {
    char line[512];
    uint8_t wire[FGB1_MAX_WIRE];
    while (fgets(line, sizeof line, stdin)) {
        char word[16] = "";
        sscanf(line, "%15s", word);
        if (strcmp(word, "sample") == 0) {
            unsigned seq, flags;
            unsigned long t_us;
            long raw;
            sscanf(line, "%*s %u %lu %ld %u", &seq, &t_us, &raw, &flags);
            print_hex(wire, fgb1_sample((uint16_t)seq, (uint32_t)t_us, (int32_t)raw,
                                        (uint8_t)flags, wire));
        } else if (strcmp(word, "info") == 0) {
            fgb1_info info = {0, 3, 1, 1, {0}, 1, 0, 0.0f, 0.0f, 0, 1};
            char serial[13] = "";
            unsigned seq, rate;
            long offset;
            sscanf(line, "%*s %u %12s %u %f %f %ld", &seq, serial, &rate, &info.full_scale_n,
                   &info.counts_per_n, &offset);
            memcpy(info.serial, serial, strlen(serial));
            info.nominal_rate_hz = (uint16_t)rate;
            info.zero_offset = (int32_t)offset;
            print_hex(wire, fgb1_info_frame((uint16_t)seq, &info, wire));
        } else if (strcmp(word, "command") == 0) {
            char hex[256] = "";
            uint8_t encoded[128], payload[32];
            size_t length = 0, payload_length = 0;
            sscanf(line, "%*s %255s", hex);
            for (size_t i = 0; hex[2 * i] && hex[2 * i + 1] && i < sizeof encoded; i++) {
                unsigned byte;
                sscanf(hex + 2 * i, "%2x", &byte);
                encoded[length++] = (uint8_t)byte;
            }
            int type = fgb1_parse_command(encoded, length, payload, sizeof payload,
                                          &payload_length);
            printf("%d ", type);
            print_hex(payload, type < 0 ? 0 : payload_length);
        } else if (strcmp(word, "crc") == 0) {
            char text[256] = "";
            sscanf(line, "%*s %255s", text);
            printf("%04x\n", fgb1_crc16((const uint8_t *)text, strlen(text)));
        }
        fflush(stdout);
    }
    return 0;
}
