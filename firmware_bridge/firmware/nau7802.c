/* NAU7802 over I2C (TWI at 100 kHz, address 0x2A): the build option `make ADC=nau7802`.
 *
 * Power-up as the datasheet orders it: register reset, digital then analog power-up, wait
 * for the power-up-ready bit; LDO 3.3 V, gain 128, 80 SPS, the PGA's output capacitor, an
 * internal offset calibration; then CR (PU_CTRL bit 5) says a conversion waits in
 * ADCO_B2..B0. Not yet run on hardware or in the simulator (see docs/firmware.md).
 */
#include <avr/io.h>
#include <util/delay.h>
#include <util/twi.h>

#include "board.h"

const uint8_t ADC_TYPE = 2;
const uint16_t ADC_RATE_HZ = 80;

#define ADDRESS 0x2A
#define PU_CTRL 0x00
#define CTRL1 0x01
#define CTRL2 0x02
#define ADCO_B2 0x12
#define POWER_CTRL 0x1C
#define PU_RR 0x01
#define PU_PUD 0x02
#define PU_PUA 0x04
#define PU_PUR 0x08
#define PU_CS 0x10
#define PU_CR 0x20
#define PU_AVDDS 0x80
#define CTRL2_CALS 0x04
#define TWI_TIMEOUT 2000

static uint8_t wait_twint(void) {
    for (uint16_t i = 0; i < TWI_TIMEOUT; i++) {
        if (TWCR & _BV(TWINT)) {
            return 1;
        }
        _delay_us(5);
    }
    return 0; /* a missing or hung chip: give up rather than hang the firmware */
}

static uint8_t twi(uint8_t control) {
    TWCR = control | _BV(TWINT) | _BV(TWEN);
    return wait_twint() ? (TWSR & 0xF8) : 0xFF;
}

/* Whether a step of a transfer went through. Only what means "no answer" fails it: a
 * timeout, a bus error, a missing acknowledge of the address or of a written byte. The
 * data sheet's success codes are not required one by one, because simavr 1.6 (Debian's,
 * used by tests/test_firmware.py) reports some of them differently (0x28 after SLA+W). */
static uint8_t answered(uint8_t status) {
    return status != 0xFF && status != TW_BUS_ERROR && status != TW_MT_SLA_NACK &&
           status != TW_MT_DATA_NACK && status != TW_MR_SLA_NACK && status != TW_MT_ARB_LOST;
}

static void stop(void) { TWCR = _BV(TWINT) | _BV(TWEN) | _BV(TWSTO); }

static uint8_t send(uint8_t byte) {
    TWDR = byte;
    return answered(twi(0));
}

static uint8_t write_register(uint8_t reg, uint8_t value) {
    uint8_t ok = answered(twi(_BV(TWSTA))) && send((ADDRESS << 1) | TW_WRITE) && send(reg) &&
                 send(value);
    stop();
    return ok;
}

static uint8_t read_registers(uint8_t reg, uint8_t *out, uint8_t count) {
    uint8_t ok = answered(twi(_BV(TWSTA))) && send((ADDRESS << 1) | TW_WRITE) && send(reg) &&
                 answered(twi(_BV(TWSTA))) && send((ADDRESS << 1) | TW_READ);
    for (uint8_t i = 0; ok && i < count; i++) {
        ok = answered(twi(i + 1 < count ? _BV(TWEA) : 0)); /* NACK the last byte */
        out[i] = TWDR;
    }
    stop();
    return ok;
}

static uint8_t read_register(uint8_t reg) {
    uint8_t value = 0;
    read_registers(reg, &value, 1);
    return value;
}

void adc_init(void) {
    TWSR = 0;
    TWBR = (uint8_t)((F_CPU / 100000UL - 16) / 2);
    write_register(PU_CTRL, PU_RR);
    write_register(PU_CTRL, PU_PUD);
    for (uint8_t i = 0; i < 200 && !(read_register(PU_CTRL) & PU_PUR); i++) {
        _delay_ms(1);
    }
    write_register(PU_CTRL, PU_PUD | PU_PUA | PU_AVDDS);
    write_register(CTRL1, (0x4 << 3) | 0x7);          /* LDO 3.3 V, gain 128 */
    write_register(CTRL2, 0x3 << 4);                  /* 80 SPS */
    write_register(POWER_CTRL, 0x80);                 /* PGA output bypass capacitor */
    write_register(CTRL2, (0x3 << 4) | CTRL2_CALS);   /* internal offset calibration */
    for (uint8_t i = 0; i < 200 && (read_register(CTRL2) & CTRL2_CALS); i++) {
        _delay_ms(1);
    }
    write_register(PU_CTRL, PU_PUD | PU_PUA | PU_AVDDS | PU_CS);
}

uint8_t adc_ready(void) { return (read_register(PU_CTRL) & PU_CR) != 0; }

int32_t adc_read(void) {
    uint8_t bytes[3] = {0, 0, 0};
    read_registers(ADCO_B2, bytes, 3);
    uint32_t code = ((uint32_t)bytes[0] << 16) | ((uint32_t)bytes[1] << 8) | bytes[2];
    if (code & 0x800000UL) {
        code |= 0xFF000000UL;
    }
    return (int32_t)code;
}
