/* The board: an ATmega328P at 16 MHz (Arduino Uno / Nano class). */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#ifndef F_CPU
#define F_CPU 16000000UL
#endif
#define BAUD_RATE 115200UL

/* HX711 on PD2 (Arduino D2: DOUT) and PD3 (D3: PD_SCK); its RATE pin sets 10 or 80 SPS. */
#define HX711_DOUT_BIT 2
#define HX711_SCK_BIT 3
#ifndef HX711_RATE_HZ
#define HX711_RATE_HZ 80
#endif

/* Microseconds since power-on, wrapping at 2^32 (71.6 min) as the protocol says. */
void clock_init(void);
uint32_t clock_micros(void);

void uart_init(void);
/* Queue bytes to send; false (and nothing queued) when there is no room for all of them. */
uint8_t uart_send(const uint8_t *bytes, uint8_t length);
/* The next received byte, or -1. */
int16_t uart_receive(void);

/* The load cell's converter: ready when a conversion waits; read returns a sign-extended
 * 24-bit code. */
void adc_init(void);
uint8_t adc_ready(void);
int32_t adc_read(void);
extern const uint8_t ADC_TYPE;         /* 1 HX711, 2 NAU7802 (FGB1 INFO codes) */
extern const uint16_t ADC_RATE_HZ;

#endif
