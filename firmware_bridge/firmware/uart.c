/* USART0 at 115200 baud (U2X), interrupt driven both ways through small rings. */
#include <avr/interrupt.h>
#include <avr/io.h>

#include "board.h"

#define TX_SIZE 256 /* fifteen sample frames: a main loop held up by a tare loses none */
#define RX_SIZE 64

static volatile uint8_t tx[TX_SIZE];
static volatile uint8_t tx_head, tx_tail; /* uint8_t indices wrap at 256 = TX_SIZE */
static volatile uint8_t rx[RX_SIZE];
static volatile uint8_t rx_head, rx_tail;

void uart_init(void) {
    UCSR0A = _BV(U2X0);
    uint16_t ubrr = (uint16_t)((F_CPU + 4 * BAUD_RATE) / (8 * BAUD_RATE) - 1);
    UBRR0H = (uint8_t)(ubrr >> 8);
    UBRR0L = (uint8_t)ubrr;
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8N1 */
}

uint8_t uart_send(const uint8_t *bytes, uint8_t length) {
    uint8_t used = (uint8_t)(tx_head - tx_tail);
    if ((uint16_t)used + length >= TX_SIZE) {
        return 0;
    }
    for (uint8_t i = 0; i < length; i++) {
        tx[tx_head] = bytes[i];
        tx_head++;
    }
    UCSR0B |= _BV(UDRIE0);
    return 1;
}

ISR(USART_UDRE_vect) {
    if (tx_head == tx_tail) {
        UCSR0B &= (uint8_t)~_BV(UDRIE0);
        return;
    }
    UDR0 = tx[tx_tail];
    tx_tail++;
}

ISR(USART_RX_vect) {
    uint8_t byte = UDR0;
    uint8_t next = (uint8_t)((rx_head + 1) % RX_SIZE);
    if (next != rx_tail) { /* full: the byte is lost, and the command's CRC will say so */
        rx[rx_head] = byte;
        rx_head = next;
    }
}

int16_t uart_receive(void) {
    if (rx_head == rx_tail) {
        return -1;
    }
    uint8_t byte = rx[rx_tail];
    rx_tail = (uint8_t)((rx_tail + 1) % RX_SIZE);
    return byte;
}
