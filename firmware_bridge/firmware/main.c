/* Our load-cell firmware: reads the ADC at its own rate and streams FGB1 SAMPLE frames
 * between START and STOP; answers GET_INFO, TARE and PING; refuses anything else with NAK.
 * Sends its INFO once at power-on, so a host that was already listening knows it. */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <string.h>

#include "board.h"
#include "frame.h"

#define FW_MAJOR 0
#define FW_MINOR 4
#define FW_PATCH 0
#define TARE_SAMPLES 16
#define ADC_LIMIT 0x7FFFFFL

/* EEPROM: the serial number (12 ASCII bytes, written once per board with avrdude), and the
 * board's own calibration if it was given one (counts per newton, a float; else erased). */
#define EEPROM_SERIAL ((const uint8_t *)0)
#define EEPROM_COUNTS_PER_N ((const float *)12)

static fgb1_info info = {FW_MAJOR, FW_MINOR, FW_PATCH, 1, {0}, 0, 0, 0.0f, 0.0f, 0, 1};
static uint16_t sample_seq, reply_seq;
static uint8_t streaming, missed;
static uint8_t tare_left;
static int64_t tare_sum;

static void send(const uint8_t *wire, size_t length) { uart_send(wire, (uint8_t)length); }

static void reply(uint8_t type) {
    uint8_t wire[FGB1_MAX_WIRE];
    send(wire, fgb1_frame(type, reply_seq++, 0, 0, wire));
}

static void send_info(void) {
    uint8_t wire[FGB1_MAX_WIRE];
    send(wire, fgb1_info_frame(reply_seq++, &info, wire));
}

static void load_identity(void) {
    eeprom_read_block(info.serial, EEPROM_SERIAL, sizeof info.serial);
    if ((uint8_t)info.serial[0] == 0xFF) {
        memset(info.serial, 0, sizeof info.serial); /* never set: no identity, not a fake one */
    }
    float counts_per_n;
    eeprom_read_block(&counts_per_n, EEPROM_COUNTS_PER_N, sizeof counts_per_n);
    info.counts_per_n = counts_per_n == counts_per_n && counts_per_n != 0.0f ? counts_per_n : 0.0f;
    info.adc_type = ADC_TYPE;
    info.nominal_rate_hz = ADC_RATE_HZ;
}

static void command(const uint8_t *encoded, size_t length) {
    uint8_t payload[8];
    size_t payload_length;
    switch (fgb1_parse_command(encoded, length, payload, sizeof payload, &payload_length)) {
    case FGB1_GET_INFO:
        send_info();
        break;
    case FGB1_START: /* the payload's rate: 0 is the ADC's own, the only one we offer */
        streaming = 1;
        reply(FGB1_ACK);
        break;
    case FGB1_STOP:
        streaming = 0;
        reply(FGB1_ACK);
        break;
    case FGB1_TARE:
        tare_left = TARE_SAMPLES;
        tare_sum = 0;
        reply(FGB1_ACK);
        break;
    case FGB1_PING:
        reply(FGB1_ACK);
        break;
    default:
        if (length > 0) { /* a lone delimiter is a host starting afresh, not a command */
            reply(FGB1_NAK);
        }
    }
}

static void receive(void) {
    static uint8_t buffer[FGB1_MAX_WIRE];
    static uint8_t length, overlong;
    int16_t byte;
    while ((byte = uart_receive()) >= 0) {
        if (byte == 0) {
            if (overlong) {
                reply(FGB1_NAK); /* no command is that long: line noise */
            } else {
                command(buffer, length);
            }
            length = overlong = 0;
        } else if (length < sizeof buffer) {
            buffer[length++] = (uint8_t)byte;
        } else {
            overlong = 1;
        }
    }
}

static void sample(void) {
    uint32_t t_us = clock_micros();
    int32_t raw = adc_read();
    uint8_t flags = 0;
    if (raw >= ADC_LIMIT || raw <= -ADC_LIMIT - 1) {
        flags |= FGB1_FLAG_SATURATED;
    }
    if (tare_left) {
        flags |= FGB1_FLAG_TARE_IN_PROGRESS;
        tare_sum += raw;
        if (--tare_left == 0) {
            info.zero_offset = (int32_t)(tare_sum / TARE_SAMPLES);
            send_info(); /* the new zero, for the host */
        }
    }
    if (!streaming) {
        return;
    }
    if (missed) {
        flags |= FGB1_FLAG_ADC_OVERRUN; /* samples were dropped for want of room before this */
    }
    uint8_t wire[FGB1_MAX_WIRE];
    size_t length = fgb1_sample(sample_seq, t_us, raw, flags, wire);
    if (uart_send(wire, (uint8_t)length)) {
        sample_seq++;
        missed = 0;
    } else {
        sample_seq++; /* a gap in seq tells the host one was lost */
        missed = 1;
    }
}

int main(void) {
    clock_init();
    uart_init();
    adc_init();
    load_identity();
    sei();
    send_info();
    for (;;) {
        receive();
        if (adc_ready()) {
            sample();
        }
    }
}
