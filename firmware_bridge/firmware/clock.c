/* Timer1 at F_CPU/8 (2 MHz): 16 bits of half-microseconds, overflows counted above them. */
#include <avr/interrupt.h>
#include <avr/io.h>

#include "board.h"

static volatile uint32_t overflows;

ISR(TIMER1_OVF_vect) { overflows++; }

void clock_init(void) {
    TCCR1A = 0;
    TCCR1B = _BV(CS11); /* prescaler 8 */
    TIMSK1 = _BV(TOIE1);
}

uint32_t clock_micros(void) {
    uint8_t sreg = SREG;
    cli();
    uint32_t high = overflows;
    uint16_t ticks = TCNT1;
    if ((TIFR1 & _BV(TOV1)) && ticks < 0x8000) {
        high++; /* overflowed after cli(), its interrupt still pending */
    }
    SREG = sreg;
    return (high << 15) + (ticks >> 1);
}
