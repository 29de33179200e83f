/* HX711: DOUT low means a conversion waits; 24 clock pulses shift it out MSB first, a 25th
 * selects channel A at gain 128 for the next one. PD_SCK high for over 60 us powers the
 * chip down, so the pulses run with interrupts off (about 50 us in all). */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/delay.h>

#include "board.h"

const uint8_t ADC_TYPE = 1;
const uint16_t ADC_RATE_HZ = HX711_RATE_HZ;

void adc_init(void) {
    DDRD |= _BV(HX711_SCK_BIT);
    DDRD &= (uint8_t)~_BV(HX711_DOUT_BIT);
    PORTD &= (uint8_t)~_BV(HX711_SCK_BIT);
}

uint8_t adc_ready(void) { return !(PIND & _BV(HX711_DOUT_BIT)); }

static uint8_t pulse(void) {
    PORTD |= _BV(HX711_SCK_BIT);
    _delay_us(1);
    uint8_t bit = (PIND & _BV(HX711_DOUT_BIT)) ? 1 : 0;
    PORTD &= (uint8_t)~_BV(HX711_SCK_BIT);
    _delay_us(1);
    return bit;
}

int32_t adc_read(void) {
    uint32_t code = 0;
    uint8_t sreg = SREG;
    cli();
    for (uint8_t i = 0; i < 24; i++) {
        code = (code << 1) | pulse();
    }
    pulse(); /* channel A, gain 128 */
    SREG = sreg;
    if (code & 0x800000UL) {
        code |= 0xFF000000UL; /* sign-extend the 24-bit two's complement code */
    }
    return (int32_t)code;
}
